#include "passes/pass_util.hpp"
#include "passes/passes.hpp"

namespace tarsier {
namespace {

bool can_carry_epilogue(OpType op) {
  return op == OpType::Conv || op == OpType::ConvTranspose || op == OpType::Gemm || op == OpType::Add;
}

// Writes the epilogue attributes equivalent to the standalone activation node `act`.
bool set_epilogue(Attributes& attrs, const Node& act) {
  switch (act.op) {
    case OpType::Relu: attrs.set("activation", std::string("relu")); return true;
    case OpType::Sigmoid: attrs.set("activation", std::string("sigmoid")); return true;
    case OpType::LeakyRelu:
      attrs.set("activation", std::string("leaky_relu"));
      attrs.set("alpha", act.attrs.get_float("alpha", 0.01));
      return true;
    case OpType::Clip:
      attrs.set("activation", std::string("clip"));
      if (act.attrs.has("min")) attrs.set("clip_min", act.attrs.get_float("min"));
      if (act.attrs.has("max")) attrs.set("clip_max", act.attrs.get_float("max"));
      return true;
    default: return false;
  }
}

}  // namespace

int fuse_activation(Graph& graph) {
  std::vector<bool> removed(graph.nodes.size(), false);
  int rewrites = 0;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& producer = graph.nodes[i];
    if (removed[i] || !can_carry_epilogue(producer.op) || passes::has_activation(producer)) continue;
    if (producer.outputs.size() != 1) continue;
    const int j = passes::sole_consumer(graph, producer.outputs[0]);
    if (j < 0 || removed[static_cast<std::size_t>(j)]) continue;
    const Node& act = graph.nodes[static_cast<std::size_t>(j)];
    if (act.outputs.size() != 1) continue;
    if (!set_epilogue(producer.attrs, act)) continue;
    // The producer now writes the activation's output name, so readers are unchanged.
    producer.outputs[0] = act.outputs[0];
    removed[static_cast<std::size_t>(j)] = true;
    ++rewrites;
  }
  if (rewrites) passes::erase_nodes(graph, removed);
  return rewrites;
}

}  // namespace tarsier
