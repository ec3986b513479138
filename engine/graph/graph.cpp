#include "graph/graph.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tarsier/error.hpp>

#include "graph/shape_inference.hpp"

namespace tarsier {
namespace {

[[noreturn]] void invalid(const std::string& message) { throw Error(ErrorCode::InvalidModel, message); }

std::string node_label(const Node& node) {
  return std::string(op_name(node.op)) + " node '" + node.name + "'";
}

// Values available before any node runs.
std::set<std::string, std::less<>> source_values(const Graph& graph) {
  std::set<std::string, std::less<>> defined;
  for (const auto& in : graph.inputs) {
    if (!defined.insert(in).second) invalid("graph input '" + in + "' is listed twice");
    if (graph.is_constant(in)) invalid("graph input '" + in + "' is also a constant");
  }
  for (const auto& [name, tensor] : graph.constants) defined.insert(name);
  return defined;
}

}  // namespace

const std::string& Node::input(std::size_t i) const {
  static const std::string kAbsent;  // immutable: shared empty name for absent inputs
  return i < inputs.size() ? inputs[i] : kAbsent;
}

const Shape& Graph::shape_of(std::string_view value) const {
  if (auto c = constants.find(value); c != constants.end()) return c->second.shape;
  if (auto s = shapes.find(value); s != shapes.end()) return s->second;
  invalid("no shape known for value '" + std::string(value) + "'");
}

int Graph::producer_of(std::string_view value) const {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& out : nodes[i].outputs)
      if (out == value) return static_cast<int>(i);
  return -1;
}

int Graph::use_count(std::string_view value) const {
  int count = 0;
  for (const auto& node : nodes)
    for (const auto& in : node.inputs)
      if (in == value) ++count;
  for (const auto& out : outputs)
    if (out == value) ++count;
  return count;
}

void topological_sort(Graph& graph) {
  auto defined = source_values(graph);
  std::set<std::string, std::less<>> produced;
  for (const auto& node : graph.nodes)
    for (const auto& out : node.outputs) {
      if (out.empty()) invalid(node_label(node) + " has an unnamed output");
      if (defined.count(out) || !produced.insert(out).second)
        invalid("value '" + out + "' is defined more than once (again by " + node_label(node) + ")");
    }

  // Kahn's algorithm with a queue seeded in node order: linear time even for a hostile
  // file listing nodes backwards, and stable for an already ordered graph.
  std::map<std::string_view, std::size_t> producer;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    for (const auto& out : graph.nodes[i].outputs) producer[out] = i;
  std::vector<std::size_t> pending(graph.nodes.size(), 0);
  std::vector<std::vector<std::size_t>> readers(graph.nodes.size());
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    for (const auto& in : graph.nodes[i].inputs) {
      if (in.empty() || defined.count(in)) continue;
      auto p = producer.find(in);
      if (p == producer.end())
        invalid(node_label(graph.nodes[i]) + " reads value '" + in + "' that nothing defines");
      ++pending[i];
      readers[p->second].push_back(i);
    }
  std::vector<std::size_t> ready;  // min-heap by index keeps the original order where valid
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    if (pending[i] == 0) ready.push_back(i);
  std::make_heap(ready.begin(), ready.end(), std::greater<>());
  std::vector<Node> ordered;
  ordered.reserve(graph.nodes.size());
  std::vector<bool> placed(graph.nodes.size(), false);
  while (!ready.empty()) {
    std::pop_heap(ready.begin(), ready.end(), std::greater<>());
    const std::size_t i = ready.back();
    ready.pop_back();
    placed[i] = true;
    ordered.push_back(graph.nodes[i]);
    for (const auto& out : graph.nodes[i].outputs) defined.insert(out);
    for (std::size_t r : readers[i])
      if (--pending[r] == 0) {
        ready.push_back(r);
        std::push_heap(ready.begin(), ready.end(), std::greater<>());
      }
  }
  if (ordered.size() < graph.nodes.size()) {
    const auto first = std::find(placed.begin(), placed.end(), false) - placed.begin();
    invalid("the graph has a cycle (involving " + node_label(graph.nodes[first]) + ")");
  }
  graph.nodes = std::move(ordered);
  for (const auto& out : graph.outputs)
    if (!defined.count(out)) invalid("graph output '" + out + "' is not produced by any node");
}

void infer_shapes(Graph& graph) {
  for (const auto& in : graph.inputs) graph.shape_of(in);  // inputs must come with a shape
  for (const auto& node : graph.nodes) {
    std::vector<Shape> in_shapes;
    in_shapes.reserve(node.inputs.size());
    for (const auto& in : node.inputs) in_shapes.push_back(in.empty() ? Shape{} : graph.shape_of(in));
    auto out_shapes = infer_node_shapes(node, in_shapes);
    for (std::size_t i = 0; i < node.outputs.size() && i < out_shapes.size(); ++i)
      graph.shapes[node.outputs[i]] = out_shapes[i];
  }
}

void validate_graph(const Graph& graph) {
  if (graph.inputs.empty()) invalid("the graph has no inputs");
  if (graph.outputs.empty()) invalid("the graph has no outputs");
  std::set<std::string, std::less<>> names;
  for (const auto& node : graph.nodes) {
    if (node.name.empty()) invalid(std::string(op_name(node.op)) + " node without a name");
    if (!names.insert(node.name).second) invalid("two nodes are named '" + node.name + "'");
    Arity arity = op_arity(node.op);
    if (node.inputs.size() < arity.min_inputs || node.inputs.size() > arity.max_inputs)
      invalid(node_label(node) + " has " + std::to_string(node.inputs.size()) + " inputs, expected " +
              std::to_string(arity.min_inputs) + ".." + std::to_string(arity.max_inputs));
    for (std::size_t i = 0; i < arity.min_inputs; ++i)
      if (node.inputs[i].empty()) invalid(node_label(node) + " lacks required input " + std::to_string(i));
    if (node.outputs.size() != 1) invalid(node_label(node) + " must have exactly one output");
  }
  for (const auto& in : graph.inputs) {
    auto it = graph.shapes.find(in);
    if (it == graph.shapes.end()) invalid("graph input '" + in + "' has no shape");
    element_count(it->second);
    if (it->second.empty()) invalid("graph input '" + in + "' is a scalar; expected a tensor");
  }
  for (const auto& [name, tensor] : graph.constants) {
    if (element_count(tensor.shape) != static_cast<std::int64_t>(tensor.data.size()))
      invalid("constant '" + name + "' holds " + std::to_string(tensor.data.size()) + " values for shape " +
              shape_to_string(tensor.shape));
  }

  Graph check = graph;  // sort and infer on a copy: the caller's order and shapes are what we verify
  topological_sort(check);
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    if (check.nodes[i].name != graph.nodes[i].name)
      invalid("nodes are not in topological order (" + node_label(graph.nodes[i]) + " comes too early)");
  infer_shapes(check);
  for (const auto& node : graph.nodes)
    for (const auto& out : node.outputs) {
      auto recorded = graph.shapes.find(out);
      if (recorded == graph.shapes.end()) invalid("value '" + out + "' has no recorded shape");
      const Shape& inferred = check.shapes.at(out);
      if (recorded->second != inferred)
        invalid("value '" + out + "' of " + node_label(node) + " is recorded as " +
                shape_to_string(recorded->second) + " but its inputs give " + shape_to_string(inferred));
    }
}

}  // namespace tarsier
