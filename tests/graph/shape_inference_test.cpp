#include "graph/shape_inference.hpp"

#include <gtest/gtest.h>

#include <tarsier/error.hpp>

namespace tarsier {
namespace {

Node make(OpType op, Attributes attrs = {}) {
  Node n;
  n.name.assign(1, 'n');  // not = "n": GCC 12 emits a false -Wrestrict there
  n.op = op;
  n.attrs = std::move(attrs);
  n.outputs = {"y"};
  return n;
}

Attributes conv_attrs(std::int64_t k, std::int64_t s, std::vector<std::int64_t> pads, std::int64_t d = 1,
                      std::int64_t g = 1) {
  Attributes a;
  a.set("kernel_shape", std::vector<std::int64_t>{k, k});
  a.set("strides", std::vector<std::int64_t>{s, s});
  a.set("pads", std::move(pads));
  a.set("dilations", std::vector<std::int64_t>{d, d});
  a.set("group", g);
  return a;
}

Shape infer1(const Node& n, std::vector<Shape> in) { return infer_node_shapes(n, in).at(0); }

TEST(ShapeInference, ConvStemAndStrided) {
  // ResNet stem: 224 + 3 + 3 - 7 = 223, /2 = 111, +1 = 112.
  EXPECT_EQ(infer1(make(OpType::Conv, conv_attrs(7, 2, {3, 3, 3, 3})), {{1, 3, 224, 224}, {64, 3, 7, 7}, {64}}),
            (Shape{1, 64, 112, 112}));
  // Asymmetric padding: H: 64+0+1-3 = 62 /2 = 31 +1 = 32; W the same.
  EXPECT_EQ(infer1(make(OpType::Conv, conv_attrs(3, 2, {0, 0, 1, 1})), {{1, 8, 64, 64}, {16, 8, 3, 3}}),
            (Shape{1, 16, 32, 32}));
  // Dilation 2, pad 2 keeps size.
  EXPECT_EQ(infer1(make(OpType::Conv, conv_attrs(3, 1, {2, 2, 2, 2}, 2)), {{1, 4, 13, 9}, {4, 4, 3, 3}}),
            (Shape{1, 4, 13, 9}));
  // Depthwise.
  EXPECT_EQ(infer1(make(OpType::Conv, conv_attrs(3, 1, {1, 1, 1, 1}, 1, 32)), {{1, 32, 10, 10}, {32, 1, 3, 3}}),
            (Shape{1, 32, 10, 10}));
}

TEST(ShapeInference, ConvRejectsMismatches) {
  EXPECT_THROW(infer1(make(OpType::Conv, conv_attrs(3, 1, {1, 1, 1, 1})), {{1, 3, 8, 8}, {4, 5, 3, 3}}), Error);
  EXPECT_THROW(infer1(make(OpType::Conv, conv_attrs(3, 1, {1, 1, 1, 1})), {{1, 3, 8, 8}, {4, 3, 3, 3}, {5}}), Error);
  EXPECT_THROW(infer1(make(OpType::Conv, conv_attrs(9, 1, {0, 0, 0, 0})), {{1, 3, 8, 8}, {4, 3, 9, 9}}), Error);
  EXPECT_THROW(infer1(make(OpType::Conv, conv_attrs(3, 0, {0, 0, 0, 0})), {{1, 3, 8, 8}, {4, 3, 3, 3}}), Error);
  Node residual = make(OpType::Conv, conv_attrs(3, 1, {1, 1, 1, 1}));
  EXPECT_THROW(infer1(residual, {{1, 3, 8, 8}, {4, 3, 3, 3}, {}, {1, 4, 8, 7}}), Error);
  EXPECT_EQ(infer1(residual, {{1, 3, 8, 8}, {4, 3, 3, 3}, {}, {1, 4, 8, 8}}), (Shape{1, 4, 8, 8}));
}

TEST(ShapeInference, ConvTransposeWithOutputPadding) {
  Attributes a = conv_attrs(3, 2, {1, 1, 1, 1});
  a.set("output_padding", std::vector<std::int64_t>{1, 1});
  // (5-1)*2 - 2 + 2 + 1 + 1 = 10
  EXPECT_EQ(infer1(make(OpType::ConvTranspose, a), {{1, 8, 5, 5}, {8, 4, 3, 3}}), (Shape{1, 4, 10, 10}));
  Attributes up = conv_attrs(2, 2, {0, 0, 0, 0});
  up.set("output_padding", std::vector<std::int64_t>{0, 0});
  EXPECT_EQ(infer1(make(OpType::ConvTranspose, up), {{1, 64, 16, 16}, {64, 32, 2, 2}, {32}}),
            (Shape{1, 32, 32, 32}));
}

TEST(ShapeInference, PoolingCeilMode) {
  Attributes a;
  a.set("kernel_shape", std::vector<std::int64_t>{3, 3});
  a.set("strides", std::vector<std::int64_t>{2, 2});
  a.set("pads", std::vector<std::int64_t>{1, 1, 1, 1});
  a.set("ceil_mode", std::int64_t{0});
  EXPECT_EQ(infer1(make(OpType::MaxPool, a), {{1, 64, 112, 112}}), (Shape{1, 64, 56, 56}));
  // ceil: (7+2-3)/2 = 3 -> ceil 3 +1 = 4; last window starts at 6 < 7+1 so kept.
  a.set("ceil_mode", std::int64_t{1});
  EXPECT_EQ(infer1(make(OpType::MaxPool, a), {{1, 1, 7, 7}}), (Shape{1, 1, 4, 4}));
  // ceil without padding on 6: (6-3)/2 = 1.5 -> 2, +1 = 3; last window starts at 4 < 6: kept.
  Attributes b = a;
  b.set("pads", std::vector<std::int64_t>{0, 0, 0, 0});
  b.set("kernel_shape", std::vector<std::int64_t>{2, 2});
  // (5-2)/2 = 1.5 -> 2 + 1 = 3; window 3 starts at 4 < 5: kept.
  EXPECT_EQ(infer1(make(OpType::AveragePool, b), {{1, 1, 5, 5}}), (Shape{1, 1, 3, 3}));
}

TEST(ShapeInference, BroadcastConcatFlattenReshape) {
  EXPECT_EQ(infer1(make(OpType::Add), {{1, 8, 4, 4}, {8, 1, 1}}), (Shape{1, 8, 4, 4}));
  EXPECT_THROW(infer1(make(OpType::Mul), {{1, 8, 4, 4}, {3, 1, 1}}), Error);
  Attributes cat;
  cat.set("axis", std::int64_t{1});
  EXPECT_EQ(infer1(make(OpType::Concat, cat), {{1, 8, 4, 4}, {1, 3, 4, 4}, {1, 1, 4, 4}}), (Shape{1, 12, 4, 4}));
  EXPECT_THROW(infer1(make(OpType::Concat, cat), {{1, 8, 4, 4}, {1, 3, 4, 5}}), Error);
  Attributes flat;
  flat.set("axis", std::int64_t{1});
  EXPECT_EQ(infer1(make(OpType::Flatten, flat), {{2, 512, 1, 1}}), (Shape{2, 512}));
  Attributes rs;
  rs.set("shape", std::vector<std::int64_t>{1, 512});
  EXPECT_EQ(infer1(make(OpType::Reshape, rs), {{1, 512, 1, 1}}), (Shape{1, 512}));
  rs.set("shape", std::vector<std::int64_t>{1, -1});
  EXPECT_THROW(infer1(make(OpType::Reshape, rs), {{1, 512, 1, 1}}), Error);
}

TEST(ShapeInference, GemmMatMulTransposePadResize) {
  Attributes g;
  g.set("transB", std::int64_t{1});
  EXPECT_EQ(infer1(make(OpType::Gemm, g), {{1, 512}, {2, 512}, {2}}), (Shape{1, 2}));
  EXPECT_THROW(infer1(make(OpType::Gemm, g), {{1, 512}, {512, 2}}), Error);
  EXPECT_EQ(infer1(make(OpType::MatMul), {{3, 1, 4, 5}, {2, 5, 6}}), (Shape{3, 2, 4, 6}));
  EXPECT_EQ(infer1(make(OpType::MatMul), {{4, 5}, {5}}), (Shape{4}));
  Attributes t;
  t.set("perm", std::vector<std::int64_t>{0, 3, 1, 2});
  EXPECT_EQ(infer1(make(OpType::Transpose, t), {{1, 64, 48, 3}}), (Shape{1, 3, 64, 48}));
  t.set("perm", std::vector<std::int64_t>{0, 3, 3, 2});
  EXPECT_THROW(infer1(make(OpType::Transpose, t), {{1, 64, 48, 3}}), Error);
  Attributes p;
  p.set("pads", std::vector<std::int64_t>{0, 0, 1, 0, 0, 0, 2, 3});
  p.set("value", 0.0);
  EXPECT_EQ(infer1(make(OpType::Pad, p), {{1, 2, 5, 5}}), (Shape{1, 2, 8, 8}));
  Attributes r;
  r.set("mode", std::string("linear"));
  r.set("coordinate_transformation_mode", std::string("align_corners"));
  r.set("sizes", std::vector<std::int64_t>{1, 16, 40, 40});
  r.set("scales", std::vector<double>{1, 1, 2, 2});
  EXPECT_EQ(infer1(make(OpType::Resize, r), {{1, 16, 20, 20}}), (Shape{1, 16, 40, 40}));
  r.set("mode", std::string("cubic"));
  EXPECT_THROW(infer1(make(OpType::Resize, r), {{1, 16, 20, 20}}), Error);
}

TEST(ShapeInference, ErrorNamesTheNode) {
  Node n = make(OpType::Conv, conv_attrs(3, 1, {1, 1, 1, 1}));
  n.name = "layer1.0.conv1";
  try {
    infer1(n, {{1, 3, 8, 8}, {4, 5, 3, 3}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer1.0.conv1"), std::string::npos) << e.what();
    EXPECT_EQ(e.code(), ErrorCode::InvalidModel);
  }
}

}  // namespace
}  // namespace tarsier
