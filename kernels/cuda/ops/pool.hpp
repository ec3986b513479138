#pragma once
// Pooling on NHWC activations (float or __half storage, float math), the semantics of
// kernels/ref/pool2d.hpp (pads, dilation, clipped windows, count_include_pad).
// All pointers are device pointers; each function launches on `stream`, allocates nothing and
// returns at once on a GPU. Throws tarsier::Error(InvalidArgument) for unusable sizes.
//
// Pixel strides: x pixel (b, h, w) starts at x[((b * h_in + h) * w_in + w) * x_pixel_stride],
// its channels are contiguous; the same for y. A stride > c lets a producer write its channels
// straight into a channel slice of a concat output (pass y = concat base + channel offset and
// y_pixel_stride = total channels); channels outside [0, c) of each pixel are never touched.
#include <cstdint>

#include "kernels/common/pool_params.hpp"
#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::TARSIER_CUDA_NS {

// T is float or __half.
template <class T>
void max_pool2d_nhwc(const kernels::Pool2dParams& p, const T* x, std::int64_t x_pixel_stride, T* y,
                     std::int64_t y_pixel_stride, cudaStream_t stream);

template <class T>
void avg_pool2d_nhwc(const kernels::Pool2dParams& p, const T* x, std::int64_t x_pixel_stride, T* y,
                     std::int64_t y_pixel_stride, cudaStream_t stream);

// y[b][ch] (at y[b * y_pixel_stride + ch]) = mean over the hw pixels of image b, channel ch.
// One block reduces one image and up to 32 channels: threads split the pixels, partial sums
// meet in shared memory, so a large image with few channels still uses a whole block.
template <class T>
void global_avg_pool_nhwc(std::int64_t n, std::int64_t hw, std::int64_t c, const T* x, std::int64_t x_pixel_stride,
                          T* y, std::int64_t y_pixel_stride, cudaStream_t stream);

}  // namespace tarsier::TARSIER_CUDA_NS
