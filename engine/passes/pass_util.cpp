#include "passes/pass_util.hpp"

#include <algorithm>
#include <set>

namespace tarsier::passes {

int sole_consumer(const Graph& graph, std::string_view value) {
  if (std::find(graph.outputs.begin(), graph.outputs.end(), value) != graph.outputs.end()) return -1;
  int found = -1;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    for (const auto& in : graph.nodes[i].inputs)
      if (in == value) {
        if (found != -1) return -1;  // a second read, even by the same node
        found = static_cast<int>(i);
      }
  return found;
}

bool has_activation(const Node& node) { return node.attrs.get_string("activation", "none") != "none"; }

void erase_nodes(Graph& graph, const std::vector<bool>& removed) {
  std::vector<Node> kept;
  kept.reserve(graph.nodes.size());
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    if (!removed[i]) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);

  std::set<std::string, std::less<>> live(graph.inputs.begin(), graph.inputs.end());
  for (const auto& node : graph.nodes) live.insert(node.outputs.begin(), node.outputs.end());
  std::erase_if(graph.shapes, [&](const auto& entry) { return !live.contains(entry.first); });
}

}  // namespace tarsier::passes
