#include "convert/passes.hpp"

namespace tarsier::convert {
namespace {

// The constant as one value per output channel, when it broadcasts over [N, C, H, W]
// along the channel axis only (shapes [], [1], [C,1,1], [1,C,1,1], ...).
std::optional<std::vector<double>> per_channel(const ConstTensor& c, const Shape& out) {
  if (c.shape.size() > out.size()) return std::nullopt;
  const std::size_t offset = out.size() - c.shape.size();
  std::int64_t varying = 1;
  for (std::size_t i = 0; i < c.shape.size(); ++i) {
    const std::size_t axis = offset + i;
    if (c.shape[i] == 1) continue;
    if (axis != 1 || c.shape[i] != out[1]) return std::nullopt;
    varying = c.shape[i];
  }
  std::vector<double> v(static_cast<std::size_t>(out[1]));
  for (std::size_t o = 0; o < v.size(); ++o) v[o] = c.data[varying == 1 ? 0 : o];
  return v;
}

}  // namespace

void fold_channel_affine(Graph& graph, ConvertStats& stats) {
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    if (node.op != OpType::Add && node.op != OpType::Mul) continue;
    if (node.attrs.has("activation")) continue;
    for (std::size_t side = 0; side < 2; ++side) {
      const std::string& x = node.input(side);
      const std::string& k = node.input(1 - side);
      if (!graph.is_constant(k)) continue;
      const int conv = sole_conv_producer(graph, x);
      if (conv < 0) continue;
      const Shape& out = graph.shape_of(x);
      if (out.size() != 4 || graph.shape_of(node.outputs[0]) != out) continue;
      auto c = per_channel(graph.constants.at(k), out);
      if (!c) continue;
      std::vector<double> scale(c->size(), 1.0), shift(c->size(), 0.0);
      if (node.op == OpType::Mul) scale = *c;
      else shift = *c;
      absorb_into_conv(graph, conv, static_cast<int>(i), scale, shift);
      ++stats.folded_affine;
      --i;
      break;
    }
  }
}

}  // namespace tarsier::convert
