#pragma once
// ONNX node -> canonical IR node(s). Each mapper resolves ONNX's spellings (opset
// differences, auto_pad, negative axes, optional inputs) into the attributes documented
// in graph/op_type.hpp, so nothing downstream needs to know ONNX.
#include <onnx/onnx_pb.h>

#include <string>
#include <string_view>
#include <vector>

#include "convert/import_context.hpp"

namespace tarsier::convert {

// One ONNX node as the mappers see it: inputs already resolved through aliases.
struct OnnxNode {
  const onnx::NodeProto& proto;
  std::string name;                 // IR node name (unique)
  std::vector<std::string> inputs;  // "" for absent optionals

  std::string what() const;  // "Conv node 'conv1'"
  const std::string& input(std::size_t i) const;
  bool has_input(std::size_t i) const { return !input(i).empty(); }
  const std::string& output(std::size_t i) const;
};

using MapFn = void (*)(ImportContext&, const OnnxNode&);
// Null when the op is not supported.
MapFn find_mapper(std::string_view op_type);

// Helpers shared by the mappers.
[[noreturn]] void unsupported(const OnnxNode& node, const std::string& why);
[[noreturn]] void invalid(const OnnxNode& node, const std::string& why);
// Input i, which must be known at convert time (weights, shapes, pads ...).
const FoldTensor& constant_input(ImportContext& ctx, const OnnxNode& node, std::size_t i, const char* role);
// Input i as an IR value name: runtime values as they are, constants as fp32 IR constants.
std::string value_input(ImportContext& ctx, const OnnxNode& node, std::size_t i);
// Input i, which must be computed at run time, of the given rank (0 = any).
const std::string& runtime_input(ImportContext& ctx, const OnnxNode& node, std::size_t i, std::size_t rank);
// Outputs past the first must be unused (MaxPool indices, BatchNorm statistics, Dropout mask).
void require_single_output(const ImportContext& ctx, const OnnxNode& node);
Node make_node(const OnnxNode& node, OpType op, std::vector<std::string> inputs);
// A ints attribute with `count` entries, or `fallback` when absent.
std::vector<std::int64_t> ints_attr(const OnnxNode& node, const char* key, std::size_t count,
                                    std::vector<std::int64_t> fallback);

// The mappers, grouped by file.
void map_conv(ImportContext&, const OnnxNode&);
void map_conv_transpose(ImportContext&, const OnnxNode&);
void map_max_pool(ImportContext&, const OnnxNode&);
void map_average_pool(ImportContext&, const OnnxNode&);
void map_global_average_pool(ImportContext&, const OnnxNode&);
void map_global_max_pool(ImportContext&, const OnnxNode&);

void map_unary(ImportContext&, const OnnxNode&);  // Relu, Sigmoid
void map_leaky_relu(ImportContext&, const OnnxNode&);
void map_clip(ImportContext&, const OnnxNode&);
void map_softmax(ImportContext&, const OnnxNode&);
void map_batch_norm(ImportContext&, const OnnxNode&);
void map_passthrough(ImportContext&, const OnnxNode&);  // Identity, Dropout, Cast to float

void map_add_mul(ImportContext&, const OnnxNode&);
void map_sub(ImportContext&, const OnnxNode&);
void map_div(ImportContext&, const OnnxNode&);
void map_gemm(ImportContext&, const OnnxNode&);
void map_matmul(ImportContext&, const OnnxNode&);

void map_concat(ImportContext&, const OnnxNode&);
void map_flatten(ImportContext&, const OnnxNode&);
void map_reshape(ImportContext&, const OnnxNode&);
void map_squeeze_unsqueeze(ImportContext&, const OnnxNode&);
void map_transpose(ImportContext&, const OnnxNode&);
void map_pad(ImportContext&, const OnnxNode&);
void map_reduce_mean(ImportContext&, const OnnxNode&);

void map_resize(ImportContext&, const OnnxNode&);
void map_upsample(ImportContext&, const OnnxNode&);

}  // namespace tarsier::convert
