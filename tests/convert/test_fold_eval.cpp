// The constant-folding evaluator on its own, against hand-computed results.
#include <gtest/gtest.h>

#include <limits>

#include "convert/fold_eval.hpp"
#include "convert_test_util.hpp"

namespace tarsier::test {
namespace {

using convert::FoldTensor;
using convert::FoldType;

std::vector<FoldTensor> run(onnx::NodeProto node, std::vector<const FoldTensor*> inputs, std::int64_t opset = 13) {
  return convert::fold_node(node, inputs, opset);
}

onnx::NodeProto make(const std::string& op, int inputs, int outputs = 1) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(op + "_test");
  for (int i = 0; i < inputs; ++i) n.add_input("in" + std::to_string(i));
  for (int i = 0; i < outputs; ++i) n.add_output("out" + std::to_string(i));
  return n;
}

TEST(FoldEval, GatherNegativeIndexFromShape) {
  const auto shape = FoldTensor::ints({4}, {1, 64, 7, 9});
  const auto idx = FoldTensor::ints({}, {-1});
  auto n = make("Gather", 2);
  set_attr(n, "axis", std::int64_t{0});
  auto out = run(n, {&shape, &idx});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].shape.empty());
  EXPECT_EQ(out[0].i, std::vector<std::int64_t>{9});
}

TEST(FoldEval, Gather2DAlongAxis1) {
  const auto data = FoldTensor::floats({2, 3}, {0, 1, 2, 10, 11, 12});
  const auto idx = FoldTensor::ints({2}, {2, 0});
  auto n = make("Gather", 2);
  set_attr(n, "axis", std::int64_t{1});
  auto out = run(n, {&data, &idx});
  EXPECT_EQ(out[0].shape, (Shape{2, 2}));
  EXPECT_EQ(out[0].f, (std::vector<float>{2, 0, 12, 10}));
}

TEST(FoldEval, UnsqueezeAxesAttributeBeforeOpset13InputAfter) {
  const auto x = FoldTensor::ints({}, {5});
  auto old_style = make("Unsqueeze", 1);
  set_attr(old_style, "axes", std::vector<std::int64_t>{0});
  EXPECT_EQ(run(old_style, {&x}, 11)[0].shape, (Shape{1}));
  const auto axes = FoldTensor::ints({2}, {0, -1});
  EXPECT_EQ(run(make("Unsqueeze", 2), {&x, &axes}, 13)[0].shape, (Shape{1, 1}));
}

TEST(FoldEval, SliceWithSentinelsAndNegativeStep) {
  const auto x = FoldTensor::ints({6}, {0, 1, 2, 3, 4, 5});
  const auto starts = FoldTensor::ints({1}, {-1});
  const auto ends = FoldTensor::ints({1}, {std::numeric_limits<std::int64_t>::min()});
  const auto axes = FoldTensor::ints({1}, {0});
  const auto steps = FoldTensor::ints({1}, {-2});
  auto out = run(make("Slice", 5), {&x, &starts, &ends, &axes, &steps});
  EXPECT_EQ(out[0].i, (std::vector<std::int64_t>{5, 3, 1}));

  const auto s2 = FoldTensor::ints({1}, {2});
  const auto e2 = FoldTensor::ints({1}, {std::numeric_limits<std::int64_t>::max()});
  out = run(make("Slice", 3), {&x, &s2, &e2});
  EXPECT_EQ(out[0].i, (std::vector<std::int64_t>{2, 3, 4, 5}));
}

TEST(FoldEval, Slice2DColumns) {
  const auto x = FoldTensor::floats({2, 3}, {1, 2, 3, 4, 5, 6});
  const auto starts = FoldTensor::ints({1}, {1});
  const auto ends = FoldTensor::ints({1}, {3});
  const auto axes = FoldTensor::ints({1}, {1});
  auto out = run(make("Slice", 4), {&x, &starts, &ends, &axes});
  EXPECT_EQ(out[0].shape, (Shape{2, 2}));
  EXPECT_EQ(out[0].f, (std::vector<float>{2, 3, 5, 6}));
}

TEST(FoldEval, ReshapeZeroAndMinusOne) {
  const auto x = FoldTensor::floats({2, 3, 4}, std::vector<float>(24, 1.0f));
  const auto target = FoldTensor::ints({2}, {0, -1});
  EXPECT_EQ(run(make("Reshape", 2), {&x, &target})[0].shape, (Shape{2, 12}));
}

TEST(FoldEval, TransposeAndConcat) {
  const auto x = FoldTensor::ints({2, 3}, {1, 2, 3, 4, 5, 6});
  auto t = run(make("Transpose", 1), {&x});  // default perm reverses
  EXPECT_EQ(t[0].shape, (Shape{3, 2}));
  EXPECT_EQ(t[0].i, (std::vector<std::int64_t>{1, 4, 2, 5, 3, 6}));
  auto c = make("Concat", 2);
  set_attr(c, "axis", std::int64_t{-1});
  auto out = run(c, {&x, &x});
  EXPECT_EQ(out[0].shape, (Shape{2, 6}));
  EXPECT_EQ(out[0].i, (std::vector<std::int64_t>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}));
}

TEST(FoldEval, IntegerArithmeticBroadcastsAndTruncates) {
  const auto a = FoldTensor::ints({2}, {7, -7});
  const auto b = FoldTensor::ints({}, {2});
  EXPECT_EQ(run(make("Div", 2), {&a, &b})[0].i, (std::vector<std::int64_t>{3, -3}));
  EXPECT_EQ(run(make("Mul", 2), {&a, &b})[0].i, (std::vector<std::int64_t>{14, -14}));
  EXPECT_EQ(run(make("Sub", 2), {&a, &b})[0].i, (std::vector<std::int64_t>{5, -9}));
  const auto zero = FoldTensor::ints({}, {0});
  EXPECT_THROW(run(make("Div", 2), {&a, &zero}), Error);
}

TEST(FoldEval, FloatMathCastFloorAndWhere) {
  const auto x = FoldTensor::ints({3}, {5, 6, 7});
  auto cast = make("Cast", 1);
  set_attr(cast, "to", std::int64_t{onnx::TensorProto::FLOAT});
  const auto xf = run(cast, {&x})[0];
  EXPECT_EQ(xf.type, FoldType::Float);
  const auto two = FoldTensor::floats({}, {2.0f});
  const auto half = run(make("Div", 2), {&xf, &two})[0];
  EXPECT_EQ(half.f, (std::vector<float>{2.5f, 3.0f, 3.5f}));
  EXPECT_EQ(run(make("Floor", 1), {&half})[0].f, (std::vector<float>{2, 3, 3}));
  const auto three = FoldTensor::floats({}, {3.0f});
  const auto eq = run(make("Equal", 2), {&half, &three})[0];
  EXPECT_EQ(eq.type, FoldType::Bool);
  EXPECT_EQ(eq.i, (std::vector<std::int64_t>{0, 1, 0}));
  const auto minus = FoldTensor::floats({}, {-1.0f});
  EXPECT_EQ(run(make("Where", 3), {&eq, &minus, &half})[0].f, (std::vector<float>{2.5f, -1.0f, 3.5f}));
}

TEST(FoldEval, ConstantOfShapeRangeExpandSplitReduce) {
  const auto shape = FoldTensor::ints({2}, {2, 3});
  auto cos = make("ConstantOfShape", 1);
  const auto filled = run(cos, {&shape})[0];
  EXPECT_EQ(filled.shape, (Shape{2, 3}));
  EXPECT_EQ(filled.f, std::vector<float>(6, 0.0f));

  const auto start = FoldTensor::ints({}, {1}), limit = FoldTensor::ints({}, {10}), delta = FoldTensor::ints({}, {4});
  EXPECT_EQ(run(make("Range", 3), {&start, &limit, &delta})[0].i, (std::vector<std::int64_t>{1, 5, 9}));

  const auto col = FoldTensor::ints({2, 1}, {1, 2});
  const auto target = FoldTensor::ints({2}, {1, 3});
  const auto ex = run(make("Expand", 2), {&col, &target})[0];
  EXPECT_EQ(ex.shape, (Shape{2, 3}));
  EXPECT_EQ(ex.i, (std::vector<std::int64_t>{1, 1, 1, 2, 2, 2}));

  const auto v = FoldTensor::ints({5}, {1, 2, 3, 4, 5});
  const auto sizes = FoldTensor::ints({2}, {2, 3});
  const auto parts = run(make("Split", 2, 2), {&v, &sizes});
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].i, (std::vector<std::int64_t>{3, 4, 5}));

  auto prod = make("ReduceProd", 1);
  set_attr(prod, "keepdims", std::int64_t{0});
  EXPECT_EQ(run(prod, {&v})[0].i, (std::vector<std::int64_t>{120}));
}

TEST(FoldEval, HostileSizesAreRefused) {
  const auto huge = FoldTensor::ints({2}, {1 << 20, 1 << 20});
  EXPECT_THROW(run(make("ConstantOfShape", 1), {&huge}), Error);
  const auto start = FoldTensor::floats({}, {0.0f}), limit = FoldTensor::floats({}, {1e30f}),
             delta = FoldTensor::floats({}, {1.0f});
  EXPECT_THROW(run(make("Range", 3), {&start, &limit, &delta}), Error);
  const auto nan = FoldTensor::floats({1}, {std::numeric_limits<float>::quiet_NaN()});
  auto cast = make("Cast", 1);
  set_attr(cast, "to", std::int64_t{onnx::TensorProto::INT64});
  EXPECT_THROW(run(cast, {&nan}), Error);
}

}  // namespace
}  // namespace tarsier::test
