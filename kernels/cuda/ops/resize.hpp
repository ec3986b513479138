#pragma once
// Resize of NHWC activations (float or __half storage, float math): nearest and bilinear with
// every coordinate transform and nearest rounding of kernels/ref/resize.hpp. Coordinates are
// computed in double exactly as the reference does, and the interpolation is written without
// FMA contraction, so float results equal ref::resize2d bit for bit.
// Device pointers; launches on `stream`, allocates nothing. Pixel strides as in pool.hpp
// (y_pixel_stride > c writes into a concat channel slice, other channels untouched).
#include <cstdint>

#include "kernels/common/resize_params.hpp"
#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::TARSIER_CUDA_NS {

// x [n][h_in][w_in][c], y [n][h_out][w_out][c] (sizes and modes from p; p is NCHW-agnostic).
template <class T>
void resize2d_nhwc(const kernels::ResizeParams& p, const T* x, std::int64_t x_pixel_stride, T* y,
                   std::int64_t y_pixel_stride, cudaStream_t stream);

}  // namespace tarsier::TARSIER_CUDA_NS
