// Pooling, resize, elementwise ops, FC and concat (in place and copying) of the x86 backend
// vs the ref backend, per ISA and thread count; and bit-identical results for 1 vs 2 threads.
#include "backend/x86/nhwc_rewrite.hpp"
#include "backend_x86/x86_test_util.hpp"

namespace tarsier::test {
namespace {

class Ops : public X86VsRef {};

TEST_P(Ops, Pooling) {
  Builder b(1);
  const auto x = b.input({2, 19, 15, 13});
  const auto c = b.conv(x, 19, 1, 1, 1, {0, 0, 0, 0});
  b.output(b.pool(OpType::MaxPool, c, 3, 2, 1));
  b.output(b.pool(OpType::MaxPool, c, 2, 2, 0, true));
  b.output(b.pool(OpType::AveragePool, c, 3, 2, 1, true, true));
  b.output(b.pool(OpType::AveragePool, c, 3, 1, 1, false, false));
  const auto kernels = expect_matches_ref(b.graph(), 1e-6);
  EXPECT_TRUE(uses_kernel(kernels, "max_pool_nhwc")) << join(kernels);
  EXPECT_TRUE(uses_kernel(kernels, "avg_pool_nhwc")) << join(kernels);
}

TEST_P(Ops, ClassifierHead) {
  Builder b(2);
  const auto x = b.input({2, 24, 9, 9});
  const auto c = b.conv(x, 40, 3, 3, 2, {1, 1, 1, 1}, 1, 1, true, "", "relu");
  const auto g = b.node(OpType::GlobalAveragePool, {c});
  const auto f = b.flatten(g);
  b.output(b.gemm(f, 37, "relu"));
  const auto kernels = expect_matches_ref(b.graph(), 1e-5);
  EXPECT_TRUE(uses_kernel(kernels, "gemm_fc")) << join(kernels);
  EXPECT_TRUE(uses_kernel(kernels, "global_avg_pool_nhwc")) << join(kernels);
}

TEST_P(Ops, Resize) {
  for (const char* mode : {"nearest", "linear"}) {
    Builder b(3);
    const auto x = b.input({1, 21, 6, 7});
    const auto c = b.conv(x, 21, 1, 1, 1, {0, 0, 0, 0});
    Attributes a;
    a.set("mode", std::string(mode));
    a.set("coordinate_transformation_mode", std::string(mode == std::string("nearest") ? "asymmetric" : "pytorch_half_pixel"));
    a.set("nearest_mode", std::string("floor"));
    a.set("scales", std::vector<double>{1, 1, 2, 2});
    a.set("sizes", std::vector<std::int64_t>{1, 21, 12, 14});
    b.output(b.node(OpType::Resize, {c}, a));
    const auto kernels = expect_matches_ref(b.graph(), 1e-6);
    EXPECT_TRUE(uses_kernel(kernels, "resize")) << join(kernels);
  }
}

TEST_P(Ops, Elementwise) {
  Builder b(4);
  const auto x = b.input({1, 13, 7, 9});
  const auto c1 = b.conv(x, 13, 3, 3, 1, {1, 1, 1, 1});
  const auto c2 = b.conv(x, 13, 1, 1, 1, {0, 0, 0, 0});
  Attributes relu;
  relu.set("activation", std::string("relu"));
  const auto sum = b.node(OpType::Add, {c1, c2}, relu);
  const auto scaled = b.node(OpType::Mul, {b.constant({1, 13, 1, 1}), sum});
  const auto shifted = b.node(OpType::Add, {scaled, b.constant({13, 1, 1})});
  // Variance in [-0.4, 0.4] plus epsilon 0.9: positive.
  Attributes eps;
  eps.set("epsilon", 0.9);
  const auto bn = b.node(OpType::BatchNormalization,
                         {shifted, b.constant({13}), b.constant({13}), b.constant({13}), b.constant({13}, 0.4f)}, eps);
  b.output(b.node(OpType::Sigmoid, {bn}));
  Attributes leaky;
  leaky.set("alpha", 0.2);
  b.output(b.node(OpType::LeakyRelu, {shifted}, leaky));
  Attributes clip;
  clip.set("min", -0.1);
  clip.set("max", 0.3);
  b.output(b.node(OpType::Clip, {b.node(OpType::Mul, {shifted, b.constant({1})})}, clip));
  const auto kernels = expect_matches_ref(b.graph(), 1e-5);
  EXPECT_TRUE(uses_kernel(kernels, "batch_norm_affine")) << join(kernels);
  EXPECT_TRUE(uses_kernel(kernels, ".mul")) << join(kernels);
}

// U-Net decoder step: the skip feeds a pool and the concat (copied), the upsampled branch is
// written straight into its slice (strided GEMM store), and a second concat is fully in place.
TEST_P(Ops, ConcatInPlace) {
  Builder b(5);
  const auto x = b.input({1, 5, 12, 10});
  const auto skip = b.conv(x, 16, 3, 3, 1, {1, 1, 1, 1}, 1, 1, true, "", "relu");
  const auto down = b.pool(OpType::MaxPool, skip, 2, 2, 0);
  const auto deep = b.conv(down, 24, 3, 3, 1, {1, 1, 1, 1}, 1, 1, true, "", "relu");
  const auto up = b.conv_transpose(deep, 16, 2, 2);
  const auto cat = b.concat({up, skip});
  const auto a1 = b.conv(cat, 7, 1, 1, 1, {0, 0, 0, 0});
  const auto a2 = b.conv(cat, 9, 3, 3, 2, {1, 1, 1, 1});
  const auto a3 = b.conv(cat, 5, 3, 3, 1, {1, 1, 1, 1});
  const auto up2 = b.node(OpType::Resize, {a2}, [] {
    Attributes a;
    a.set("mode", std::string("nearest"));
    a.set("coordinate_transformation_mode", std::string("asymmetric"));
    a.set("nearest_mode", std::string("floor"));
    a.set("scales", std::vector<double>{1, 1, 2, 2});
    a.set("sizes", std::vector<std::int64_t>{1, 9, 12, 10});
    return a;
  }());
  const auto cat2 = b.concat({a1, up2, a3});
  b.output(b.conv(cat2, 4, 3, 3, 1, {1, 1, 1, 1}));
  Graph prepared;
  const Outputs want = run_graph(b.graph(), make_ref_backend(), 1, 7);
  const Outputs got = run_graph(b.graph(), make_x86(GetParam().isa), GetParam().threads, 7, &prepared);
  EXPECT_LE(relative_error(got.values[0], want.values[0]), 1e-4) << join(got.kernels);
  int flagged = 0;
  for (const Node& node : prepared.nodes)
    if (node.op == OpType::Concat)
      for (auto f : node.attrs.get_ints(x86_backend::kInPlaceAttr, {})) flagged += f != 0;
  EXPECT_EQ(flagged, 4);  // up, a1, up2, a3 (the skip has another reader)
  EXPECT_TRUE(uses_kernel(got.kernels, "concat.in_place")) << join(got.kernels);
  EXPECT_TRUE(uses_kernel(got.kernels, "concat_channels")) << join(got.kernels);
}

INSTANTIATE_TEST_SUITE_P(Isa, Ops, all_isa_threads(), isa_threads_name);

// Each output element is computed by one thread with the same instructions whatever the
// split, so 1 and 2 threads must agree bit for bit.
class Threads : public testing::TestWithParam<x86::Isa> {};

TEST_P(Threads, OneAndTwoThreadsBitIdentical) {
  if (!x86::has_isa(GetParam())) GTEST_SKIP() << "CPU lacks " << x86::isa_name(GetParam());
  Builder b(6);
  const auto x = b.input({1, 3, 45, 37});
  const auto s = b.conv(x, 24, 7, 7, 2, {3, 3, 3, 3}, 1, 1, true, "", "relu");
  const auto p = b.pool(OpType::MaxPool, s, 3, 2, 1);
  const auto w = b.conv(p, 24, 3, 3, 1, {1, 1, 1, 1}, 1, 1, true, p, "relu");
  const auto d = b.conv(w, 24, 3, 3, 1, {1, 1, 1, 1}, 1, 24);
  const auto q = b.conv(d, 40, 1, 1, 1, {0, 0, 0, 0});
  const auto u = b.conv_transpose(q, 8, 2, 2);
  const auto g = b.flatten(b.node(OpType::GlobalAveragePool, {q}));
  // A deep 3x3 layer on a small image: one Winograd tile block, so threads split channels.
  const auto deep = b.conv(b.pool(OpType::MaxPool, q, 2, 2, 0), 160, 3, 3, 1, {1, 1, 1, 1}, 1, 1, true, "", "relu");
  b.output(deep);
  b.output(u);
  b.output(b.gemm(g, 50));
  const Outputs one = run_graph(b.graph(), make_x86(GetParam()), 1, 3);
  const Outputs two = run_graph(b.graph(), make_x86(GetParam()), 2, 3);
  ASSERT_EQ(one.values.size(), two.values.size());
  for (std::size_t i = 0; i < one.values.size(); ++i) EXPECT_EQ(one.values[i], two.values[i]) << "output " << i;
}

INSTANTIATE_TEST_SUITE_P(Isa, Threads, testing::Values(x86::Isa::Avx2, x86::Isa::Avx512),
                         [](const auto& info) { return std::string(x86::isa_name(info.param)); });

}  // namespace
}  // namespace tarsier::test
