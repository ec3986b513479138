#include "session/layer_stats.hpp"

namespace tarsier {
namespace {

std::int64_t count(const Graph& graph, const std::string& value) { return element_count(graph.shape_of(value)); }

}  // namespace

std::string fused_op_label(const Node& node) {
  std::string label(op_name(node.op));
  if (node.op == OpType::Conv && node.has_input(3)) label += "+Add";
  const std::string act = node.attrs.get_string("activation", "none");
  if (act == "relu") label += "+Relu";
  else if (act == "clip") label += "+Clip";
  else if (act == "leaky_relu") label += "+LeakyRelu";
  else if (act == "sigmoid") label += "+Sigmoid";
  return label;
}

std::int64_t node_flops(const Node& node, const Graph& graph) {
  const std::int64_t out = node.outputs.empty() ? 0 : count(graph, node.outputs[0]);
  const std::int64_t epilogue = node.attrs.get_string("activation", "none") != "none" ? out : 0;
  switch (node.op) {
    case OpType::Conv: {
      const Shape& w = graph.shape_of(node.input(1));  // [c_out][c_in/group][kh][kw]
      std::int64_t per_output = 1;
      for (std::size_t i = 1; i < w.size(); ++i) per_output *= w[i];
      const std::int64_t extra = (node.has_input(2) ? out : 0) + (node.has_input(3) ? out : 0);
      return 2 * out * per_output + extra + epilogue;
    }
    case OpType::ConvTranspose: {
      const Shape& w = graph.shape_of(node.input(1));  // [c_in][c_out/group][kh][kw]
      std::int64_t per_input = 1;
      for (std::size_t i = 1; i < w.size(); ++i) per_input *= w[i];
      return 2 * count(graph, node.input(0)) * per_input + (node.has_input(2) ? out : 0) + epilogue;
    }
    case OpType::Gemm: {
      const Shape& a = graph.shape_of(node.input(0));
      const std::int64_t k = node.attrs.get_int("transA", 0) ? a.at(0) : a.at(1);
      return 2 * out * k + (node.has_input(2) ? out : 0) + epilogue;
    }
    case OpType::MatMul: {
      const Shape& a = graph.shape_of(node.input(0));
      return 2 * out * (a.empty() ? 1 : a.back());
    }
    case OpType::MaxPool:
    case OpType::AveragePool: {
      const auto k = node.attrs.get_ints("kernel_shape", {1, 1});
      std::int64_t window = 1;
      for (auto v : k) window *= v;
      return out * window;
    }
    case OpType::GlobalAveragePool: return count(graph, node.input(0));
    case OpType::BatchNormalization: return 2 * out;
    case OpType::Softmax: return 3 * out;
    case OpType::Resize: return node.attrs.get_string("mode", "nearest") == "linear" ? 4 * out : 0;
    case OpType::Relu:
    case OpType::Clip:
    case OpType::LeakyRelu:
    case OpType::Sigmoid:
    case OpType::Add:
    case OpType::Mul: return out + epilogue;
    default: return 0;
  }
}

std::int64_t node_parameters(const Node& node, const Graph& graph) {
  std::int64_t params = 0;
  for (const auto& in : node.inputs)
    if (auto it = graph.constants.find(in); it != graph.constants.end())
      params += static_cast<std::int64_t>(it->second.data.size());
  return params;
}

}  // namespace tarsier
