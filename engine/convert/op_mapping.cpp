#include "convert/op_mapping.hpp"

#include <array>
#include <utility>

#include <tarsier/error.hpp>

#include "convert/onnx_attr.hpp"

namespace tarsier::convert {
namespace {

constexpr std::array<std::pair<std::string_view, MapFn>, 31> kMappers{{
    {"Conv", map_conv},
    {"ConvTranspose", map_conv_transpose},
    {"MaxPool", map_max_pool},
    {"AveragePool", map_average_pool},
    {"GlobalAveragePool", map_global_average_pool},
    {"GlobalMaxPool", map_global_max_pool},
    {"Relu", map_unary},
    {"Sigmoid", map_unary},
    {"LeakyRelu", map_leaky_relu},
    {"Clip", map_clip},
    {"Softmax", map_softmax},
    {"BatchNormalization", map_batch_norm},
    {"Identity", map_passthrough},
    {"Dropout", map_passthrough},
    {"Cast", map_passthrough},
    {"Add", map_add_mul},
    {"Mul", map_add_mul},
    {"Sub", map_sub},
    {"Div", map_div},
    {"Gemm", map_gemm},
    {"MatMul", map_matmul},
    {"Concat", map_concat},
    {"Flatten", map_flatten},
    {"Reshape", map_reshape},
    {"Squeeze", map_squeeze_unsqueeze},
    {"Unsqueeze", map_squeeze_unsqueeze},
    {"Transpose", map_transpose},
    {"Pad", map_pad},
    {"ReduceMean", map_reduce_mean},
    {"Resize", map_resize},
    {"Upsample", map_upsample},
}};

}  // namespace

MapFn find_mapper(std::string_view op_type) {
  for (const auto& [name, fn] : kMappers)
    if (name == op_type) return fn;
  return nullptr;
}

std::string OnnxNode::what() const { return proto.op_type() + " node '" + name + "'"; }

const std::string& OnnxNode::input(std::size_t i) const {
  static const std::string kAbsent;
  return i < inputs.size() ? inputs[i] : kAbsent;
}

const std::string& OnnxNode::output(std::size_t i) const {
  if (static_cast<int>(i) >= proto.output_size()) invalid(*this, "missing output " + std::to_string(i));
  return proto.output(static_cast<int>(i));
}

void unsupported(const OnnxNode& node, const std::string& why) {
  throw Error(ErrorCode::UnsupportedModel, node.what() + ": " + why);
}

void invalid(const OnnxNode& node, const std::string& why) {
  throw Error(ErrorCode::InvalidModel, node.what() + ": " + why);
}

const FoldTensor& constant_input(ImportContext& ctx, const OnnxNode& node, std::size_t i, const char* role) {
  if (!node.has_input(i)) invalid(node, std::string("missing input '") + role + "'");
  const FoldTensor* t = ctx.constant(node.input(i));
  if (!t) unsupported(node, std::string("input '") + role + "' must be known at convert time, but it is computed "
                                                              "from the model input at run time");
  return *t;
}

std::string value_input(ImportContext& ctx, const OnnxNode& node, std::size_t i) {
  if (!node.has_input(i)) invalid(node, "missing input " + std::to_string(i));
  const std::string& name = node.input(i);
  if (ctx.is_constant(name)) return ctx.ir_constant(name);
  ctx.shape_of(name);  // must be a known runtime value
  return name;
}

const std::string& runtime_input(ImportContext& ctx, const OnnxNode& node, std::size_t i, std::size_t rank) {
  if (!node.has_input(i)) invalid(node, "missing input " + std::to_string(i));
  const std::string& name = node.input(i);
  if (ctx.is_constant(name)) unsupported(node, "constant data input '" + name + "' is not supported here");
  const Shape& s = ctx.shape_of(name);
  if (rank && s.size() != rank)
    unsupported(node, "input '" + name + "' of shape " + shape_to_string(s) + " should have rank " +
                          std::to_string(rank));
  return name;
}

void require_single_output(const ImportContext& ctx, const OnnxNode& node) {
  for (int i = 1; i < node.proto.output_size(); ++i)
    if (!node.proto.output(i).empty() && ctx.uses(node.proto.output(i)) > 0)
      unsupported(node, "output " + std::to_string(i) + " ('" + node.proto.output(i) +
                            "') is used, but only the first output is supported");
}

Node make_node(const OnnxNode& node, OpType op, std::vector<std::string> inputs) {
  Node n;
  n.name = node.name;
  n.op = op;
  n.inputs = std::move(inputs);
  n.outputs = {node.output(0)};
  return n;
}

std::vector<std::int64_t> ints_attr(const OnnxNode& node, const char* key, std::size_t count,
                                    std::vector<std::int64_t> fallback) {
  auto v = attr_ints(node.proto, key);
  if (!v) return fallback;
  if (v->size() != count)
    invalid(node, std::string("attribute '") + key + "' should have " + std::to_string(count) + " values, has " +
                      std::to_string(v->size()));
  return *v;
}

}  // namespace tarsier::convert
