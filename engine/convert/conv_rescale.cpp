// Rewriting a conv's weights and bias to absorb a per-channel affine op that follows it.
#include <tarsier/error.hpp>

#include "convert/passes.hpp"

namespace tarsier::convert {

int sole_conv_producer(const Graph& graph, const std::string& value) {
  const int p = graph.producer_of(value);
  if (p < 0) return -1;
  const Node& n = graph.nodes[static_cast<std::size_t>(p)];
  if (n.op != OpType::Conv && n.op != OpType::ConvTranspose) return -1;
  if (graph.use_count(value) != 1) return -1;
  if (!graph.is_constant(n.input(1)) || (n.has_input(2) && !graph.is_constant(n.input(2)))) return -1;
  if (n.inputs.size() > 3) return -1;  // a fused residual would be rescaled too
  return p;
}

std::int64_t conv_output_channels(const Graph& graph, const Node& conv) {
  const Shape& w = graph.shape_of(conv.input(1));
  return conv.op == OpType::Conv ? w[0] : w[1] * conv.attrs.get_int("group", 1);
}

void absorb_into_conv(Graph& graph, int conv_index, int follower_index, const std::vector<double>& scale,
                      const std::vector<double>& shift) {
  Node& conv = graph.nodes[static_cast<std::size_t>(conv_index)];
  const ConstTensor& w = graph.constants.at(conv.input(1));
  const std::int64_t channels = conv_output_channels(graph, conv);
  if (static_cast<std::int64_t>(scale.size()) != channels || static_cast<std::int64_t>(shift.size()) != channels)
    throw Error(ErrorCode::Internal, "per-channel parameters do not match conv '" + conv.name + "'");

  const auto channel = weight_output_channels(conv, w.shape);
  std::vector<float> new_w(w.data.size());
  for (std::size_t k = 0; k < new_w.size(); ++k)
    new_w[k] = static_cast<float>(static_cast<double>(w.data[k]) * scale[static_cast<std::size_t>(channel[k])]);
  std::vector<float> new_b(static_cast<std::size_t>(channels));
  for (std::size_t o = 0; o < new_b.size(); ++o) {
    const double b = conv.has_input(2) ? graph.constants.at(conv.input(2)).data[o] : 0.0;
    new_b[o] = static_cast<float>(b * scale[o] + shift[o]);
  }
  // New names: the old weights may be shared with another conv.
  const std::string w_name = unused_value_name(graph, conv.input(1) + "_folded");
  graph.constants.emplace(w_name, ConstTensor::from_vector(w.shape, std::move(new_w)));
  const std::string b_name = unused_value_name(graph, conv.name + "_bias_folded");
  graph.constants.emplace(b_name, ConstTensor::from_vector({channels}, std::move(new_b)));
  conv.inputs.resize(3);
  conv.inputs[1] = w_name;
  conv.inputs[2] = b_name;

  Node& follower = graph.nodes[static_cast<std::size_t>(follower_index)];
  const std::string old_out = conv.outputs[0];
  conv.outputs[0] = follower.outputs[0];
  graph.shapes.erase(old_out);
  graph.nodes.erase(graph.nodes.begin() + follower_index);
}

}  // namespace tarsier::convert
