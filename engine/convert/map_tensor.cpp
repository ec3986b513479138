// Layout ops: Concat, Flatten, Reshape (and Squeeze/Unsqueeze as Reshape), Transpose,
// Pad, ReduceMean over the spatial axes (a GlobalAveragePool).
#include <algorithm>

#include "convert/onnx_attr.hpp"
#include "convert/op_mapping.hpp"
#include "convert/shape_utils.hpp"

namespace tarsier::convert {
namespace {

// A layout op that changes nothing (zero pads, identity perm, same shape) is dropped.
void alias_noop(ImportContext& ctx, const OnnxNode& node, const std::string& x) {
  ctx.set_alias(node.output(0), x);
  ++ctx.stats().removed_identities;
}

void emit_reshape(ImportContext& ctx, const OnnxNode& node, const std::string& x, const Shape& target) {
  if (ctx.shape_of(x) == target) return alias_noop(ctx, node, x);
  Node n = make_node(node, OpType::Reshape, {x});
  n.attrs.set("shape", std::vector<std::int64_t>(target.begin(), target.end()));
  ctx.emit(std::move(n));
}

}  // namespace

void map_concat(ImportContext& ctx, const OnnxNode& node) {
  if (node.inputs.empty()) invalid(node, "no inputs");
  std::vector<std::string> in;
  for (std::size_t i = 0; i < node.inputs.size(); ++i) in.push_back(value_input(ctx, node, i));
  const auto axis_attr = attr_int(node.proto, "axis");
  if (!axis_attr) invalid(node, "missing attribute 'axis'");
  const auto rank = static_cast<std::int64_t>(ctx.shape_of(in[0]).size());
  Node n = make_node(node, OpType::Concat, std::move(in));
  n.attrs.set("axis", normalize_axis(*axis_attr, rank, node.what()));
  ctx.emit(std::move(n));
}

void map_flatten(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 0);
  const auto rank = static_cast<std::int64_t>(ctx.shape_of(x).size());
  std::int64_t axis = attr_int(node.proto, "axis", 1);
  if (axis < -rank || axis > rank) invalid(node, "axis " + std::to_string(axis) + " out of range");
  if (axis < 0) axis += rank;
  Node n = make_node(node, OpType::Flatten, {x});
  n.attrs.set("axis", axis);
  ctx.emit(std::move(n));
}

void map_reshape(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 0);
  const auto target = constant_input(ctx, node, 1, "shape").int_values(node.what() + " shape");
  const bool allowzero = ctx.opset() >= 14 && attr_int(node.proto, "allowzero", 0) != 0;
  emit_reshape(ctx, node, x, resolve_reshape(ctx.shape_of(x), target, allowzero, node.what()));
}

void map_squeeze_unsqueeze(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 0);
  const Shape& s = ctx.shape_of(x);
  const bool unsq = node.proto.op_type() == "Unsqueeze";
  std::optional<std::vector<std::int64_t>> axes;
  if (ctx.opset() < 13) axes = attr_ints(node.proto, "axes");
  else if (node.has_input(1)) axes = constant_input(ctx, node, 1, "axes").int_values(node.what() + " axes");
  Shape out;
  if (unsq) {
    if (!axes) invalid(node, "missing axes");
    const auto out_rank = static_cast<std::int64_t>(s.size() + axes->size());
    const auto norm = normalize_axes(*axes, out_rank, node.what());
    std::size_t src = 0;
    for (std::int64_t i = 0; i < out_rank; ++i)
      out.push_back(std::find(norm.begin(), norm.end(), i) != norm.end() ? 1 : s[src++]);
  } else {
    const auto rank = static_cast<std::int64_t>(s.size());
    const auto norm = axes ? normalize_axes(*axes, rank, node.what()) : std::vector<std::int64_t>{};
    for (std::int64_t i = 0; i < rank; ++i) {
      const bool listed = std::find(norm.begin(), norm.end(), i) != norm.end();
      if (listed && s[i] != 1) invalid(node, "cannot squeeze axis " + std::to_string(i) + " of " + shape_to_string(s));
      if (!(listed || (!axes && s[i] == 1))) out.push_back(s[i]);
    }
  }
  emit_reshape(ctx, node, x, out);
}

void map_transpose(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 0);
  const auto rank = static_cast<std::int64_t>(ctx.shape_of(x).size());
  std::vector<std::int64_t> perm;
  if (auto p = attr_ints(node.proto, "perm")) perm = *p;
  else for (std::int64_t i = rank - 1; i >= 0; --i) perm.push_back(i);
  if (static_cast<std::int64_t>(perm.size()) != rank) invalid(node, "perm has the wrong length");
  perm = normalize_axes(perm, rank, node.what());
  if (std::is_sorted(perm.begin(), perm.end())) return alias_noop(ctx, node, x);
  Node n = make_node(node, OpType::Transpose, {x});
  n.attrs.set("perm", perm);
  ctx.emit(std::move(n));
}

void map_pad(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 0);
  const auto rank = ctx.shape_of(x).size();
  const std::string mode = attr_string(node.proto, "mode", "constant");
  if (mode != "constant") unsupported(node, "pad mode '" + mode + "' (only constant padding is supported)");
  const auto pads = constant_input(ctx, node, 1, "pads").int_values(node.what() + " pads");
  if (pads.size() != 2 * rank)
    invalid(node, "pads has " + std::to_string(pads.size()) + " values for a rank-" + std::to_string(rank) + " input");
  for (auto p : pads)
    if (p < 0) unsupported(node, "negative pads (cropping) " + shape_to_string(pads));
  double value = 0;
  if (node.has_input(2)) {
    const FoldTensor& v = constant_input(ctx, node, 2, "constant_value");
    if (v.size() != 1) invalid(node, "constant_value must be a scalar");
    value = v.as_double(0);
  }
  if (std::all_of(pads.begin(), pads.end(), [](auto p) { return p == 0; })) return alias_noop(ctx, node, x);
  Node n = make_node(node, OpType::Pad, {x});
  n.attrs.set("pads", pads);
  n.attrs.set("value", value);
  ctx.emit(std::move(n));
}

void map_reduce_mean(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 0);
  const Shape s = ctx.shape_of(x);
  auto axes = attr_ints(node.proto, "axes");
  std::vector<std::int64_t> norm =
      axes ? normalize_axes(*axes, static_cast<std::int64_t>(s.size()), node.what()) : std::vector<std::int64_t>{};
  std::sort(norm.begin(), norm.end());
  if (s.size() != 4 || norm != std::vector<std::int64_t>{2, 3})
    unsupported(node, "ReduceMean is supported only over the spatial axes of an NCHW tensor");
  const bool keepdims = attr_int(node.proto, "keepdims", 1) != 0;
  if (keepdims) {
    ctx.emit(make_node(node, OpType::GlobalAveragePool, {x}));
    return;
  }
  Node pool = make_node(node, OpType::GlobalAveragePool, {x});
  pool.name = ctx.fresh_name(node.name + "_pool");
  pool.outputs = {ctx.fresh_name(node.output(0) + "_pooled")};
  const std::string pooled = pool.outputs[0];
  ctx.emit(std::move(pool));
  emit_reshape(ctx, node, pooled, {s[0], s[1]});
}

}  // namespace tarsier::convert
