#pragma once
// Evaluates ONNX nodes whose inputs are all known at convert time (the shape arithmetic
// PyTorch exports around Reshape, Pad and Resize, and any other constant subgraph).
#include <onnx/onnx_pb.h>

#include <span>
#include <string_view>
#include <vector>

#include "convert/fold_tensor.hpp"

namespace tarsier::convert {

bool is_foldable(std::string_view op_type);

// `inputs[i]` is null for an absent optional input. Returns one tensor per node output.
// Throws Error(InvalidModel) naming the node when inputs and attributes disagree.
std::vector<FoldTensor> fold_node(const onnx::NodeProto& node, std::span<const FoldTensor* const> inputs,
                                  std::int64_t opset);

// Shape or Size of a value whose shape is known but whose data is not.
std::vector<FoldTensor> fold_shape_query(const onnx::NodeProto& node, const Shape& input_shape);

}  // namespace tarsier::convert
