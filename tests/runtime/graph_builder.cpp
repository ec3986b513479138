#include "runtime/graph_builder.hpp"

#include <atomic>
#include <cmath>
#include <unistd.h>

#include "graph/shape_inference.hpp"

namespace tarsier::test {

std::string GraphBuilder::input(const std::string& name, Shape shape) {
  graph_.inputs.push_back(name);
  graph_.shapes[name] = std::move(shape);
  return name;
}

std::string GraphBuilder::constant(Shape shape, float scale) {
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> values(static_cast<std::size_t>(element_count(shape)));
  for (auto& v : values) v = dist(rng_);
  const std::string name = fresh("w");
  graph_.constants[name] = ConstTensor::from_vector(std::move(shape), std::move(values));
  return name;
}

std::string GraphBuilder::node(OpType op, std::vector<std::string> inputs, Attributes attrs) {
  Node n;
  n.name = fresh("node");
  n.op = op;
  n.inputs = std::move(inputs);
  n.attrs = std::move(attrs);
  std::vector<Shape> in_shapes;
  for (const auto& in : n.inputs) in_shapes.push_back(in.empty() ? Shape{} : graph_.shape_of(in));
  const auto out_shapes = infer_node_shapes(n, in_shapes);
  const std::string out = fresh("v");
  n.outputs = {out};
  graph_.shapes[out] = out_shapes.at(0);
  graph_.nodes.push_back(std::move(n));
  return out;
}

std::string GraphBuilder::conv(const std::string& x, std::int64_t c_out, std::int64_t k, std::int64_t stride,
                               std::int64_t pad, std::int64_t group, bool bias) {
  const std::int64_t c_in = shape(x).at(1);
  const float scale = 1.5f / static_cast<float>(std::sqrt(static_cast<double>(c_in / group * k * k)));
  const std::string w = constant({c_out, c_in / group, k, k}, scale);
  const std::string b = bias ? constant({c_out}, 0.2f) : std::string();
  Attributes a;
  a.set("kernel_shape", std::vector<std::int64_t>{k, k});
  a.set("strides", std::vector<std::int64_t>{stride, stride});
  a.set("pads", std::vector<std::int64_t>{pad, pad, pad, pad});
  a.set("dilations", std::vector<std::int64_t>{1, 1});
  a.set("group", group);
  return node(OpType::Conv, {x, w, b}, std::move(a));
}

std::string GraphBuilder::conv_transpose(const std::string& x, std::int64_t c_out, std::int64_t k,
                                         std::int64_t stride) {
  const std::int64_t c_in = shape(x).at(1);
  const std::string w = constant({c_in, c_out, k, k}, 1.0f / static_cast<float>(c_in));
  const std::string b = constant({c_out}, 0.2f);
  Attributes a;
  a.set("kernel_shape", std::vector<std::int64_t>{k, k});
  a.set("strides", std::vector<std::int64_t>{stride, stride});
  a.set("pads", std::vector<std::int64_t>{0, 0, 0, 0});
  a.set("dilations", std::vector<std::int64_t>{1, 1});
  a.set("output_padding", std::vector<std::int64_t>{0, 0});
  a.set("group", std::int64_t{1});
  return node(OpType::ConvTranspose, {x, w, b}, std::move(a));
}

std::string GraphBuilder::clip(const std::string& x, double lo, double hi) {
  Attributes a;
  a.set("min", lo);
  a.set("max", hi);
  return node(OpType::Clip, {x}, std::move(a));
}

std::string GraphBuilder::leaky_relu(const std::string& x, double alpha) {
  Attributes a;
  a.set("alpha", alpha);
  return node(OpType::LeakyRelu, {x}, std::move(a));
}

std::string GraphBuilder::concat(std::vector<std::string> xs, std::int64_t axis) {
  Attributes a;
  a.set("axis", axis);
  return node(OpType::Concat, std::move(xs), std::move(a));
}

std::string GraphBuilder::reshape(const std::string& x, Shape shape) {
  Attributes a;
  a.set("shape", std::move(shape));
  return node(OpType::Reshape, {x}, std::move(a));
}

std::string GraphBuilder::flatten(const std::string& x, std::int64_t axis) {
  Attributes a;
  a.set("axis", axis);
  return node(OpType::Flatten, {x}, std::move(a));
}

std::string GraphBuilder::max_pool(const std::string& x, std::int64_t k, std::int64_t stride) {
  Attributes a;
  a.set("kernel_shape", std::vector<std::int64_t>{k, k});
  a.set("strides", std::vector<std::int64_t>{stride, stride});
  a.set("pads", std::vector<std::int64_t>{0, 0, 0, 0});
  a.set("ceil_mode", std::int64_t{0});
  return node(OpType::MaxPool, {x}, std::move(a));
}

std::string GraphBuilder::gemm(const std::string& x, std::int64_t n) {
  const std::int64_t k = shape(x).at(1);
  const std::string w = constant({n, k}, 1.0f / static_cast<float>(std::sqrt(static_cast<double>(k))));
  const std::string b = constant({n}, 0.2f);
  Attributes a;
  a.set("alpha", 1.0);
  a.set("beta", 1.0);
  a.set("transA", std::int64_t{0});
  a.set("transB", std::int64_t{1});
  return node(OpType::Gemm, {x, w, b}, std::move(a));
}

std::string GraphBuilder::softmax(const std::string& x, std::int64_t axis) {
  Attributes a;
  a.set("axis", axis);
  return node(OpType::Softmax, {x}, std::move(a));
}

Model GraphBuilder::model() const {
  Model m;
  m.info.name = "test";
  m.info.task = Task::Classification;
  m.info.labels = {"normal", "anomaly"};
  m.info.threshold = 0.5f;
  m.info.input.name = graph_.inputs.at(0);
  m.info.input.shape = graph_.shape_of(graph_.inputs.at(0));
  for (const auto& out : graph_.outputs) m.info.outputs.push_back(OutputSpec{out, graph_.shape_of(out)});
  m.graph = graph_;
  return m;
}

std::map<std::string, std::vector<float>> random_inputs(const Graph& graph, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::map<std::string, std::vector<float>> values;
  for (const auto& in : graph.inputs) {
    auto& v = values[in];
    v.resize(static_cast<std::size_t>(element_count(graph.shape_of(in))));
    for (auto& x : v) x = dist(rng);
  }
  return values;
}

TempDir::TempDir() {
  static std::atomic<int> serial{0};  // distinct folders for tests in one process
  dir_ = std::filesystem::temp_directory_path() /
         ("tarsier_runtime_" + std::to_string(::getpid()) + "_" + std::to_string(serial++));
  std::filesystem::create_directories(dir_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace tarsier::test
