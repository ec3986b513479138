#pragma once
// Typed access to an ONNX node's attributes. A missing attribute gives the fallback; one
// of the wrong type is an Error(InvalidModel) naming the node, never a silent default.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convert/fold_tensor.hpp"

namespace tarsier::convert {

// "Conv node 'conv1'" (or "Conv node #12" when unnamed), for messages.
std::string describe(const onnx::NodeProto& node);

const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, std::string_view name);

std::optional<std::int64_t> attr_int(const onnx::NodeProto& node, std::string_view name);
std::int64_t attr_int(const onnx::NodeProto& node, std::string_view name, std::int64_t fallback);
std::optional<float> attr_float(const onnx::NodeProto& node, std::string_view name);
float attr_float(const onnx::NodeProto& node, std::string_view name, float fallback);
std::optional<std::string> attr_string(const onnx::NodeProto& node, std::string_view name);
std::string attr_string(const onnx::NodeProto& node, std::string_view name, std::string_view fallback);
std::optional<std::vector<std::int64_t>> attr_ints(const onnx::NodeProto& node, std::string_view name);
std::optional<std::vector<float>> attr_floats(const onnx::NodeProto& node, std::string_view name);
std::optional<FoldTensor> attr_tensor(const onnx::NodeProto& node, std::string_view name);

}  // namespace tarsier::convert
