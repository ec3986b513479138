#pragma once
// Parsing an ONNX file and checking it is something we can convert: a ModelProto with a
// graph, ai.onnx opset 11..17.
#include <onnx/onnx_pb.h>

#include <string>

namespace tarsier::convert {

inline constexpr std::int64_t kMinOpset = 11;
inline constexpr std::int64_t kMaxOpset = 17;

struct OnnxModel {
  onnx::ModelProto proto;
  std::int64_t opset = 0;  // of the default (ai.onnx) domain
};

// Error(InvalidModel) "not a valid ONNX file" when the bytes do not parse as a model;
// Error(UnsupportedModel) for an opset outside 11..17.
OnnxModel parse_onnx(const std::string& bytes, const std::string& source_name);

bool is_default_domain(const std::string& domain);

}  // namespace tarsier::convert
