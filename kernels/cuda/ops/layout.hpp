#pragma once
// Layout and storage-type conversion at the backend's graph edges and for Transpose.
// Tin/Tout are float or __half (all four pairs); a conversion to half rounds to nearest even.
// Device pointers; launches on `stream`, allocates nothing. y must not alias x.
#include <cstdint>

#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::TARSIER_CUDA_NS {

// x [n][c][hw] (NCHW, dense) -> y [n][hw][c] with pixel (b, p) at y[(b * hw + p) * y_pixel_stride]
// (y_pixel_stride >= c; other channels untouched). 32x32 tiles through shared memory so both
// sides are coalesced.
template <class Tin, class Tout>
void nchw_to_nhwc(std::int64_t n, std::int64_t c, std::int64_t hw, const Tin* x, Tout* y, std::int64_t y_pixel_stride,
                  cudaStream_t stream);

// x [n][hw][c] with pixel stride x_pixel_stride (>= c) -> y [n][c][hw] dense (NCHW).
template <class Tin, class Tout>
void nhwc_to_nchw(std::int64_t n, std::int64_t c, std::int64_t hw, const Tin* x, std::int64_t x_pixel_stride, Tout* y,
                  cudaStream_t stream);

// y[i] = x[i] converted, i < count.
template <class Tin, class Tout>
void convert(std::int64_t count, const Tin* x, Tout* y, cudaStream_t stream);

// General Transpose of a dense tensor (ref::transpose): y.shape[d] = x_shape[perm[d]].
// rank <= kMaxRank. T is float or __half.
template <class T>
void transpose(int rank, const std::int64_t* x_shape, const std::int64_t* perm, const T* x, T* y, cudaStream_t stream);

}  // namespace tarsier::TARSIER_CUDA_NS
