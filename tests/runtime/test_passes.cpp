#include <gtest/gtest.h>

#include "passes/passes.hpp"
#include "runtime/test_graphs.hpp"
#include "runtime/test_helpers.hpp"

namespace tarsier::test {
namespace {

TEST(FusionPasses, ConvReluBecomesOneConvKeepingTheOutputName) {
  Graph g = conv_relu_graph();
  const auto outputs = g.outputs;
  const PassReport report = run_load_passes(g);
  EXPECT_EQ(report.activation, 1);
  EXPECT_EQ(report.conv_add, 0);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op, OpType::Conv);
  EXPECT_EQ(g.nodes[0].attrs.get_string("activation"), "relu");
  EXPECT_EQ(g.nodes[0].outputs[0], outputs[0]);
  EXPECT_EQ(g.outputs, outputs);
  EXPECT_TRUE(ordered(g));
}

TEST(FusionPasses, ResidualBlocksFuseAddAndRelu) {
  Graph g = residual_graph();
  const auto outputs = g.outputs;
  const std::size_t before = g.nodes.size();
  const PassReport report = run_load_passes(g);
  EXPECT_EQ(report.conv_add, 2);
  EXPECT_EQ(report.activation, 5);  // stem, two block convs, two residual convs
  EXPECT_EQ(g.nodes.size(), before - 7);
  EXPECT_EQ(count_ops(g, OpType::Add), 0);
  EXPECT_EQ(count_ops(g, OpType::Relu), 0);
  int with_residual = 0;
  for (const Node& n : g.nodes)
    if (n.op == OpType::Conv && n.has_input(3)) {
      ++with_residual;
      EXPECT_EQ(n.attrs.get_string("activation"), "relu") << n.name;
      EXPECT_EQ(g.shape_of(n.input(3)), g.shape_of(n.outputs[0]));
    }
  EXPECT_EQ(with_residual, 2);
  EXPECT_EQ(g.outputs, outputs);
  EXPECT_TRUE(ordered(g));
}

TEST(FusionPasses, ResidualProducedAfterTheConvMovesTheFusedConvLater) {
  Graph g = late_residual_graph();
  run_load_passes(g);
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_TRUE(ordered(g));
  const Node& last = g.nodes[1];
  EXPECT_EQ(last.op, OpType::Conv);
  ASSERT_TRUE(last.has_input(3));
  EXPECT_EQ(last.input(3), g.nodes[0].outputs[0]);
  EXPECT_EQ(g.nodes[0].attrs.get_string("activation"), "sigmoid");
  EXPECT_EQ(last.attrs.get_string("activation"), "relu");
}

TEST(FusionPasses, EpilogueVarietyAndTheCasesThatMustNotFuse) {
  Graph g = epilogue_variety_graph();
  const auto outputs = g.outputs;
  const Graph original = g;
  run_load_passes(g);
  EXPECT_TRUE(ordered(g));
  EXPECT_EQ(g.outputs, outputs);

  // Conv + Clip carries its bounds; Conv + LeakyRelu its slope.
  const Node* first = producer(g, g.nodes[0].outputs[0]);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->attrs.get_string("activation"), "clip");
  EXPECT_DOUBLE_EQ(first->attrs.get_float("clip_min"), 0.0);
  EXPECT_DOUBLE_EQ(first->attrs.get_float("clip_max"), 0.3);
  EXPECT_EQ(g.nodes[1].attrs.get_string("activation"), "leaky_relu");
  EXPECT_DOUBLE_EQ(g.nodes[1].attrs.get_float("alpha"), 0.1);

  const Node* up = producer(g, outputs[1]);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->op, OpType::ConvTranspose);
  EXPECT_EQ(up->attrs.get_string("activation"), "sigmoid");
  const Node* head = producer(g, outputs[2]);
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->op, OpType::Gemm);
  EXPECT_EQ(head->attrs.get_string("activation"), "relu");

  // A graph output keeps its producer unfused, and so does a value read twice.
  const Node* raw = producer(g, outputs[0]);
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(raw->op, OpType::Conv);
  EXPECT_FALSE(raw->attrs.has("activation"));
  EXPECT_EQ(count_ops(g, OpType::Relu), 2);
  EXPECT_EQ(count_ops(g, OpType::Sigmoid), 1);
  EXPECT_EQ(count_ops(g, OpType::Add), 1);
  EXPECT_EQ(g.nodes.size(), original.nodes.size() - 4);
}

TEST(FusionPasses, BroadcastAddIsNotFusedAsResidual) {
  GraphBuilder b;
  const auto x = b.input("x", {1, 4, 6, 6});
  b.output(b.add(b.conv(x, 4, 3, 1, 1), b.constant({1, 4, 1, 1})));
  Graph g = b.graph();
  EXPECT_EQ(fuse_conv_add(g), 0);
  EXPECT_EQ(g.nodes.size(), 2u);
}

TEST(FusionPasses, AlreadyActivatedConvDoesNotTakeAResidual) {
  // y = relu(conv) + x differs from relu(conv + x): must stay two nodes.
  GraphBuilder b;
  const auto x = b.input("x", {1, 4, 6, 6});
  b.output(b.add(b.relu(b.conv(x, 4, 3, 1, 1)), x));
  Graph g = b.graph();
  run_load_passes(g);
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].attrs.get_string("activation"), "relu");
  EXPECT_FALSE(g.nodes[0].has_input(3));
  EXPECT_EQ(g.nodes[1].op, OpType::Add);
}

TEST(FusionPasses, ShapesOfFusedAwayValuesAreDropped) {
  Graph g = conv_relu_graph();
  const std::string inner = g.nodes[0].outputs[0];
  run_load_passes(g);
  EXPECT_FALSE(g.shapes.contains(inner));
  for (const auto& out : g.outputs) EXPECT_TRUE(g.shapes.contains(out));
}

}  // namespace
}  // namespace tarsier::test
