#pragma once
#include <span>
#include <vector>

#include "core/tensor.hpp"
#include "graph/graph.hpp"

namespace tarsier {

// Output shapes of one node given its input shapes (absent optional inputs as empty
// shapes). Checks the node's attributes and input shapes against each other and throws
// Error(InvalidModel) naming the node when they disagree.
std::vector<Shape> infer_node_shapes(const Node& node, std::span<const Shape> input_shapes);

// Number of inputs a node of this op may have: [min, max].
struct Arity {
  std::size_t min_inputs;
  std::size_t max_inputs;
};
Arity op_arity(OpType op);

}  // namespace tarsier
