// Shape-arithmetic chains as PyTorch exports them must fold away completely, leaving
// only canonical IR ops with resolved attributes.
#include <gtest/gtest.h>

#include "convert_test_util.hpp"

namespace tarsier::test {
namespace {

void add_conv(OnnxBuilder& b, const std::string& x, const std::string& out, std::int64_t cin, std::int64_t cout) {
  b.initializer(out + ".w", {cout, cin, 3, 3}, random_floats(cout * cin * 9, 7));
  b.initializer(out + ".b", {cout}, random_floats(cout, 8));
  auto& n = b.node("Conv", {x, out + ".w", out + ".b"}, {out});
  set_attr(n, "kernel_shape", std::vector<std::int64_t>{3, 3});
  set_attr(n, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
}

// x.view(x.size(0), -1) followed by a Linear layer.
OnnxBuilder flatten_chain(std::int64_t opset) {
  OnnxBuilder b(opset);
  b.input("input", {-1, 3, 8, 8});
  add_conv(b, "input", "c", 3, 4);
  b.node("Shape", {"c"}, {"s"});
  b.constant_i64("i0", {0}, true);
  auto& g = b.node("Gather", {"s", "i0"}, {"n"});
  set_attr(g, "axis", std::int64_t{0});
  if (opset < 13) {
    auto& u = b.node("Unsqueeze", {"n"}, {"n1"});
    set_attr(u, "axes", std::vector<std::int64_t>{0});
  } else {
    b.constant_i64("axes0", {0});
    b.node("Unsqueeze", {"n", "axes0"}, {"n1"});
  }
  b.constant_i64("m1", {-1});
  auto& cat = b.node("Concat", {"n1", "m1"}, {"shape"});
  set_attr(cat, "axis", std::int64_t{0});
  b.node("Reshape", {"c", "shape"}, {"r"});
  b.initializer("fc.w", {2, 256}, random_floats(512, 9));
  b.initializer("fc.b", {2}, {0.5f, -0.5f});
  auto& gemm = b.node("Gemm", {"r", "fc.w", "fc.b"}, {"logits"});
  set_attr(gemm, "transB", std::int64_t{1});
  b.output("logits");
  return b;
}

class FlattenChain : public ::testing::TestWithParam<std::int64_t> {};

TEST_P(FlattenChain, FoldsToOneReshape) {
  ConvertStats stats;
  const Model m = convert(flatten_chain(GetParam()), {}, &stats);
  const Graph& g = m.graph;
  ASSERT_EQ(g.nodes.size(), 3u);
  EXPECT_EQ(g.nodes[0].op, OpType::Conv);
  EXPECT_EQ(g.nodes[1].op, OpType::Reshape);
  EXPECT_EQ(g.nodes[1].attrs.get_ints("shape"), (std::vector<std::int64_t>{1, 4 * 8 * 8}));
  EXPECT_EQ(g.nodes[2].op, OpType::Gemm);
  EXPECT_EQ(g.nodes[2].attrs.get_int("transB"), 1);
  EXPECT_EQ(g.outputs, std::vector<std::string>{"logits"});
  EXPECT_EQ(g.shape_of("logits"), (Shape{1, 2}));
  // Constant, Shape, Gather, [Constant axes,] Unsqueeze, Constant, Concat.
  EXPECT_EQ(stats.folded_nodes, GetParam() < 13 ? 6u : 7u);
  // Nothing int64 may survive as an IR constant.
  EXPECT_EQ(g.constants.size(), 4u);
}

INSTANTIATE_TEST_SUITE_P(Opsets, FlattenChain, ::testing::Values(11, 12, 13, 17));

// F.interpolate(scale_factor=2) as older exports spell it: sizes computed from Shape.
TEST(ShapeChains, ResizeSizesFromShapeArithmetic) {
  OnnxBuilder b(11);
  b.input("input", {1, 3, 5, 7});
  add_conv(b, "input", "c", 3, 4);
  b.node("Shape", {"c"}, {"s"});
  b.constant_i64("two", {2});
  b.constant_i64("four", {4});
  b.constant_i64("zero", {0});
  b.node("Slice", {"s", "two", "four", "zero"}, {"hw"});
  auto& cast = b.node("Cast", {"hw"}, {"hwf"});
  set_attr(cast, "to", std::int64_t{onnx::TensorProto::FLOAT});
  b.constant_f32("half", {0.5f});
  b.node("Div", {"hwf", "half"}, {"hw2"});
  b.node("Floor", {"hw2"}, {"hw2f"});
  auto& back = b.node("Cast", {"hw2f"}, {"hwi"});
  set_attr(back, "to", std::int64_t{onnx::TensorProto::INT64});
  b.node("Slice", {"s", "zero", "two", "zero"}, {"nc"});
  auto& cat = b.node("Concat", {"nc", "hwi"}, {"sizes"});
  set_attr(cat, "axis", std::int64_t{0});
  b.constant_f32("roi", {});
  b.constant_f32("scales", {});
  auto& r = b.node("Resize", {"c", "roi", "scales", "sizes"}, {"up"});
  set_attr(r, "mode", std::string("nearest"));
  set_attr(r, "coordinate_transformation_mode", std::string("asymmetric"));
  set_attr(r, "nearest_mode", std::string("floor"));
  b.output("up");

  const Model m = convert(b);
  ASSERT_EQ(m.graph.nodes.size(), 2u);
  const Node& n = only_node(m.graph, OpType::Resize);
  EXPECT_EQ(n.attrs.get_ints("sizes"), (std::vector<std::int64_t>{1, 4, 10, 14}));
  EXPECT_EQ(n.attrs.get_floats("scales"), (std::vector<double>{1, 1, 2, 2}));
  EXPECT_EQ(n.attrs.get_string("mode"), "nearest");
  EXPECT_EQ(n.attrs.get_string("coordinate_transformation_mode"), "asymmetric");
  EXPECT_EQ(n.attrs.get_string("nearest_mode"), "floor");
  EXPECT_EQ(m.graph.shape_of("up"), (Shape{1, 4, 10, 14}));
}

// F.pad(x, [left=1, right=2, top=0, bottom=3]) as PyTorch 1.13 exports it.
TEST(ShapeChains, ConstantOfShapePadChain) {
  OnnxBuilder b(13);
  b.input("input", {1, 3, 6, 6});
  add_conv(b, "input", "c", 3, 2);
  b.constant_i64("count", {4});
  b.constant_i64("user_pads", {1, 2, 0, 3});
  auto& cos = b.node("ConstantOfShape", {"count"}, {"zeros"});
  auto* value = cos.add_attribute();
  value->set_name("value");
  value->set_type(onnx::AttributeProto::TENSOR);
  *value->mutable_t() = make_tensor_i64("v", {1}, {0});
  auto& cat = b.node("Concat", {"user_pads", "zeros"}, {"all"});
  set_attr(cat, "axis", std::int64_t{0});
  b.constant_i64("pairs", {-1, 2});
  b.node("Reshape", {"all", "pairs"}, {"pairs2"});
  b.constant_i64("s_start", {-1});
  b.constant_i64("s_end", {-9223372036854775807LL});
  b.constant_i64("s_axis", {0});
  b.constant_i64("s_step", {-1});
  b.node("Slice", {"pairs2", "s_start", "s_end", "s_axis", "s_step"}, {"rev"});
  auto& t = b.node("Transpose", {"rev"}, {"revT"});
  set_attr(t, "perm", std::vector<std::int64_t>{1, 0});
  b.constant_i64("flat", {-1});
  b.node("Reshape", {"revT", "flat"}, {"pads64"});
  auto& cast = b.node("Cast", {"pads64"}, {"pads"});
  set_attr(cast, "to", std::int64_t{onnx::TensorProto::INT64});
  b.node("Pad", {"c", "pads", ""}, {"padded"});
  b.output("padded");

  const Model m = convert(b);
  ASSERT_EQ(m.graph.nodes.size(), 2u);
  const Node& pad = only_node(m.graph, OpType::Pad);
  // begins N, C, H(top), W(left); then ends N, C, H(bottom), W(right).
  EXPECT_EQ(pad.attrs.get_ints("pads"), (std::vector<std::int64_t>{0, 0, 0, 1, 0, 0, 3, 2}));
  EXPECT_EQ(pad.attrs.get_float("value"), 0.0);
  EXPECT_EQ(m.graph.shape_of("padded"), (Shape{1, 2, 9, 9}));
}

TEST(ShapeChains, ZeroPadIsRemoved) {
  OnnxBuilder b(13);
  b.input("input", {1, 3, 6, 6});
  add_conv(b, "input", "c", 3, 2);
  b.constant_i64("pads", {0, 0, 0, 0, 0, 0, 0, 0});
  b.node("Pad", {"c", "pads"}, {"padded"});
  b.node("Relu", {"padded"}, {"out"});
  b.output("out");
  const Model m = convert(b);
  EXPECT_EQ(count_ops(m.graph, OpType::Pad), 0);
  EXPECT_EQ(m.graph.nodes.size(), 2u);
  EXPECT_EQ(m.graph.nodes[1].inputs[0], m.graph.nodes[0].outputs[0]);
}

TEST(ShapeChains, RuntimeShapeInputIsUnsupported) {
  // A Reshape whose target comes from a Cast of activations cannot be resolved.
  OnnxBuilder b(13);
  b.input("input", {1, 4});
  auto& cast = b.node("Cast", {"input"}, {"as_int"}, "cast_node");
  set_attr(cast, "to", std::int64_t{onnx::TensorProto::INT64});
  b.node("Reshape", {"input", "as_int"}, {"out"}, "reshape_node");
  b.output("out");
  expect_error([&] { convert(b); }, ErrorCode::UnsupportedModel, {"cast_node"});
}

}  // namespace
}  // namespace tarsier::test
