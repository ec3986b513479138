#pragma once
// ONNX TensorProto (initializers, Constant values) -> FoldTensor, with every size checked
// against the declared shape so a damaged file gives an error, never a huge allocation.
#include <onnx/onnx_pb.h>

#include <string>

#include "convert/fold_tensor.hpp"

namespace tarsier::convert {

// `what` names the tensor in messages ("initializer 'conv1.weight'").
FoldTensor read_tensor_proto(const onnx::TensorProto& tensor, const std::string& what);

}  // namespace tarsier::convert
