#include "planner/aliasing.hpp"

#include <algorithm>
#include <set>

namespace tarsier {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::size_t bytes_of(const Graph& graph, const std::string& value) {
  return static_cast<std::size_t>(element_count(graph.shape_of(value))) * sizeof(float);
}

// Slice offsets of the Concat's inputs inside its output, or empty when it must copy.
std::vector<std::size_t> in_place_slices(const Graph& graph, const Node& concat, const AliasInfo& info) {
  const std::string& y = concat.outputs.at(0);
  const Shape& shape = graph.shape_of(y);
  const std::int64_t axis = concat.attrs.get_int("axis", -1);
  if (axis < 0 || axis >= static_cast<std::int64_t>(shape.size())) return {};
  std::int64_t outer = 1;
  for (std::int64_t i = 0; i < axis; ++i) outer *= shape[static_cast<std::size_t>(i)];
  if (outer != 1) return {};  // slices would be strided, not contiguous

  std::set<std::string, std::less<>> seen;
  std::vector<std::size_t> offsets;
  std::size_t offset = 0;
  for (const auto& x : concat.inputs) {
    if (x.empty() || graph.is_constant(x) || contains(graph.inputs, x) || contains(graph.outputs, x)) return {};
    if (!seen.insert(x).second || info.links.contains(x)) return {};
    const int producer = graph.producer_of(x);
    if (producer < 0 || info.steps[static_cast<std::size_t>(producer)] == StepKind::Alias) return {};
    offsets.push_back(offset);
    offset += bytes_of(graph, x);
  }
  if (offset != bytes_of(graph, y)) return {};
  return offsets;
}

// A backend's layout pass may mark a Concat (attribute in_place, one flag per input) whose
// flagged inputs live in their slice of the output although the slices are strided (e.g. a
// channel concat of NHWC tensors): their producers write with the output's stride. Only
// those inputs are linked; when some are not flagged the Concat still executes and copies
// the others. Returns false when the attribute is absent or unusable.
bool strided_slices(const Graph& graph, const Node& concat, std::size_t index, AliasInfo& info) {
  if (!concat.attrs.has("in_place") || concat.outputs.size() != 1) return false;
  const auto flags = concat.attrs.get_ints("in_place");
  const std::string& y = concat.outputs[0];
  const Shape& shape = graph.shape_of(y);
  const std::int64_t axis = concat.attrs.get_int("axis", -1);
  if (flags.size() != concat.inputs.size() || axis < 0 || axis >= static_cast<std::int64_t>(shape.size()))
    return false;
  std::int64_t inner = 1;
  for (std::size_t i = static_cast<std::size_t>(axis) + 1; i < shape.size(); ++i) inner *= shape[i];
  std::vector<std::pair<std::string, std::size_t>> links;
  std::set<std::string, std::less<>> seen;
  std::int64_t position = 0;
  bool all = true;
  for (std::size_t k = 0; k < concat.inputs.size(); ++k) {
    const std::string& x = concat.inputs[k];
    if (x.empty()) return false;
    const std::int64_t extent = graph.shape_of(x).at(static_cast<std::size_t>(axis));
    if (flags[k] != 0) {
      if (graph.is_constant(x) || contains(graph.inputs, x) || contains(graph.outputs, x)) return false;
      if (!seen.insert(x).second || info.links.contains(x)) return false;
      links.emplace_back(x, static_cast<std::size_t>(position * inner) * sizeof(float));
    } else {
      all = false;
    }
    position += extent;
  }
  for (const auto& [x, offset] : links) info.links[x] = AliasLink{y, offset};
  info.steps[index] = all ? StepKind::InPlaceConcat : StepKind::Execute;
  return true;
}

}  // namespace

AliasInfo find_aliases(const Graph& graph) {
  AliasInfo info;
  info.steps.assign(graph.nodes.size(), StepKind::Execute);
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    if ((node.op == OpType::Reshape || node.op == OpType::Flatten) && node.outputs.size() == 1 &&
        node.has_input(0) && !graph.is_constant(node.input(0))) {
      info.links[node.outputs[0]] = AliasLink{node.input(0), 0};
      info.steps[i] = StepKind::Alias;
    } else if (node.op == OpType::Concat && strided_slices(graph, node, i, info)) {
      continue;
    } else if (node.op == OpType::Concat && node.outputs.size() == 1) {
      const auto offsets = in_place_slices(graph, node, info);
      if (offsets.empty()) continue;
      for (std::size_t k = 0; k < node.inputs.size(); ++k)
        info.links[node.inputs[k]] = AliasLink{node.outputs[0], offsets[k]};
      info.steps[i] = StepKind::InPlaceConcat;
    }
  }
  return info;
}

}  // namespace tarsier
