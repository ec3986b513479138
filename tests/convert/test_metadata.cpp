// Input shape resolution and the metadata recorded around the graph.
#include <gtest/gtest.h>

#include "convert/sha256.hpp"
#include "convert_test_util.hpp"

namespace tarsier::test {
namespace {

OnnxBuilder classifier(std::vector<std::int64_t> input_dims, std::int64_t classes = 2) {
  OnnxBuilder b(13);
  b.input("image", input_dims);
  b.node("GlobalAveragePool", {"image"}, {"g"});
  b.node("Flatten", {"g"}, {"f"});
  b.initializer("fc", {classes, 3}, random_floats(classes * 3, 3));
  auto& gemm = b.node("Gemm", {"f", "fc"}, {"logits"});
  set_attr(gemm, "transB", std::int64_t{1});
  b.output("logits");
  return b;
}

OnnxBuilder segmenter() {
  OnnxBuilder b(13);
  b.input("image", {1, 3, 16, 12});
  b.initializer("w", {1, 3, 1, 1}, {1, 1, 1});
  b.node("Conv", {"image", "w"}, {"c"});
  b.node("Sigmoid", {"c"}, {"mask"});
  b.output("mask");
  return b;
}

TEST(Metadata, ClassifierDefaults) {
  const std::string bytes = classifier({1, 3, 32, 32}).bytes();
  const Model m = convert_onnx_bytes(bytes, {}, "/some/dir/defect_cls.onnx");
  EXPECT_EQ(m.info.name, "defect_cls");
  EXPECT_EQ(m.info.task, Task::Classification);
  EXPECT_EQ(m.info.labels, (std::vector<std::string>{"normal", "anomaly"}));
  EXPECT_FLOAT_EQ(m.info.threshold, 0.5f);
  EXPECT_EQ(m.info.input.name, "image");
  EXPECT_EQ(m.info.input.shape, (std::vector<std::int64_t>{1, 3, 32, 32}));
  EXPECT_EQ(m.info.input.layout, Layout::NCHW);
  EXPECT_EQ(m.info.input.color, ColorOrder::RGB);
  ASSERT_EQ(m.info.outputs.size(), 1u);
  EXPECT_EQ(m.info.outputs[0].name, "logits");
  EXPECT_EQ(m.info.outputs[0].shape, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(m.info.provenance.source_file, "defect_cls.onnx");
  EXPECT_EQ(m.info.provenance.source_sha256, convert::sha256_hex(bytes));
  EXPECT_EQ(m.info.provenance.producer, "pytorch 1.13.1");
  EXPECT_EQ(m.info.provenance.opset, 13);
  EXPECT_EQ(m.info.provenance.converter_version, std::string("tarsier ") + TARSIER_VERSION);
}

TEST(Metadata, Sha256KnownAnswer) {
  EXPECT_EQ(convert::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(convert::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Metadata, ManyClassesGetNumberedLabels) {
  const Model m = convert(classifier({1, 3, 8, 8}, 4));
  EXPECT_EQ(m.info.labels, (std::vector<std::string>{"class0", "class1", "class2", "class3"}));
}

TEST(Metadata, SegmenterDefaults) {
  const Model m = convert(segmenter());
  EXPECT_EQ(m.info.task, Task::Segmentation);
  EXPECT_EQ(m.info.labels, (std::vector<std::string>{"background", "anomaly"}));
}

TEST(Metadata, OptionsOverrideDefaults) {
  ConvertOptions o;
  o.task = Task::Classification;
  o.labels = {"ok", "scratch"};
  o.threshold = 0.8f;
  o.mean = std::vector<float>{0.5f};
  o.std = std::vector<float>{0.25f, 0.5f, 1.0f};
  o.scale = 1.0f;
  o.color = ColorOrder::BGR;
  o.resize = ResizeKind::Area;
  o.name = "custom";
  const Model m = convert(classifier({1, 3, 8, 8}), o);
  EXPECT_EQ(m.info.name, "custom");
  EXPECT_EQ(m.info.labels, (std::vector<std::string>{"ok", "scratch"}));
  EXPECT_FLOAT_EQ(m.info.threshold, 0.8f);
  EXPECT_EQ(m.info.input.mean, (std::vector<float>{0.5f, 0.5f, 0.5f}));
  EXPECT_EQ(m.info.input.std, (std::vector<float>{0.25f, 0.5f, 1.0f}));
  EXPECT_FLOAT_EQ(m.info.input.scale, 1.0f);
  EXPECT_EQ(m.info.input.color, ColorOrder::BGR);
  EXPECT_EQ(m.info.input.resize, ResizeKind::Area);
  EXPECT_FALSE(m.info.input.letterbox);
  o.letterbox = true;
  EXPECT_TRUE(convert(classifier({1, 3, 8, 8}), o).info.input.letterbox);
}

TEST(Metadata, BadOptionsAreInvalidArguments) {
  ConvertOptions three_labels;
  three_labels.labels = {"a", "b", "c"};
  expect_error([&] { convert(classifier({1, 3, 8, 8}), three_labels); }, ErrorCode::InvalidArgument, {"labels"});
  ConvertOptions two_means;
  two_means.mean = std::vector<float>{0.1f, 0.2f};
  expect_error([&] { convert(classifier({1, 3, 8, 8}), two_means); }, ErrorCode::InvalidArgument, {"--mean"});
}

TEST(Metadata, SymbolicBatchBecomesOne) {
  const Model m = convert(classifier({-1, 3, 8, 8}));
  EXPECT_EQ(m.info.input.shape, (std::vector<std::int64_t>{1, 3, 8, 8}));
  EXPECT_EQ(m.graph.shape_of("logits"), (Shape{1, 2}));
}

TEST(Metadata, UnknownSpatialSizeNeedsSizeFlag) {
  expect_error([&] { convert(classifier({-1, 3, -1, -1})); }, ErrorCode::InvalidArgument, {"--size"});
  ConvertOptions o;
  o.size = std::vector<std::int64_t>{24, 40};
  const Model m = convert(classifier({-1, 3, -1, -1}), o);
  EXPECT_EQ(m.info.input.shape, (std::vector<std::int64_t>{1, 3, 24, 40}));
  // A fixed size that --size contradicts is an error, not a silent change.
  expect_error([&] { convert(classifier({1, 3, 8, 8}), o); }, ErrorCode::InvalidArgument, {"--size"});
}

TEST(Metadata, NhwcInputIsDetected) {
  OnnxBuilder b(13);
  b.input("image", {1, -1, -1, 1});
  auto& t = b.node("Transpose", {"image"}, {"nchw"});
  set_attr(t, "perm", std::vector<std::int64_t>{0, 3, 1, 2});
  b.node("Relu", {"nchw"}, {"out"});
  b.output("out");
  ConvertOptions o;
  o.size = std::vector<std::int64_t>{10, 20};
  const Model m = convert(b, o);
  EXPECT_EQ(m.info.input.layout, Layout::NHWC);
  EXPECT_EQ(m.info.input.shape, (std::vector<std::int64_t>{1, 10, 20, 1}));
  EXPECT_EQ(m.info.input.color, ColorOrder::Gray);
  EXPECT_EQ(m.info.input.mean.size(), 1u);
}

TEST(Metadata, NonFloatOrMultipleInputsAreUnsupported) {
  OnnxBuilder b(13);
  b.input("ids", {1, 4}, onnx::TensorProto::INT64);
  b.node("Identity", {"ids"}, {"out"});
  b.output("out");
  expect_error([&] { convert(b); }, ErrorCode::UnsupportedModel, {"ids", "float32"});

  OnnxBuilder two(13);
  two.input("a", {1, 4});
  two.input("b", {1, 4});
  two.node("Add", {"a", "b"}, {"out"});
  two.output("out");
  expect_error([&] { convert(two); }, ErrorCode::UnsupportedModel, {"2 inputs"});
}

}  // namespace
}  // namespace tarsier::test
