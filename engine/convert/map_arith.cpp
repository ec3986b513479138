// Add, Mul, Sub, Div, Gemm, MatMul. Sub and Div by a constant become Add and Mul by the
// negated / reciprocal constant, so later passes can fold them into a preceding conv.
#include <cmath>

#include "convert/onnx_attr.hpp"
#include "convert/op_mapping.hpp"

namespace tarsier::convert {
namespace {

ConstTensor transformed(const FoldTensor& t, float (*f)(float)) {
  FoldTensor c = t.cast(FoldType::Float);
  for (auto& v : c.f) v = f(v);
  ConstTensor out = c.to_const();
  if (out.shape.empty()) out.shape = {1};
  return out;
}

void emit_binary(ImportContext& ctx, const OnnxNode& node, OpType op, std::string a, std::string b,
                 const std::string& output) {
  Node n = make_node(node, op, {std::move(a), std::move(b)});
  n.outputs = {output};
  ctx.emit(std::move(n));
}

}  // namespace

void map_add_mul(ImportContext& ctx, const OnnxNode& node) {
  const OpType op = node.proto.op_type() == "Add" ? OpType::Add : OpType::Mul;
  ctx.emit(make_node(node, op, {value_input(ctx, node, 0), value_input(ctx, node, 1)}));
}

void map_sub(ImportContext& ctx, const OnnxNode& node) {
  const std::string& a = node.input(0);
  const std::string& b = node.input(1);
  if (a.empty() || b.empty()) invalid(node, "needs two inputs");
  ++ctx.stats().rewritten_sub_div;
  if (const FoldTensor* cb = ctx.constant(b)) {  // a - c  ->  a + (-c)
    const std::string neg = ctx.add_ir_constant(b + "_neg", transformed(*cb, [](float v) { return -v; }));
    emit_binary(ctx, node, OpType::Add, value_input(ctx, node, 0), neg, node.output(0));
    return;
  }
  // a - b  ->  a + b * (-1)
  const std::string minus_one = ctx.add_ir_constant(node.name + "_minus_one", ConstTensor::from_vector({1}, {-1.0f}));
  const std::string negated = ctx.fresh_name(node.name + "_negated");
  Node neg = make_node(node, OpType::Mul, {b, minus_one});
  neg.name = ctx.fresh_name(node.name + "_negate");
  neg.outputs = {negated};
  runtime_input(ctx, node, 1, 0);
  ctx.emit(std::move(neg));
  emit_binary(ctx, node, OpType::Add, value_input(ctx, node, 0), negated, node.output(0));
}

void map_div(ImportContext& ctx, const OnnxNode& node) {
  const std::string& b = node.input(1);
  if (node.input(0).empty() || b.empty()) invalid(node, "needs two inputs");
  const FoldTensor* cb = ctx.constant(b);
  if (!cb) unsupported(node, "division by a tensor computed at run time");
  ++ctx.stats().rewritten_sub_div;
  const std::string recip = ctx.add_ir_constant(b + "_reciprocal", transformed(*cb, [](float v) { return 1.0f / v; }));
  emit_binary(ctx, node, OpType::Mul, value_input(ctx, node, 0), recip, node.output(0));
}

void map_gemm(ImportContext& ctx, const OnnxNode& node) {
  std::vector<std::string> in{value_input(ctx, node, 0), value_input(ctx, node, 1)};
  if (node.has_input(2)) in.push_back(value_input(ctx, node, 2));
  Node n = make_node(node, OpType::Gemm, std::move(in));
  n.attrs.set("alpha", static_cast<double>(attr_float(node.proto, "alpha", 1.0f)));
  n.attrs.set("beta", static_cast<double>(attr_float(node.proto, "beta", 1.0f)));
  n.attrs.set("transA", attr_int(node.proto, "transA", 0));
  n.attrs.set("transB", attr_int(node.proto, "transB", 0));
  ctx.emit(std::move(n));
}

void map_matmul(ImportContext& ctx, const OnnxNode& node) {
  ctx.emit(make_node(node, OpType::MatMul, {value_input(ctx, node, 0), value_input(ctx, node, 1)}));
}

}  // namespace tarsier::convert
