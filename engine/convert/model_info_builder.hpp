#pragma once
// ModelInfo (task, labels, preprocessing, provenance) from the convert options, the
// resolved graph and the ONNX file's own metadata.
#include <string>

#include "convert/converter.hpp"
#include "convert/input_shape.hpp"
#include "convert/onnx_model.hpp"

namespace tarsier::convert {

struct SourceInfo {
  std::string file_name;
  std::string sha256;
};

ModelInfo build_model_info(const OnnxModel& model, const ResolvedInput& input, const Graph& graph,
                           const ConvertOptions& options, const SourceInfo& source);

}  // namespace tarsier::convert
