#include <set>

#include "convert/passes.hpp"

namespace tarsier::convert {

void eliminate_dead_code(Graph& graph, ConvertStats& stats) {
  std::set<std::string, std::less<>> live(graph.outputs.begin(), graph.outputs.end());
  std::vector<bool> keep(graph.nodes.size(), false);
  // Nodes are in topological order, so one backward sweep sees every reader first.
  for (std::size_t i = graph.nodes.size(); i-- > 0;) {
    const Node& node = graph.nodes[i];
    for (const auto& out : node.outputs)
      if (live.count(out)) keep[i] = true;
    if (keep[i])
      for (const auto& in : node.inputs)
        if (!in.empty()) live.insert(in);
  }
  std::vector<Node> kept;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    if (keep[i]) {
      kept.push_back(std::move(graph.nodes[i]));
    } else {
      ++stats.dead_nodes;
      for (const auto& out : graph.nodes[i].outputs) graph.shapes.erase(out);
    }
  }
  graph.nodes = std::move(kept);
  for (auto it = graph.constants.begin(); it != graph.constants.end();)
    it = live.count(it->first) ? std::next(it) : graph.constants.erase(it);
}

std::string unused_value_name(const Graph& graph, const std::string& base) {
  auto used = [&](const std::string& n) {
    if (graph.constants.count(n) || graph.shapes.count(n)) return true;
    for (const auto& in : graph.inputs)
      if (in == n) return true;
    return false;
  };
  std::string name = base;
  for (int k = 1; used(name); ++k) name = base + "_" + std::to_string(k);
  return name;
}

std::vector<std::int64_t> weight_output_channels(const Node& conv, const Shape& w) {
  const std::int64_t group = conv.attrs.get_int("group", 1);
  const std::int64_t per_channel = w[2] * w[3];
  std::vector<std::int64_t> channel(static_cast<std::size_t>(w[0] * w[1] * per_channel));
  for (std::int64_t a = 0; a < w[0]; ++a)
    for (std::int64_t b = 0; b < w[1]; ++b) {
      std::int64_t oc = a;
      if (conv.op == OpType::ConvTranspose) oc = (a / (w[0] / group)) * w[1] + b;
      const std::int64_t base = (a * w[1] + b) * per_channel;
      for (std::int64_t k = 0; k < per_channel; ++k) channel[static_cast<std::size_t>(base + k)] = oc;
    }
  return channel;
}

}  // namespace tarsier::convert
