#pragma once
// ONNX -> Tarsier model conversion (the slow, careful rewriting done once, offline).
#include <cstddef>
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
  bool letterbox = false;  // pad the image to a square (centred, black) before resizing
  std::optional<Layout> layout;
  std::string name;  // default: file stem
};

// What the conversion did, for the command's summary line.
struct ConvertStats {
  std::size_t onnx_nodes = 0;
  std::size_t folded_nodes = 0;        // ONNX nodes evaluated at convert time
  std::size_t removed_identities = 0;  // Identity / Dropout / Cast-to-float
  std::size_t rewritten_sub_div = 0;   // Sub / Div turned into Add / Mul
  std::size_t folded_batchnorms = 0;
  std::size_t folded_affine = 0;  // Mul / Add by per-channel constants absorbed into convs
  std::size_t dead_nodes = 0;
};

// Reads an ONNX file and returns the optimised Tarsier model. Throws Error with
// ErrorCode::UnsupportedModel naming op type, node name and opset for unsupported ops,
// InvalidModel for damaged files, Io when the file cannot be read, InvalidArgument for
// unusable options.
Model convert_onnx(const std::filesystem::path& onnx_path, const ConvertOptions& options,
                   ConvertStats* stats = nullptr);
Model convert_onnx_bytes(const std::string& bytes, const ConvertOptions& options,
                         const std::string& source_name = "<memory>", ConvertStats* stats = nullptr);

}  // namespace tarsier
