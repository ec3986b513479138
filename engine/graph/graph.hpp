#pragma once
// The graph IR: named values, nodes in topological order, fp32 constants.
// Every shape is static (the converter resolves batch and spatial sizes).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.hpp"
#include "graph/attributes.hpp"
#include "graph/op_type.hpp"

namespace tarsier {

struct Node {
  std::string name;
  OpType op = OpType::Relu;
  std::vector<std::string> inputs;  // "" marks an absent optional input
  std::vector<std::string> outputs;
  Attributes attrs;

  // Input i if present, else "" (also for i past the end).
  const std::string& input(std::size_t i) const;
  bool has_input(std::size_t i) const { return !input(i).empty(); }
};

struct Graph {
  std::vector<std::string> inputs;   // values fed by the caller
  std::vector<std::string> outputs;  // values returned to the caller
  std::vector<Node> nodes;
  std::map<std::string, ConstTensor, std::less<>> constants;
  std::map<std::string, Shape, std::less<>> shapes;  // graph inputs and node outputs

  bool is_constant(std::string_view value) const { return constants.find(value) != constants.end(); }
  // Shape of a graph input, node output or constant; throws Error(InvalidModel) if unknown.
  const Shape& shape_of(std::string_view value) const;
  // Index of the node producing `value`, or -1 for inputs/constants/unknown.
  int producer_of(std::string_view value) const;
  // Number of node inputs plus graph outputs that read `value`.
  int use_count(std::string_view value) const;
};

// Reorders nodes topologically (stable for an already ordered graph). Throws
// Error(InvalidModel) on a cycle, a value produced twice or an input nobody defines.
void topological_sort(Graph& graph);

// Recomputes the shape of every node output from the graph inputs and constants
// (see shape_inference.hpp) and stores it in graph.shapes.
void infer_shapes(Graph& graph);

// Full check of a graph read from an untrusted file: names unique, every input defined,
// no cycles, op arities right, and every recorded shape equal to the inferred one.
// Throws Error(InvalidModel) naming the node and the problem.
void validate_graph(const Graph& graph);

}  // namespace tarsier
