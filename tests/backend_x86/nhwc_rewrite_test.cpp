// Structure of the NHWC layout pass: conversions only at graph edges and around NCHW-only
// ops, Keras-style input transposes cancelled, 1x1 conversions as aliases; and the
// rewritten graph still computes the same (vs ref).
#include "backend/x86/nhwc_rewrite.hpp"
#include "backend_x86/x86_test_util.hpp"

namespace tarsier::test {
namespace {

int count_op(const Graph& g, OpType op) {
  return static_cast<int>(std::count_if(g.nodes.begin(), g.nodes.end(), [&](const Node& n) { return n.op == op; }));
}

TEST(NhwcRewrite, TransposesOnlyAtEdges) {
  Builder b(1);
  const auto x = b.input({1, 3, 16, 16});
  auto y = b.conv(x, 8, 3, 3, 2, {1, 1, 1, 1}, 1, 1, true, "", "relu");
  y = b.pool(OpType::MaxPool, y, 2, 2, 0);
  const auto z = b.conv(y, 8, 3, 3, 1, {1, 1, 1, 1});
  y = b.node(OpType::Add, {y, z});
  y = b.node(OpType::Relu, {y});
  b.output(y);
  Graph g = b.graph();
  const auto report = x86_backend::rewrite_to_nhwc(g);
  EXPECT_EQ(report.transposes, 2);
  EXPECT_EQ(count_op(g, OpType::Transpose), 2);
  // The first node converts the input, the last converts the output; all else is NHWC.
  ASSERT_GE(g.nodes.size(), 3u);
  EXPECT_EQ(g.nodes.front().op, OpType::Transpose);
  EXPECT_EQ(g.nodes.front().inputs[0], x);
  EXPECT_EQ(g.nodes.back().op, OpType::Transpose);
  EXPECT_EQ(g.nodes.back().outputs[0], y);
  for (std::size_t i = 1; i + 1 < g.nodes.size(); ++i) EXPECT_TRUE(x86_backend::is_nhwc(g.nodes[i])) << g.nodes[i].name;
  EXPECT_EQ(g.shape_of(y), (Shape{1, 8, 4, 4}));            // graph output keeps NCHW
  EXPECT_EQ(g.shape_of(g.nodes[1].outputs[0]), (Shape{1, 8, 8, 8}));  // stored NHWC
}

TEST(NhwcRewrite, KerasInputTransposeCancelsAndHeadAliases) {
  Builder b(2);
  const auto x = b.input({1, 20, 20, 3});  // NHWC input, as Keras exports it
  const auto t = b.transpose(x, {0, 3, 1, 2});
  auto y = b.conv(t, 8, 3, 3, 2, {1, 1, 1, 1}, 1, 1, true, "", "relu");
  y = b.node(OpType::GlobalAveragePool, {y});
  y = b.flatten(y);
  y = b.gemm(y, 2);
  b.output(y);
  Graph g = b.graph();
  const auto report = x86_backend::rewrite_to_nhwc(g);
  EXPECT_EQ(report.cancelled, 1);
  EXPECT_EQ(report.transposes, 0);
  EXPECT_EQ(report.aliases, 1);
  EXPECT_EQ(count_op(g, OpType::Transpose), 0);  // the input's Transpose is dead and removed
  EXPECT_EQ(g.nodes.front().op, OpType::Conv);
  EXPECT_EQ(g.nodes.front().inputs[0], x);
}

TEST(NhwcRewrite, NhwcOutputTransposeBecomesAlias) {
  Builder b(3);
  const auto x = b.input({1, 4, 10, 10});
  const auto y = b.conv(x, 6, 3, 3, 1, {1, 1, 1, 1});
  b.output(b.transpose(y, {0, 2, 3, 1}));  // the model returns NHWC
  Graph g = b.graph();
  x86_backend::rewrite_to_nhwc(g);
  EXPECT_EQ(count_op(g, OpType::Transpose), 1);  // only the input conversion
  EXPECT_EQ(g.nodes.back().op, OpType::Reshape);
}

TEST(NhwcRewrite, NchwOnlyOpsGetConversions) {
  Builder b(4);
  const auto x = b.input({1, 4, 6, 6});
  const auto y = b.conv(x, 5, 3, 3, 1, {1, 1, 1, 1});
  Attributes axis;
  axis.set("axis", std::int64_t{1});
  const auto s = b.node(OpType::Softmax, {y}, axis);
  const auto z = b.conv(s, 3, 1, 1, 1, {0, 0, 0, 0});
  b.output(z);
  b.output(y);  // an NHWC value that is also a graph output, read by an NCHW-only op
  Graph g = b.graph();
  const auto report = x86_backend::rewrite_to_nhwc(g);
  // in -> nhwc, y -> nchw (shared by Softmax and the output), softmax -> nhwc, z -> nchw.
  EXPECT_EQ(report.transposes, 4);
  EXPECT_EQ(g.shape_of(y), (Shape{1, 5, 6, 6}));
  if (!x86::has_isa(x86::Isa::Avx2)) GTEST_SKIP() << "no AVX2 to run it";
  const Outputs want = run_graph(b.graph(), make_ref_backend(), 1, 3);
  const Outputs got = run_graph(b.graph(), make_x86(x86::Isa::Avx2), 1, 3);
  for (std::size_t i = 0; i < want.values.size(); ++i)
    EXPECT_LE(relative_error(got.values[i], want.values[i]), 1e-5) << join(got.kernels);
}

}  // namespace
}  // namespace tarsier::test
