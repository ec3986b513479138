#pragma once
// Reference pooling kernels (NCHW, float32).
#include <cstdint>

#include "kernels/common/pool_params.hpp"

namespace tarsier::ref {

// Max over each (dilated) window, ignoring positions in the padding. A window with no
// input position at all (only possible with pads >= kernel extent) yields -infinity.
void max_pool2d(const kernels::Pool2dParams& p, const float* x, float* y);

// Average over each window (dilation ignored: ONNX AveragePool has none before opset 19).
// The divisor follows PyTorch's avg_pool2d, which ONNX Runtime also implements:
//   count_include_pad = true:  the window clipped to the PADDED input
//                              [-pad_top, h_in + pad_bottom) x [-pad_left, w_in + pad_right),
//                              so a ceil_mode window that runs past the padding does not count
//                              the positions beyond it (e.g. 6x6, k3 s2 p1 ceil: the last
//                              window covers one real row and one pad row and divides by 2).
//   count_include_pad = false: the number of real input positions in the window.
// A window with no real input position yields 0 (PyTorch would divide 0 by 0).
void avg_pool2d(const kernels::Pool2dParams& p, const float* x, float* y);

// y[n][c] = mean of the hw values of plane (n, c).
void global_avg_pool(std::int64_t n, std::int64_t c, std::int64_t hw, const float* x, float* y);

}  // namespace tarsier::ref
