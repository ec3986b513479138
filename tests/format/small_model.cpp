#include "small_model.hpp"

#include <zlib.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace tarsier::test {
namespace {

using Ints = std::vector<std::int64_t>;


ConstTensor random_tensor(Shape shape, std::mt19937& rng) {
  std::normal_distribution<float> dist(0.0f, 0.5f);
  std::vector<float> v(static_cast<std::size_t>(element_count(shape)));
  for (float& x : v) x = dist(rng);
  return ConstTensor::from_vector(std::move(shape), std::move(v));
}

std::uint64_t read_le(const std::vector<std::byte>& f, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(f.at(at + i)) << (8 * i);
  return v;
}

void write_le(std::vector<std::byte>& f, std::size_t at, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) f[at + i] = static_cast<std::byte>(v >> (8 * i));
}

ConstTensor filled(Shape shape, float value) {
  std::vector<float> v(static_cast<std::size_t>(element_count(shape)), value);
  return ConstTensor::from_vector(std::move(shape), std::move(v));
}

// Appends a node and records its output shape.
struct Builder {
  Model m;
  void add(const std::string& name, OpType op, std::vector<std::string> inputs, Shape out,
           std::vector<std::pair<std::string, AttrValue>> attrs = {}) {
    Node n{name, op, std::move(inputs), {name}, {}};
    for (auto& [k, v] : attrs) n.attrs.set(k, std::move(v));
    m.graph.nodes.push_back(std::move(n));
    m.graph.shapes[name] = std::move(out);
  }
  void input(const std::string& name, Shape shape) {
    m.graph.inputs.push_back(name);
    m.graph.shapes[name] = shape;
    m.info.input.name = name;
    m.info.input.shape = std::move(shape);
  }
};

}  // namespace

Model make_small_model(std::uint32_t seed) {
  std::mt19937 rng(seed);
  Model m;
  ModelInfo& info = m.info;
  info.name = "small-classifier";
  info.task = Task::Classification;
  info.labels = {"normal", "anomaly"};
  info.threshold = 0.37f;
  info.input.name = "image";
  info.input.shape = {1, 3, 8, 8};
  info.input.layout = Layout::NCHW;
  info.input.color = ColorOrder::BGR;
  info.input.resize = ResizeKind::Area;
  info.input.letterbox = true;
  info.input.scale = 1.0f / 255.0f;
  info.input.mean = {0.485f, 0.456f, 0.406f};
  info.input.std = {0.229f, 0.224f, 0.225f};
  info.outputs = {{"logits", {1, 2}}};
  info.provenance = {"small.onnx", std::string(64, 'a'), "0.1.0", "hand-built test", 13};

  Graph& g = m.graph;
  g.inputs = {"image"};
  g.outputs = {"logits"};
  g.constants["conv.weight"] = random_tensor({4, 3, 3, 3}, rng);
  g.constants["conv.bias"] = random_tensor({4}, rng);
  g.constants["fc.weight"] = random_tensor({2, 4}, rng);
  g.constants["fc.bias"] = random_tensor({2}, rng);

  Node conv{"conv", OpType::Conv, {"image", "conv.weight", "conv.bias"}, {"conv_out"}, {}};
  conv.attrs.set("kernel_shape", std::vector<std::int64_t>{3, 3});
  conv.attrs.set("strides", std::vector<std::int64_t>{1, 1});
  conv.attrs.set("pads", std::vector<std::int64_t>{1, 1, 1, 1});
  conv.attrs.set("dilations", std::vector<std::int64_t>{1, 1});
  conv.attrs.set("group", std::int64_t{1});

  Node relu{"relu", OpType::Relu, {"conv_out"}, {"relu_out"}, {}};
  relu.attrs.set("t_empty_ints", std::vector<std::int64_t>{});
  relu.attrs.set("t_empty_floats", std::vector<double>{});
  relu.attrs.set("t_float_integral", 2.0);
  relu.attrs.set("t_neg_zero", -0.0);
  relu.attrs.set("t_tiny", std::numeric_limits<double>::denorm_min());
  relu.attrs.set("t_third", 1.0 / 3.0);
  relu.attrs.set("t_floats", std::vector<double>{std::numeric_limits<double>::infinity(),
                                                 -std::numeric_limits<double>::infinity(),
                                                 std::numeric_limits<double>::quiet_NaN(), 0.1, -1e300, 3.0});
  relu.attrs.set("t_int_min", std::numeric_limits<std::int64_t>::min());
  relu.attrs.set("t_ints", std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::max(), -1, 0});
  relu.attrs.set("t_string", std::string("gr\xC3\xBC\xC3\x9F \"quoted\" \\ \n"));

  Node gap{"gap", OpType::GlobalAveragePool, {"relu_out"}, {"pool_out"}, {}};
  Node flat{"flatten", OpType::Flatten, {"pool_out"}, {"flat"}, {}};
  flat.attrs.set("axis", std::int64_t{1});
  Node fc{"fc", OpType::Gemm, {"flat", "fc.weight", "fc.bias"}, {"logits"}, {}};
  fc.attrs.set("alpha", 1.0);
  fc.attrs.set("beta", 1.0);
  fc.attrs.set("transA", std::int64_t{0});
  fc.attrs.set("transB", std::int64_t{1});
  g.nodes = {conv, relu, gap, flat, fc};

  g.shapes = {{"image", {1, 3, 8, 8}},   {"conv_out", {1, 4, 8, 8}}, {"relu_out", {1, 4, 8, 8}},
              {"pool_out", {1, 4, 1, 1}}, {"flat", {1, 4}},           {"logits", {1, 2}}};
  return m;
}

// Pools, elementwise ops, Concat, Resize, Pad, Transpose, Reshape, Softmax.
Model make_shape_ops_model() {
  Builder b;
  b.input("x", {1, 4, 8, 8});
  b.m.graph.constants["gain"] = filled({1, 4, 1, 1}, 0.5f);
  b.add("maxpool", OpType::MaxPool, {"x"}, {1, 4, 4, 4},
        {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}, {"pads", Ints{0, 0, 0, 0}},
         {"dilations", Ints{1, 1}}, {"ceil_mode", std::int64_t{0}}});
  b.add("avgpool", OpType::AveragePool, {"maxpool"}, {1, 4, 4, 4},
        {{"kernel_shape", Ints{3, 3}}, {"strides", Ints{1, 1}}, {"pads", Ints{1, 1, 1, 1}},
         {"ceil_mode", std::int64_t{0}}, {"count_include_pad", std::int64_t{0}}});
  b.add("add", OpType::Add, {"maxpool", "avgpool"}, {1, 4, 4, 4});
  b.add("mul", OpType::Mul, {"add", "gain"}, {1, 4, 4, 4});
  b.add("concat", OpType::Concat, {"mul", "maxpool"}, {1, 8, 4, 4}, {{"axis", std::int64_t{1}}});
  b.add("resize", OpType::Resize, {"concat"}, {1, 8, 8, 8},
        {{"mode", std::string("nearest")}, {"coordinate_transformation_mode", std::string("asymmetric")},
         {"nearest_mode", std::string("floor")}, {"scales", std::vector<double>{1, 1, 2, 2}},
         {"sizes", Ints{1, 8, 8, 8}}});
  b.add("pad", OpType::Pad, {"resize"}, {1, 8, 10, 10}, {{"pads", Ints{0, 0, 1, 1, 0, 0, 1, 1}}, {"value", 0.0}});
  b.add("transpose", OpType::Transpose, {"pad"}, {1, 10, 10, 8}, {{"perm", Ints{0, 2, 3, 1}}});
  b.add("reshape", OpType::Reshape, {"transpose"}, {1, 800}, {{"shape", Ints{1, 800}}});
  b.add("softmax", OpType::Softmax, {"reshape"}, {1, 800}, {{"axis", std::int64_t{1}}});
  b.m.graph.outputs = {"softmax"};
  b.m.info.task = Task::Segmentation;
  return b.m;
}

// ConvTranspose, BatchNormalization, activations, a depthwise conv with fused epilogue, MatMul.
Model make_weight_ops_model() {
  Builder b;
  b.input("x", {1, 4, 4, 4});
  auto& c = b.m.graph.constants;
  c["up.weight"] = filled({4, 2, 2, 2}, 0.25f);
  c["bn.scale"] = filled({2}, 1.0f);
  c["bn.bias"] = filled({2}, 0.0f);
  c["bn.mean"] = filled({2}, 0.1f);
  c["bn.var"] = filled({2}, 2.0f);
  c["dw.weight"] = filled({2, 1, 3, 3}, 0.125f);
  c["dw.bias"] = filled({2}, -0.5f);
  c["proj"] = filled({2, 3}, 1.5f);
  const std::vector<std::pair<std::string, AttrValue>> window{
      {"strides", Ints{2, 2}}, {"pads", Ints{0, 0, 0, 0}}, {"dilations", Ints{1, 1}}, {"group", std::int64_t{1}}};
  auto up_attrs = window;
  up_attrs.push_back({"kernel_shape", Ints{2, 2}});
  up_attrs.push_back({"output_padding", Ints{0, 0}});
  b.add("up", OpType::ConvTranspose, {"x", "up.weight"}, {1, 2, 8, 8}, up_attrs);
  b.add("bn", OpType::BatchNormalization, {"up", "bn.scale", "bn.bias", "bn.mean", "bn.var"}, {1, 2, 8, 8},
        {{"epsilon", 1e-5}});
  b.add("leaky", OpType::LeakyRelu, {"bn"}, {1, 2, 8, 8}, {{"alpha", 0.1}});
  b.add("clip", OpType::Clip, {"leaky"}, {1, 2, 8, 8}, {{"min", 0.0}, {"max", 6.0}});
  b.add("sigmoid", OpType::Sigmoid, {"clip"}, {1, 2, 8, 8});
  b.add("dw", OpType::Conv, {"sigmoid", "dw.weight", "dw.bias"}, {1, 2, 8, 8},
        {{"kernel_shape", Ints{3, 3}}, {"strides", Ints{1, 1}}, {"pads", Ints{1, 1, 1, 1}}, {"dilations", Ints{1, 1}},
         {"group", std::int64_t{2}}, {"activation", std::string("clip")}, {"clip_min", 0.0}, {"clip_max", 6.0}});
  b.add("gap", OpType::GlobalAveragePool, {"dw"}, {1, 2, 1, 1});
  b.add("flatten", OpType::Flatten, {"gap"}, {1, 2}, {{"axis", std::int64_t{1}}});
  b.add("matmul", OpType::MatMul, {"flatten", "proj"}, {1, 3});
  b.m.graph.outputs = {"matmul"};
  return b.m;
}

std::uint32_t zlib_crc(const void* data, std::size_t size) {
  return static_cast<std::uint32_t>(crc32(0, static_cast<const Bytef*>(data), static_cast<uInt>(size)));
}

TsrParts split_tsr(const std::vector<std::byte>& file) {
  TsrParts p;
  p.major = static_cast<std::uint32_t>(read_le(file, 8, 4));
  p.minor = static_cast<std::uint32_t>(read_le(file, 12, 4));
  const std::size_t header_length = read_le(file, 16, 8);
  const std::size_t data_offset = read_le(file, 24, 8);
  const char* text = reinterpret_cast<const char*>(file.data()) + 40;
  p.header = nlohmann::json::parse(text, text + header_length);
  p.data.assign(file.begin() + static_cast<std::ptrdiff_t>(data_offset), file.end());
  return p;
}

std::vector<std::byte> join_tsr(const TsrParts& parts) {
  return join_tsr_text(parts.major, parts.minor, parts.header.dump(), parts.data);
}

std::vector<std::byte> join_tsr_text(std::uint32_t major, std::uint32_t minor, const std::string& text,
                                     const std::vector<std::byte>& data) {
  const std::size_t data_offset = (40 + text.size() + 63) / 64 * 64;
  std::vector<std::byte> f(data_offset + data.size(), std::byte{0});
  const unsigned char magic[8] = {0x89, 'T', 'S', 'R', 0x0D, 0x0A, 0x1A, 0x0A};
  std::memcpy(f.data(), magic, 8);
  write_le(f, 8, major, 4);
  write_le(f, 12, minor, 4);
  write_le(f, 16, text.size(), 8);
  write_le(f, 24, data_offset, 8);
  std::memcpy(f.data() + 40, text.data(), text.size());
  if (!data.empty()) std::memcpy(f.data() + data_offset, data.data(), data.size());
  // Checksum over bytes [0, 32) and [36, 40 + header length).
  std::uint32_t crc = zlib_crc(f.data(), 32);
  crc = static_cast<std::uint32_t>(crc32(crc, reinterpret_cast<const Bytef*>(f.data()) + 36,
                                         static_cast<uInt>(4 + text.size())));
  write_le(f, 32, crc, 4);
  return f;
}

}  // namespace tarsier::test
