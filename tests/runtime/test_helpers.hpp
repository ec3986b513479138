#pragma once
#include <algorithm>
#include <set>
#include <string>

#include "graph/graph.hpp"

namespace tarsier::test {

inline int count_ops(const Graph& g, OpType op) {
  return static_cast<int>(std::count_if(g.nodes.begin(), g.nodes.end(), [&](const Node& n) { return n.op == op; }));
}

// Every node input is a graph input, a constant or the output of an earlier node.
inline bool ordered(const Graph& g) {
  std::set<std::string, std::less<>> defined(g.inputs.begin(), g.inputs.end());
  for (const auto& [name, t] : g.constants) defined.insert(name);
  for (const auto& n : g.nodes) {
    for (const auto& in : n.inputs)
      if (!in.empty() && !defined.contains(in)) return false;
    defined.insert(n.outputs.begin(), n.outputs.end());
  }
  for (const auto& out : g.outputs)
    if (!defined.contains(out)) return false;
  return true;
}

inline const Node* producer(const Graph& g, const std::string& value) {
  const int i = g.producer_of(value);
  return i < 0 ? nullptr : &g.nodes[static_cast<std::size_t>(i)];
}

}  // namespace tarsier::test
