#pragma once
// The static shape of the model's image input: batch fixed to 1 when symbolic, spatial
// size from the graph or from --size.
#include <onnx/onnx_pb.h>

#include <optional>

#include "convert/converter.hpp"
#include "core/tensor.hpp"

namespace tarsier::convert {

struct ResolvedInput {
  Shape shape;
  Layout layout = Layout::NCHW;
};

// Throws Error(InvalidArgument) when the size is unknown and --size is missing, or when
// --size disagrees with a static input; Error(UnsupportedModel) for a non-float input.
ResolvedInput resolve_input(const onnx::ValueInfoProto& input, const ConvertOptions& options);

}  // namespace tarsier::convert
