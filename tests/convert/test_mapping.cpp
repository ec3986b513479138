// ONNX spellings resolved into canonical IR attributes, per opset.
#include <gtest/gtest.h>

#include "convert_test_util.hpp"

namespace tarsier::test {
namespace {

using Ints = std::vector<std::int64_t>;

OnnxBuilder conv_model(std::int64_t h, std::int64_t w, std::int64_t k, std::int64_t stride, const std::string& auto_pad) {
  OnnxBuilder b(13);
  b.input("input", {1, 2, h, w});
  b.initializer("w", {3, 2, k, k}, random_floats(3 * 2 * k * k, 1));
  auto& n = b.node("Conv", {"input", "w"}, {"out"});
  set_attr(n, "strides", Ints{stride, stride});
  if (!auto_pad.empty()) set_attr(n, "auto_pad", auto_pad);
  b.output("out");
  return b;
}

TEST(Mapping, ConvDefaultsAreWrittenOut) {
  const Model m = convert(conv_model(7, 9, 3, 1, ""));
  const Node& n = only_node(m.graph, OpType::Conv);
  EXPECT_EQ(n.attrs.get_ints("kernel_shape"), (Ints{3, 3}));  // taken from W
  EXPECT_EQ(n.attrs.get_ints("pads"), (Ints{0, 0, 0, 0}));
  EXPECT_EQ(n.attrs.get_ints("dilations"), (Ints{1, 1}));
  EXPECT_EQ(n.attrs.get_int("group"), 1);
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{1, 3, 5, 7}));
}

TEST(Mapping, ConvAutoPadSameUpperPutsTheOddPixelAtTheEnd) {
  // in 7, k 4, stride 2: out = 4, total pad = (4-1)*2 + 4 - 7 = 3 -> begin 1, end 2.
  const Model m = convert(conv_model(7, 8, 4, 2, "SAME_UPPER"));
  const Node& n = only_node(m.graph, OpType::Conv);
  // W: in 8 -> out 4, total = 6 + 4 - 8 = 2 -> 1, 1.
  EXPECT_EQ(n.attrs.get_ints("pads"), (Ints{1, 1, 2, 1}));
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{1, 3, 4, 4}));
}

TEST(Mapping, ConvAutoPadSameLowerPutsTheOddPixelAtTheStart) {
  const Model m = convert(conv_model(7, 8, 4, 2, "SAME_LOWER"));
  EXPECT_EQ(only_node(m.graph, OpType::Conv).attrs.get_ints("pads"), (Ints{2, 1, 1, 1}));
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{1, 3, 4, 4}));
}

TEST(Mapping, ConvAutoPadValid) {
  const Model m = convert(conv_model(7, 8, 3, 2, "VALID"));
  EXPECT_EQ(only_node(m.graph, OpType::Conv).attrs.get_ints("pads"), (Ints{0, 0, 0, 0}));
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{1, 3, 3, 3}));
}

TEST(Mapping, MaxPoolSameUpperAndUnusedIndices) {
  OnnxBuilder b(13);
  b.input("input", {1, 2, 5, 5});
  auto& n = b.node("MaxPool", {"input"}, {"out", "indices"});
  set_attr(n, "kernel_shape", Ints{3, 3});
  set_attr(n, "strides", Ints{2, 2});
  set_attr(n, "auto_pad", std::string("SAME_UPPER"));
  b.output("out");
  const Model m = convert(b);
  const Node& p = only_node(m.graph, OpType::MaxPool);
  EXPECT_EQ(p.attrs.get_ints("pads"), (Ints{1, 1, 1, 1}));  // out 3: total (3-1)*2+3-5 = 2
  EXPECT_EQ(p.attrs.get_int("ceil_mode"), 0);
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{1, 2, 3, 3}));
}

TEST(Mapping, MaxPoolUsedIndicesAreUnsupported) {
  OnnxBuilder b(13);
  b.input("input", {1, 2, 4, 4});
  auto& n = b.node("MaxPool", {"input"}, {"out", "indices"}, "pool");
  set_attr(n, "kernel_shape", Ints{2, 2});
  b.output("out");
  b.output("indices");
  expect_error([&] { convert(b); }, ErrorCode::UnsupportedModel, {"pool", "indices"});
}

TEST(Mapping, ConvTransposeOutputShapeResolvesPads) {
  // in 4, stride 2, k 3: full output 2*3 + 3 = 9; asking for 8 -> total pad 1 (at the end).
  OnnxBuilder b(13);
  b.input("input", {1, 2, 4, 4});
  b.initializer("w", {2, 3, 3, 3}, random_floats(54, 3));
  auto& n = b.node("ConvTranspose", {"input", "w"}, {"out"});
  set_attr(n, "strides", Ints{2, 2});
  set_attr(n, "output_shape", Ints{8, 9});
  b.output("out");
  const Model m = convert(b);
  const Node& t = only_node(m.graph, OpType::ConvTranspose);
  EXPECT_EQ(t.attrs.get_ints("pads"), (Ints{0, 0, 1, 0}));
  EXPECT_EQ(t.attrs.get_ints("output_padding"), (Ints{0, 0}));
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{1, 3, 8, 9}));
}

TEST(Mapping, ConvTransposeSameUpperDoublesTheSize) {
  OnnxBuilder b(13);
  b.input("input", {1, 2, 4, 5});
  b.initializer("w", {2, 3, 3, 3}, random_floats(54, 3));
  auto& n = b.node("ConvTranspose", {"input", "w"}, {"out"});
  set_attr(n, "strides", Ints{2, 2});
  set_attr(n, "auto_pad", std::string("SAME_UPPER"));
  b.output("out");
  const Model m = convert(b);
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{1, 3, 8, 10}));
}

OnnxBuilder clip_model(std::int64_t opset, bool with_min, bool with_max) {
  OnnxBuilder b(opset);
  b.input("input", {1, 4});
  if (with_min) b.constant_f32("lo", {0.0f}, true);
  if (with_max) b.constant_f32("hi", {6.0f}, true);
  b.node("Clip", {"input", with_min ? "lo" : "", with_max ? "hi" : ""}, {"out"});
  b.output("out");
  return b;
}

TEST(Mapping, ClipBoundsFromInputs) {
  for (std::int64_t opset : {11, 12, 13, 17}) {
    const Model m = convert(clip_model(opset, true, true));
    const Node& c = only_node(m.graph, OpType::Clip);
    EXPECT_EQ(c.attrs.get_float("min"), 0.0);
    EXPECT_EQ(c.attrs.get_float("max"), 6.0);
  }
  const Model only_max = convert(clip_model(13, false, true));
  EXPECT_FALSE(only_node(only_max.graph, OpType::Clip).attrs.has("min"));
  EXPECT_EQ(only_node(only_max.graph, OpType::Clip).attrs.get_float("max"), 6.0);
  const Model unbounded = convert(clip_model(11, false, false));
  EXPECT_FALSE(only_node(unbounded.graph, OpType::Clip).attrs.has("min"));
  EXPECT_FALSE(only_node(unbounded.graph, OpType::Clip).attrs.has("max"));
}

OnnxBuilder softmax_model(std::int64_t opset, const std::vector<std::int64_t>& shape, std::optional<std::int64_t> axis) {
  OnnxBuilder b(opset);
  b.input("input", shape);
  auto& n = b.node("Softmax", {"input"}, {"out"}, "softmax");
  if (axis) set_attr(n, "axis", *axis);
  b.output("out");
  return b;
}

TEST(Mapping, SoftmaxAxisPerOpset) {
  // Opset 13: default axis -1 -> last.
  EXPECT_EQ(only_node(convert(softmax_model(13, {1, 3, 4, 4}, std::nullopt)).graph, OpType::Softmax)
                .attrs.get_int("axis"),
            3);
  // Opset 11: default axis 1; fine on [N, classes].
  EXPECT_EQ(only_node(convert(softmax_model(11, {1, 10}, std::nullopt)).graph, OpType::Softmax).attrs.get_int("axis"),
            1);
  // Opset 11 on [1,5,1,1]: trailing ones, equivalent to single-axis softmax.
  EXPECT_EQ(only_node(convert(softmax_model(11, {1, 5, 1, 1}, 1)).graph, OpType::Softmax).attrs.get_int("axis"), 1);
  // Opset 11 over a spatial map normalises over C*H*W together: not one axis.
  expect_error([&] { convert(softmax_model(11, {1, 3, 4, 4}, 1)); }, ErrorCode::UnsupportedModel,
               {"softmax", "opset 11"});
  // Opset 13 with an explicit negative axis.
  EXPECT_EQ(only_node(convert(softmax_model(13, {1, 3, 4, 4}, -3)).graph, OpType::Softmax).attrs.get_int("axis"), 1);
}

OnnxBuilder reshape_model(std::int64_t opset, const std::vector<std::int64_t>& target, bool allowzero = false) {
  OnnxBuilder b(opset);
  b.input("input", {2, 3, 4});
  b.initializer_i64("shape", {static_cast<std::int64_t>(target.size())}, target);
  auto& n = b.node("Reshape", {"input", "shape"}, {"out"}, "reshape");
  if (allowzero) set_attr(n, "allowzero", std::int64_t{1});
  b.output("out");
  return b;
}

TEST(Mapping, ReshapeResolvesZeroAndMinusOne) {
  EXPECT_EQ(only_node(convert(reshape_model(13, {0, -1})).graph, OpType::Reshape).attrs.get_ints("shape"),
            (Ints{2, 12}));
  EXPECT_EQ(only_node(convert(reshape_model(11, {-1, 0, 2})).graph, OpType::Reshape).attrs.get_ints("shape"),
            (Ints{4, 3, 2}));
  // allowzero=1 (opset 14) makes 0 a real zero: 24 elements cannot become [0, 24].
  expect_error([&] { convert(reshape_model(14, {0, 24}, true)); }, ErrorCode::InvalidModel, {"reshape"});
  // Before opset 14 allowzero does not exist; 0 copies.
  EXPECT_EQ(only_node(convert(reshape_model(13, {0, 12}, true)).graph, OpType::Reshape).attrs.get_ints("shape"),
            (Ints{2, 12}));
  expect_error([&] { convert(reshape_model(13, {5, -1})); }, ErrorCode::InvalidModel, {"reshape"});
}

TEST(Mapping, UnsqueezeAndSqueezeOnActivationsBecomeReshape) {
  OnnxBuilder b(11);
  b.input("input", {1, 4});
  auto& u = b.node("Unsqueeze", {"input"}, {"u"});
  set_attr(u, "axes", Ints{2, 3});
  auto& s = b.node("Squeeze", {"u"}, {"s"});
  set_attr(s, "axes", Ints{-1});
  b.node("Relu", {"s"}, {"out"});
  b.output("out");
  const Model m = convert(b);
  ASSERT_EQ(count_ops(m.graph, OpType::Reshape), 2);
  EXPECT_EQ(m.graph.nodes[0].attrs.get_ints("shape"), (Ints{1, 4, 1, 1}));
  EXPECT_EQ(m.graph.nodes[1].attrs.get_ints("shape"), (Ints{1, 4, 1}));
}

TEST(Mapping, ConcatAndFlattenNegativeAxes) {
  OnnxBuilder b(13);
  b.input("input", {1, 2, 3, 3});
  auto& c = b.node("Concat", {"input", "input"}, {"cat"});
  set_attr(c, "axis", std::int64_t{-3});
  auto& f = b.node("Flatten", {"cat"}, {"out"});
  set_attr(f, "axis", std::int64_t{-2});
  b.output("out");
  const Model m = convert(b);
  EXPECT_EQ(only_node(m.graph, OpType::Concat).attrs.get_int("axis"), 1);
  EXPECT_EQ(only_node(m.graph, OpType::Flatten).attrs.get_int("axis"), 2);
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{4, 9}));
}

TEST(Mapping, ResizeScalesGiveFloorSizes) {
  OnnxBuilder b(13);
  b.input("input", {1, 2, 5, 7});
  b.initializer("scales", {4}, {1.0f, 1.0f, 1.5f, 2.0f});
  auto& r = b.node("Resize", {"input", "", "scales"}, {"out"});
  set_attr(r, "mode", std::string("linear"));
  set_attr(r, "coordinate_transformation_mode", std::string("align_corners"));
  b.output("out");
  const Model m = convert(b);
  const Node& n = only_node(m.graph, OpType::Resize);
  EXPECT_EQ(n.attrs.get_ints("sizes"), (Ints{1, 2, 7, 14}));  // floor(5*1.5) = 7
  EXPECT_EQ(n.attrs.get_floats("scales"), (std::vector<double>{1.0, 1.0, 1.5, 2.0}));
  EXPECT_EQ(n.attrs.get_string("mode"), "linear");
  EXPECT_EQ(n.attrs.get_string("coordinate_transformation_mode"), "align_corners");
  EXPECT_EQ(n.attrs.get_string("nearest_mode"), "round_prefer_floor");
}

TEST(Mapping, ResizeCubicAndCropAreUnsupported) {
  for (auto [attr, value] : {std::pair<std::string, std::string>{"mode", "cubic"},
                             {"coordinate_transformation_mode", "tf_crop_and_resize"}}) {
    OnnxBuilder b(13);
    b.input("input", {1, 2, 4, 4});
    b.initializer("scales", {4}, {1, 1, 2, 2});
    auto& r = b.node("Resize", {"input", "", "scales"}, {"out"}, "resize");
    set_attr(r, attr, value);
    b.output("out");
    expect_error([&] { convert(b); }, ErrorCode::UnsupportedModel, {"resize", value});
  }
}

TEST(Mapping, PadReflectAndNegativeAreUnsupported) {
  for (bool reflect : {true, false}) {
    OnnxBuilder b(13);
    b.input("input", {1, 2, 4, 4});
    b.initializer_i64("pads", {8}, {0, 0, reflect ? 1 : -1, 1, 0, 0, 1, 1});
    auto& p = b.node("Pad", {"input", "pads"}, {"out"}, "pad");
    if (reflect) set_attr(p, "mode", std::string("reflect"));
    b.output("out");
    expect_error([&] { convert(b); }, ErrorCode::UnsupportedModel, {"pad", reflect ? "reflect" : "negative"});
  }
}

TEST(Mapping, SubAndDivByConstantsBecomeAddAndMul) {
  OnnxBuilder b(13);
  b.input("input", {1, 3, 2, 2});
  b.initializer("mean", {1, 3, 1, 1}, {0.5f, 0.25f, 2.0f});
  b.initializer("std", {1, 3, 1, 1}, {2.0f, 4.0f, 0.5f});
  b.node("Sub", {"input", "mean"}, {"centered"});
  b.node("Div", {"centered", "std"}, {"out"});
  b.output("out");
  const Model m = convert(b);
  ASSERT_EQ(m.graph.nodes.size(), 2u);
  EXPECT_EQ(m.graph.nodes[0].op, OpType::Add);
  EXPECT_EQ(m.graph.nodes[1].op, OpType::Mul);
  const auto& neg = m.graph.constants.at(m.graph.nodes[0].inputs[1]);
  EXPECT_EQ(std::vector<float>(neg.data.begin(), neg.data.end()), (std::vector<float>{-0.5f, -0.25f, -2.0f}));
  const auto& recip = m.graph.constants.at(m.graph.nodes[1].inputs[1]);
  EXPECT_EQ(std::vector<float>(recip.data.begin(), recip.data.end()), (std::vector<float>{0.5f, 0.25f, 2.0f}));
}

TEST(Mapping, DivByActivationIsUnsupported) {
  OnnxBuilder b(13);
  b.input("input", {1, 3});
  b.node("Div", {"input", "input"}, {"out"}, "div");
  b.output("out");
  expect_error([&] { convert(b); }, ErrorCode::UnsupportedModel, {"div", "run time"});
}

TEST(Mapping, IdentityAndDropoutAreRemovedAndOutputNamesKept) {
  OnnxBuilder b(13);
  b.input("input", {1, 3});
  b.node("Relu", {"input"}, {"r"});
  b.node("Dropout", {"r"}, {"d"});
  b.node("Identity", {"d"}, {"final_output"});
  b.output("final_output");
  ConvertStats stats;
  const Model m = convert(b, {}, &stats);
  ASSERT_EQ(m.graph.nodes.size(), 1u);
  EXPECT_EQ(m.graph.nodes[0].op, OpType::Relu);
  EXPECT_EQ(m.graph.nodes[0].outputs[0], "final_output");
  EXPECT_EQ(m.graph.outputs, std::vector<std::string>{"final_output"});
  EXPECT_EQ(stats.removed_identities, 2u);
}

TEST(Mapping, IdentityOfTheInputBecomesACopy) {
  OnnxBuilder b(13);
  b.input("input", {1, 3});
  b.node("Identity", {"input"}, {"out"});
  b.output("out");
  const Model m = convert(b);
  ASSERT_EQ(m.graph.nodes.size(), 1u);
  EXPECT_EQ(m.graph.nodes[0].outputs[0], "out");
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{1, 3}));
}

TEST(Mapping, ReduceMeanOverSpatialAxesIsGlobalAveragePool) {
  OnnxBuilder b(13);
  b.input("input", {1, 3, 4, 4});
  auto& r = b.node("ReduceMean", {"input"}, {"out"});
  set_attr(r, "axes", Ints{-1, -2});
  set_attr(r, "keepdims", std::int64_t{0});
  b.output("out");
  const Model m = convert(b);
  EXPECT_EQ(count_ops(m.graph, OpType::GlobalAveragePool), 1);
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{1, 3}));
}

TEST(Mapping, UnsupportedOpNamesOpNodeAndOpset) {
  OnnxBuilder b(16);
  b.input("input", {1, 2, 4, 4});
  b.initializer("grid", {1, 4, 4, 2}, std::vector<float>(32, 0.0f));
  b.node("GridSample", {"input", "grid"}, {"out"}, "GridSample_12");
  b.output("out");
  expect_error([&] { convert(b); }, ErrorCode::UnsupportedModel,
               {"unsupported ONNX op 'GridSample' (node 'GridSample_12', opset 16)"});
}

TEST(Mapping, OpsetsOutsideElevenToSeventeenAreRejected) {
  for (std::int64_t opset : {7, 10, 18}) {
    OnnxBuilder b(opset);
    b.input("input", {1, 3});
    b.node("Relu", {"input"}, {"out"});
    b.output("out");
    expect_error([&] { convert(b); }, ErrorCode::UnsupportedModel,
                 {"opset " + std::to_string(opset), "11 to 17"});
  }
}

TEST(Mapping, OtherDomainsAreRejected) {
  OnnxBuilder b(13);
  auto* ms = b.model().add_opset_import();
  ms->set_domain("com.microsoft");
  ms->set_version(1);
  b.input("input", {1, 3});
  b.node("FusedGemm", {"input"}, {"out"}, "fused").set_domain("com.microsoft");
  b.output("out");
  expect_error([&] { convert(b); }, ErrorCode::UnsupportedModel, {"FusedGemm", "com.microsoft", "fused"});
}

TEST(Mapping, GemmAndMatMulKeepTheirAttributes) {
  OnnxBuilder b(13);
  b.input("input", {1, 4});
  b.initializer("w", {4, 3}, random_floats(12, 5));
  b.initializer("w2", {3, 2}, random_floats(6, 6));
  auto& g = b.node("Gemm", {"input", "w"}, {"h"});
  set_attr(g, "alpha", 0.5f);
  b.node("MatMul", {"h", "w2"}, {"out"});
  b.output("out");
  const Model m = convert(b);
  const Node& gemm = only_node(m.graph, OpType::Gemm);
  EXPECT_EQ(gemm.attrs.get_float("alpha"), 0.5);
  EXPECT_EQ(gemm.attrs.get_float("beta"), 1.0);
  EXPECT_EQ(gemm.attrs.get_int("transA"), 0);
  EXPECT_EQ(gemm.attrs.get_int("transB"), 0);
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{1, 2}));
}

TEST(Mapping, TransposeKeepsPermAndDropsIdentityPerm) {
  OnnxBuilder b(13);
  b.input("input", {1, 8, 8, 3});
  auto& t = b.node("Transpose", {"input"}, {"nchw"});
  set_attr(t, "perm", Ints{0, 3, 1, 2});
  auto& id = b.node("Transpose", {"nchw"}, {"same"});
  set_attr(id, "perm", Ints{0, 1, 2, 3});
  b.node("Relu", {"same"}, {"out"});
  b.output("out");
  const Model m = convert(b);
  EXPECT_EQ(count_ops(m.graph, OpType::Transpose), 1);
  EXPECT_EQ(only_node(m.graph, OpType::Transpose).attrs.get_ints("perm"), (Ints{0, 3, 1, 2}));
  EXPECT_EQ(m.info.input.layout, Layout::NHWC);
}

}  // namespace
}  // namespace tarsier::test
