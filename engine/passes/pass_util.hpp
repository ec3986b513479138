#pragma once
// Small helpers shared by the rewrite passes.
#include <string_view>
#include <vector>

#include "graph/graph.hpp"

namespace tarsier::passes {

// Index of the only node reading `value`, or -1 when it has several readers, none, or
// is a graph output (a fused-away value must not be visible to the caller).
int sole_consumer(const Graph& graph, std::string_view value);

// True when the node already applies a fused activation.
bool has_activation(const Node& node);

// Drops the nodes marked in `removed` and the shapes of values nobody produces any more.
void erase_nodes(Graph& graph, const std::vector<bool>& removed);

}  // namespace tarsier::passes
