// Activations, Softmax, BatchNormalization and the ops that vanish (Identity, Dropout,
// Cast to float).
#include "convert/onnx_attr.hpp"
#include "convert/op_mapping.hpp"
#include "convert/shape_utils.hpp"

namespace tarsier::convert {
namespace {

double scalar_of(const OnnxNode& node, const FoldTensor& t, const char* role) {
  if (t.size() != 1) invalid(node, std::string(role) + " must be a scalar, has shape " + shape_to_string(t.shape));
  return t.as_double(0);
}

}  // namespace

void map_unary(ImportContext& ctx, const OnnxNode& node) {
  const OpType op = node.proto.op_type() == "Relu" ? OpType::Relu : OpType::Sigmoid;
  ctx.emit(make_node(node, op, {runtime_input(ctx, node, 0, 0)}));
}

void map_leaky_relu(ImportContext& ctx, const OnnxNode& node) {
  Node n = make_node(node, OpType::LeakyRelu, {runtime_input(ctx, node, 0, 0)});
  n.attrs.set("alpha", static_cast<double>(attr_float(node.proto, "alpha", 0.01f)));
  ctx.emit(std::move(n));
}

void map_clip(ImportContext& ctx, const OnnxNode& node) {
  Node n = make_node(node, OpType::Clip, {runtime_input(ctx, node, 0, 0)});
  // Opset 11 moved min/max from attributes to optional inputs; accept both spellings.
  if (auto v = attr_float(node.proto, "min")) n.attrs.set("min", static_cast<double>(*v));
  if (auto v = attr_float(node.proto, "max")) n.attrs.set("max", static_cast<double>(*v));
  if (node.has_input(1)) n.attrs.set("min", scalar_of(node, constant_input(ctx, node, 1, "min"), "min"));
  if (node.has_input(2)) n.attrs.set("max", scalar_of(node, constant_input(ctx, node, 2, "max"), "max"));
  ctx.emit(std::move(n));
}

void map_softmax(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 0);
  const Shape& s = ctx.shape_of(x);
  const auto rank = static_cast<std::int64_t>(s.size());
  const bool legacy = ctx.opset() < 13;
  const std::int64_t axis = normalize_axis(attr_int(node.proto, "axis", legacy ? 1 : -1), rank, node.what());
  if (legacy) {
    // Before opset 13 Softmax flattens to 2-D at `axis` and normalises over everything
    // after it; that is the single-axis softmax only when the trailing dims are all 1.
    for (std::int64_t i = axis + 1; i < rank; ++i)
      if (s[i] != 1)
        unsupported(node, "opset " + std::to_string(ctx.opset()) + " Softmax over axes " + std::to_string(axis) +
                              ".." + std::to_string(rank - 1) + " of shape " + shape_to_string(s) +
                              " (normalises over several axes; re-export with opset 13 or later)");
  }
  Node n = make_node(node, OpType::Softmax, {x});
  n.attrs.set("axis", axis);
  ctx.emit(std::move(n));
}

void map_batch_norm(ImportContext& ctx, const OnnxNode& node) {
  require_single_output(ctx, node);
  if (attr_int(node.proto, "training_mode", 0) != 0) unsupported(node, "training_mode=1");
  const std::string& x = runtime_input(ctx, node, 0, 0);
  if (ctx.shape_of(x).size() < 2) unsupported(node, "input without a channel axis");
  std::vector<std::string> in{x};
  const char* roles[] = {"scale", "B", "mean", "var"};
  for (std::size_t i = 1; i <= 4; ++i) {
    constant_input(ctx, node, i, roles[i - 1]);
    in.push_back(ctx.ir_constant(node.input(i)));
  }
  Node n = make_node(node, OpType::BatchNormalization, std::move(in));
  n.attrs.set("epsilon", static_cast<double>(attr_float(node.proto, "epsilon", 1e-5f)));
  ctx.emit(std::move(n));
}

void map_passthrough(ImportContext& ctx, const OnnxNode& node) {
  const std::string& op = node.proto.op_type();
  if (op == "Cast") {
    const auto to = attr_int(node.proto, "to", 0);
    if (to != onnx::TensorProto::FLOAT)
      unsupported(node, "cast of a run-time tensor to type " + std::to_string(to) + " (only float32 is supported)");
  }
  if (op == "Dropout") {
    require_single_output(ctx, node);
    if (node.has_input(2)) {
      const FoldTensor& training = constant_input(ctx, node, 2, "training_mode");
      if (training.size() != 1 || training.as_double(0) != 0) unsupported(node, "training_mode=true");
    }
  }
  runtime_input(ctx, node, 0, 0);
  ctx.set_alias(node.output(0), node.input(0));
  ++ctx.stats().removed_identities;
}

}  // namespace tarsier::convert
