#pragma once
// ONNX -> Tarsier model conversion (the slow, careful rewriting done once, offline).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <tarsier/model_info.hpp>

#include "format/model.hpp"

namespace tarsier {

// What the model needs around it, from the convert command's flags.
struct ConvertOptions {
  std::optional<Task> task;  // default: segmentation if the output is spatial, else classification
  std::vector<std::string> labels;
  std::optional<float> threshold;
  std::optional<std::vector<float>> mean, std;
  std::optional<float> scale;
  std::optional<ColorOrder> color;
  std::optional<std::vector<std::int64_t>> size;  // H, W when the ONNX input is not static
  std::optional<ResizeKind> resize;
  std::optional<Layout> layout;
  std::string name;  // default: file stem
};

// Reads an ONNX file and returns the optimised Tarsier model. Throws Error with
// ErrorCode::UnsupportedModel naming op type, node name and opset for unsupported ops.
Model convert_onnx(const std::filesystem::path& onnx_path, const ConvertOptions& options);
Model convert_onnx_bytes(const std::string& bytes, const ConvertOptions& options,
                         const std::string& source_name = "<memory>");

}  // namespace tarsier
