// Damaged .onnx input must give a tarsier::Error naming the problem, never a crash,
// another exception type or a huge allocation.
#include <gtest/gtest.h>

#include <random>

#include "convert_test_util.hpp"

namespace tarsier::test {
namespace {

// A model touching most code paths: initializers, folding chain, conv, BN, resize.
OnnxBuilder sample_model() {
  OnnxBuilder b(13);
  b.input("input", {1, 3, 8, 8});
  b.initializer("w", {4, 3, 3, 3}, random_floats(108, 1));
  b.initializer("g", {4}, {1, 2, 3, 4});
  b.initializer("bt", {4}, {0, 0, 0, 0});
  b.initializer("mu", {4}, {0, 0, 0, 0});
  b.initializer("var", {4}, {1, 1, 1, 1});
  auto& conv = b.node("Conv", {"input", "w"}, {"c"});
  set_attr(conv, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  b.node("BatchNormalization", {"c", "g", "bt", "mu", "var"}, {"bn"});
  b.node("Relu", {"bn"}, {"r"});
  b.node("Shape", {"r"}, {"s"});
  b.constant_i64("i0", {0});
  b.constant_i64("i2", {2});
  b.node("Slice", {"s", "i0", "i2"}, {"nc"});
  b.constant_i64("hw", {16, 16});
  auto& cat = b.node("Concat", {"nc", "hw"}, {"sizes"});
  set_attr(cat, "axis", std::int64_t{0});
  auto& rs = b.node("Resize", {"r", "", "", "sizes"}, {"up"});
  set_attr(rs, "mode", std::string("linear"));
  b.node("Sigmoid", {"up"}, {"out"});
  b.output("out");
  return b;
}

// Converting must either succeed or throw tarsier::Error.
void convert_or_error(const std::string& bytes) {
  try {
    convert_onnx_bytes(bytes, {}, "damaged.onnx");
  } catch (const Error& e) {
    EXPECT_FALSE(std::string(e.what()).empty());
  } catch (const std::exception& e) {
    ADD_FAILURE() << "non-tarsier exception: " << e.what();
  }
}

TEST(Robustness, SampleModelConverts) {
  const Model m = convert(sample_model());
  EXPECT_EQ(m.graph.shape_of("out"), (Shape{1, 4, 16, 16}));
  EXPECT_EQ(count_ops(m.graph, OpType::BatchNormalization), 0);
}

TEST(Robustness, TruncatedFiles) {
  const std::string bytes = sample_model().bytes();
  for (std::size_t len = 0; len < bytes.size(); len += 1 + len / 16) convert_or_error(bytes.substr(0, len));
  expect_error([] { convert_onnx_bytes("", {}, "empty.onnx"); }, ErrorCode::InvalidModel,
               {"empty.onnx", "not a valid ONNX file"});
}

TEST(Robustness, BitFlips) {
  const std::string bytes = sample_model().bytes();
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 400; ++trial) {
    std::string damaged = bytes;
    const int flips = 1 + trial % 3;
    for (int f = 0; f < flips; ++f) damaged[rng() % damaged.size()] ^= static_cast<char>(1u << (rng() % 8));
    convert_or_error(damaged);
  }
}

TEST(Robustness, RandomBytes) {
  std::mt19937 rng(99);
  for (int trial = 0; trial < 200; ++trial) {
    std::string junk(rng() % 2048, '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng());
    convert_or_error(junk);
  }
  expect_error([] { convert_onnx_bytes("this is not a model, just text", {}, "x.onnx"); }, ErrorCode::InvalidModel,
               {"not a valid ONNX file"});
}

TEST(Robustness, InitializerSizeMismatch) {
  OnnxBuilder b = sample_model();
  auto* w = b.model().mutable_graph()->mutable_initializer(0);
  w->set_raw_data(w->raw_data().substr(0, 100));
  expect_error([&] { convert(b); }, ErrorCode::InvalidModel, {"initializer 'w'", "raw data"});
}

TEST(Robustness, OversizedInitializerShape) {
  OnnxBuilder b = sample_model();
  auto* w = b.model().mutable_graph()->mutable_initializer(0);
  w->set_dims(0, std::int64_t{1} << 40);
  expect_error([&] { convert(b); }, ErrorCode::InvalidModel, {"initializer 'w'"});
  w->set_dims(0, -4);
  expect_error([&] { convert(b); }, ErrorCode::InvalidModel, {"initializer 'w'"});
}

TEST(Robustness, OversizedInputShape) {
  OnnxBuilder b = sample_model();
  auto* dim = b.model().mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(2);
  dim->set_dim_value(std::int64_t{1} << 40);
  EXPECT_THROW(convert(b), Error);
}

TEST(Robustness, ExternalDataIsUnsupported) {
  OnnxBuilder b = sample_model();
  auto* w = b.model().mutable_graph()->mutable_initializer(0);
  w->clear_raw_data();
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* entry = w->add_external_data();
  entry->set_key("location");
  entry->set_value("weights.bin");
  expect_error([&] { convert(b); }, ErrorCode::UnsupportedModel, {"initializer 'w'", "external"});
}

TEST(Robustness, TypedFieldInitializersAndOtherDtypes) {
  OnnxBuilder b(13);
  b.input("input", {1, 3});
  // float16 via int32_data, double via double_data, int8 bias-like data via raw bytes.
  onnx::TensorProto h;
  h.set_name("h");
  h.set_data_type(onnx::TensorProto::FLOAT16);
  h.add_dims(3);
  for (int bits : {0x3c00, 0x4000, 0xbc00}) h.add_int32_data(bits);  // 1, 2, -1
  *b.model().mutable_graph()->add_initializer() = h;
  onnx::TensorProto d;
  d.set_name("d");
  d.set_data_type(onnx::TensorProto::DOUBLE);
  d.add_dims(3);
  for (double v : {0.5, 0.25, 4.0}) d.add_double_data(v);
  *b.model().mutable_graph()->add_initializer() = d;
  onnx::TensorProto i8;
  i8.set_name("i8");
  i8.set_data_type(onnx::TensorProto::INT8);
  i8.add_dims(3);
  i8.set_raw_data(std::string("\x01\xff\x03", 3));
  *b.model().mutable_graph()->add_initializer() = i8;
  auto& cast = b.node("Cast", {"i8"}, {"i8f"});
  set_attr(cast, "to", std::int64_t{onnx::TensorProto::FLOAT});
  b.node("Mul", {"h", "d"}, {"hd"});
  b.node("Add", {"hd", "i8f"}, {"k"});
  b.node("Mul", {"input", "k"}, {"out"});
  b.output("out");
  const Model m = convert(b);
  ASSERT_EQ(m.graph.nodes.size(), 1u);
  const auto& k = m.graph.constants.at(m.graph.nodes[0].inputs[1]);
  EXPECT_EQ(std::vector<float>(k.data.begin(), k.data.end()), (std::vector<float>{1.5f, -0.5f, -1.0f}));
}

TEST(Robustness, UndefinedValueAndCycle) {
  OnnxBuilder b(13);
  b.input("input", {1, 3});
  b.node("Add", {"input", "nowhere"}, {"out"}, "add");
  b.output("out");
  expect_error([&] { convert(b); }, ErrorCode::InvalidModel, {"nowhere"});

  OnnxBuilder c(13);
  c.input("input", {1, 3});
  c.node("Add", {"input", "b"}, {"a"});
  c.node("Relu", {"a"}, {"b"});
  c.output("a");
  expect_error([&] { convert(c); }, ErrorCode::InvalidModel, {"cycle"});
}

TEST(Robustness, UnreadableFileIsAnIoError) {
  expect_error([] { convert_onnx("/nonexistent/dir/model.onnx", {}); }, ErrorCode::Io, {"model.onnx"});
}

}  // namespace
}  // namespace tarsier::test
