#pragma once
// The operators of the graph IR and their canonical attributes. The converter writes
// exactly these attributes (already resolved from ONNX's many spellings); shape
// inference, passes and every backend read them. Inputs named "" are absent optionals.
//
//  Conv               in: X, W, B?, residual?   kernel_shape[2] strides[2] pads[4]=top,left,bottom,right
//                                                dilations[2] group; fused epilogue (see below)
//  ConvTranspose      in: X, W, B?              kernel_shape strides pads[4] dilations group
//                                                output_padding[2]; fused epilogue
//  BatchNormalization in: X, scale, B, mean, var  epsilon   (only where it could not be folded)
//  Relu, Sigmoid      in: X
//  Clip               in: X                     min? max? (absent = unbounded)
//  LeakyRelu          in: X                     alpha
//  Softmax            in: X                     axis (>= 0; normalises along that one axis)
//  MaxPool            in: X                     kernel_shape strides pads[4] dilations ceil_mode
//  AveragePool        in: X                     kernel_shape strides pads[4] ceil_mode count_include_pad
//  GlobalAveragePool  in: X
//  Add, Mul           in: A, B (numpy broadcasting)  fused epilogue
//  Concat             in: X0..Xn                axis (>= 0)
//  Flatten            in: X                     axis (>= 0)
//  Reshape            in: X                     shape (fully resolved: no 0, no -1)
//  Gemm               in: A, B, C?              alpha beta transA transB; fused epilogue
//  MatMul             in: A, B
//  Resize             in: X                     mode=nearest|linear coordinate_transformation_mode=
//                                                half_pixel|pytorch_half_pixel|align_corners|asymmetric
//                                                nearest_mode=round_prefer_floor|round_prefer_ceil|floor|ceil
//                                                scales[rank] (floats) sizes[rank] (output shape)
//  Pad                in: X                     pads[2*rank] (all begins, then all ends; >= 0) value
//  Transpose          in: X                     perm
//
// Fused epilogue attributes (all optional): activation = none|relu|clip|leaky_relu|sigmoid,
// alpha (leaky slope), clip_min, clip_max.
#include <optional>
#include <string_view>

namespace tarsier {

enum class OpType {
  Conv,
  ConvTranspose,
  BatchNormalization,
  Relu,
  Clip,
  LeakyRelu,
  Sigmoid,
  Softmax,
  MaxPool,
  AveragePool,
  GlobalAveragePool,
  Add,
  Mul,
  Concat,
  Flatten,
  Reshape,
  Gemm,
  MatMul,
  Resize,
  Pad,
  Transpose,
};

std::string_view op_name(OpType op);
std::optional<OpType> parse_op(std::string_view name);

}  // namespace tarsier
