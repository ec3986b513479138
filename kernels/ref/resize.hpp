#pragma once
// Reference Resize of the two spatial axes of an NCHW float tensor (ONNX semantics).
#include "kernels/common/resize_params.hpp"

namespace tarsier::ref {

// ONNX Resize (opset 11+), restricted to what PyTorch/Keras exports use:
//   x_original = f(x_resized) per p.transform, with scale = p.scale_* (output/input):
//     half_pixel:          (x + 0.5) / scale - 0.5
//     pytorch_half_pixel:  out_len > 1 ? (x + 0.5) / scale - 0.5 : 0
//     align_corners:       out_len > 1 ? x * (in_len - 1) / (out_len - 1) : 0
//     asymmetric:          x / scale
//   nearest: round x_original per p.rounding (round_prefer_floor/ceil break exact .5 ties
//     down/up), then clamp the index into [0, in_len - 1] (as ONNX Runtime does).
//   linear:  clamp x_original into [0, in_len - 1] (as ONNX Runtime and PyTorch do, which is
//     the same as ONNX's edge padding), then interpolate between floor and floor + 1.
// Coordinates are computed in double so that exact ties and integers stay exact.
// PyTorch: nn.Upsample(mode='nearest') exports asymmetric + floor; bilinear
// align_corners=False exports pytorch_half_pixel (or half_pixel), True exports align_corners.
void resize2d(const kernels::ResizeParams& p, const float* x, float* y);

}  // namespace tarsier::ref
