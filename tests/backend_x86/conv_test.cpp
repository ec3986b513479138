// Every convolution algorithm of the x86 backend vs the ref backend, on random shapes
// (odd sizes, channel counts that leave vector tails, strides, pads, dilations, groups,
// depthwise, fused bias/residual/activations), per ISA and for 1 and 2 threads.
#include <random>

#include "backend_x86/x86_test_util.hpp"
#include "scoped_env.hpp"

namespace tarsier::test {
namespace {

class Conv : public X86VsRef {};

TEST_P(Conv, RandomShapesMatchRef) {
  std::mt19937 rng(1234);
  auto pick = [&](std::initializer_list<std::int64_t> v) {
    return *(v.begin() + std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng));
  };
  const char* acts[] = {"none", "relu", "clip", "leaky_relu", "sigmoid"};
  for (int trial = 0; trial < 40; ++trial) {
    const std::int64_t n = pick({1, 1, 2});
    const std::int64_t k = pick({1, 1, 3, 3, 3, 5, 7});
    const std::int64_t stride = pick({1, 1, 2});
    const std::int64_t dilation = k > 1 ? pick({1, 1, 1, 2}) : 1;
    std::int64_t group = pick({1, 1, 1, 2, 3});
    const std::int64_t c_in = group * pick({1, 3, 5, 8, 17, 33});
    const std::int64_t c_out = group * pick({1, 7, 16, 19, 40});
    const std::int64_t h = pick({5, 8, 11, 13}), w = pick({4, 9, 12, 15});
    const std::int64_t pad = pick({0, 1, k / 2 * dilation});
    const bool residual = pick({0, 1}) != 0;
    const std::int64_t extent = (k - 1) * dilation + 1;
    if (h + 2 * pad < extent || w + 2 * pad < extent) continue;  // no output
    const std::string act = acts[trial % 5];
    SCOPED_TRACE("trial " + std::to_string(trial) + ": n" + std::to_string(n) + " c" + std::to_string(c_in) + "->" +
                 std::to_string(c_out) + " " + std::to_string(h) + "x" + std::to_string(w) + " k" + std::to_string(k) +
                 " s" + std::to_string(stride) + " d" + std::to_string(dilation) + " g" + std::to_string(group) + " p" +
                 std::to_string(pad) + " res" + std::to_string(residual) + " " + act);
    Builder b(static_cast<unsigned>(trial));
    const auto x = b.input({n, c_in, h, w});
    std::string res;
    if (residual) {
      // A residual of the conv's output shape, computed from the input by a 1x1 conv.
      const auto probe = b.conv(x, c_out, k, k, stride, {pad, pad, pad, pad}, dilation, group);
      res = b.conv(probe, c_out, 1, 1, 1, {0, 0, 0, 0});
    }
    const auto y = b.conv(x, c_out, k, k, stride, {pad, pad, pad, pad}, dilation, group, trial % 3 != 0, res, act);
    b.output(y);
    expect_matches_ref(b.graph(), 2e-5);
  }
}

TEST_P(Conv, Winograd3x3) {
  // Small images (7x7, 10x6) are cheaper as im2col + GEMM on some machines, so the cost model
  // may not pick Winograd there; the tile edge is forced to test both transforms on every shape.
  for (const char* tile : {"f2", "f4"})
    for (const auto& [c_in, c_out, h, w] : {std::array<std::int64_t, 4>{16, 16, 9, 11},
                                            {3, 24, 14, 14},
                                            {64, 32, 7, 7},
                                            {33, 65, 10, 6},
                                            {32, 160, 7, 7} /* channel split across threads */}) {
      const ScopedEnv forced("TARSIER_X86_WINOGRAD", tile);
      Builder b(static_cast<unsigned>(c_in * 7 + c_out));
      const auto x = b.input({1, c_in, h, w});
      const auto r = b.conv(x, c_out, 1, 1, 1, {0, 0, 0, 0});
      const auto y = b.conv(x, c_out, 3, 3, 1, {1, 1, 1, 1}, 1, 1, true, r, "relu");
      b.output(y);
      const auto kernels = expect_matches_ref(b.graph(), 1e-4);
      EXPECT_TRUE(uses_kernel(kernels, "winograd")) << join(kernels);
    }
}

TEST_P(Conv, Depthwise) {
  for (const std::int64_t stride : {1, 2}) {
    Builder b(static_cast<unsigned>(stride));
    const auto x = b.input({1, 37, 13, 10});
    const auto y = b.conv(x, 37, 3, 3, stride, {1, 1, 1, 1}, 1, 37, true, "", "clip");
    b.output(y);
    const auto kernels = expect_matches_ref(b.graph(), 1e-5);
    EXPECT_TRUE(uses_kernel(kernels, "depthwise")) << join(kernels);
  }
}

// im2col + GEMM has two schedules: row blocks of patches split across threads, and, for few
// pixels with large weights, all patches at once with threads taking output-channel panels.
TEST_P(Conv, Im2colRowBlocksAndWholePatch) {
  Builder b(11);
  const auto big = b.input({1, 40, 63, 64});  // 32 x 32 pixels x 360 > 2^18 floats: row blocks
  b.output(b.conv(big, 70, 3, 3, 2, {1, 1, 1, 1}, 1, 1, true, "", "relu"));
  const auto deep = b.input({2, 200, 9, 8});  // 2 x 5 x 4 pixels x 1800: one patch matrix
  const auto r = b.conv(deep, 96, 1, 1, 2, {0, 0, 0, 0});
  b.output(b.conv(deep, 96, 3, 3, 2, {1, 1, 1, 1}, 1, 1, true, r, "clip"));
  const auto kernels = expect_matches_ref(b.graph(), 1e-5);
  EXPECT_TRUE(uses_kernel(kernels, "im2col")) << join(kernels);
}

TEST_P(Conv, PointwiseAndStem) {
  Builder b(3);
  const auto x = b.input({1, 3, 37, 41});
  const auto stem = b.conv(x, 20, 7, 7, 2, {3, 3, 3, 3}, 1, 1, true, "", "relu");
  const auto pw = b.conv(stem, 33, 1, 1, 1, {0, 0, 0, 0});
  const auto down = b.conv(pw, 18, 1, 1, 2, {0, 0, 0, 0});
  b.output(down);
  const auto kernels = expect_matches_ref(b.graph(), 1e-5);
  EXPECT_TRUE(uses_kernel(kernels, "conv1x1_gemm")) << join(kernels);
  EXPECT_TRUE(uses_kernel(kernels, "im2col")) << join(kernels);
}

TEST_P(Conv, TransposeTwoByTwoAndGeneral) {
  Builder b(9);
  const auto x = b.input({2, 12, 5, 7});
  const auto up = b.conv_transpose(x, 10, 2, 2, 0, 0, "relu");
  const auto up3 = b.conv_transpose(x, 6, 3, 2, 1, 1);
  b.output(up);
  b.output(up3);
  const auto kernels = expect_matches_ref(b.graph(), 1e-5);
  EXPECT_TRUE(uses_kernel(kernels, "conv_transpose2x2_gemm")) << join(kernels);
  EXPECT_TRUE(uses_kernel(kernels, "conv_transpose_direct")) << join(kernels);
}

INSTANTIATE_TEST_SUITE_P(Isa, Conv, all_isa_threads(), isa_threads_name);

}  // namespace
}  // namespace tarsier::test
