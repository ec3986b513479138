#include "passes/pass_util.hpp"
#include "passes/passes.hpp"

namespace tarsier {

int fuse_conv_add(Graph& graph) {
  std::vector<bool> removed(graph.nodes.size(), false);
  int rewrites = 0;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& conv = graph.nodes[i];
    if (removed[i] || conv.op != OpType::Conv || conv.has_input(3) || passes::has_activation(conv)) continue;
    if (conv.outputs.size() != 1) continue;
    const std::string& y = conv.outputs[0];
    const int j = passes::sole_consumer(graph, y);
    if (j < 0) continue;
    const auto add_index = static_cast<std::size_t>(j);
    const Node& add = graph.nodes[add_index];
    if (add.op != OpType::Add || add.inputs.size() != 2 || add.outputs.size() != 1) continue;
    const std::string& other = add.inputs[0] == y ? add.inputs[1] : add.inputs[0];
    // Same shape on all three sides: the residual is read elementwise, without broadcast.
    const Shape& y_shape = graph.shape_of(y);
    if (graph.shape_of(other) != y_shape || graph.shape_of(add.outputs[0]) != y_shape) continue;

    Node fused = conv;
    fused.inputs.resize(4);
    fused.inputs[3] = other;
    fused.outputs[0] = add.outputs[0];
    for (const char* key : {"activation", "alpha", "clip_min", "clip_max"})
      if (add.attrs.has(key)) fused.attrs.set(key, add.attrs.all().find(key)->second);
    // The residual may be produced after the conv: the fused node runs where the Add did.
    graph.nodes[add_index] = std::move(fused);
    removed[i] = true;
    ++rewrites;
  }
  if (rewrites) passes::erase_nodes(graph, removed);
  return rewrites;
}

PassReport run_load_passes(Graph& graph) {
  PassReport report;
  report.conv_add = fuse_conv_add(graph);
  report.activation = fuse_activation(graph);
  return report;
}

}  // namespace tarsier
