#pragma once
// Elementwise kernels on float or __half storage (float math, one rounding to the storage
// type at the end): broadcast binary ops with a fused activation, standalone activations and
// the per-channel affine of an unfolded BatchNormalization.
// Device pointers; launches on `stream`, allocates nothing.
#include <cstdint>

#include "kernels/common/elementwise_params.hpp"
#include "kernels/common/epilogue.hpp"
#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::TARSIER_CUDA_NS {

// A rank <= kMaxRank iteration space with an element stride per axis for each operand. The
// backend builds it from the ONNX (NCHW) shapes after permuting the axes to its NHWC storage:
// a broadcast axis has stride 0 in that operand, and y's strides may describe a channel slice
// of a concat output (pixel stride > channels). dims[rank - 1] is the fastest axis of y.
struct StridedLayout {
  int rank = 0;
  std::int64_t dims[kernels::kMaxRank] = {};
  std::int64_t a_strides[kernels::kMaxRank] = {};
  std::int64_t b_strides[kernels::kMaxRank] = {};
  std::int64_t y_strides[kernels::kMaxRank] = {};
};

// The layout of y = a op b for dense row-major operands of the given (numpy-broadcast) shapes,
// y dense too: the ref::binary_broadcast case. Unit axes of y are kept (harmless).
// Throws Error(InvalidArgument) if the shapes do not broadcast to y_shape or rank > kMaxRank.
StridedLayout dense_broadcast_layout(const std::int64_t* a_shape, int a_rank, const std::int64_t* b_shape, int b_rank,
                                     const std::int64_t* y_shape, int y_rank);

// y = e(a op b) over the layout (op: kernels::BinaryOp::Add or Mul, as the reference).
// y may equal a or b when that operand has y's strides. T is float or __half.
template <class T>
void binary_strided(kernels::BinaryOp op, const StridedLayout& layout, const T* a, const T* b, T* y,
                    const kernels::Epilogue& e, cudaStream_t stream);

// y[p][ch] = e(x[p][ch]) for pixels p < pixels, channels ch < c, at x[p * x_pixel_stride + ch]
// and y[p * y_pixel_stride + ch]. A dense tensor is pixels = count, c = 1 (or any split:
// dense strides are detected and run as one flat vectorised loop). y may equal x.
template <class T>
void activation(const kernels::Epilogue& e, std::int64_t pixels, std::int64_t c, const T* x,
                std::int64_t x_pixel_stride, T* y, std::int64_t y_pixel_stride, cudaStream_t stream);

// y[p][ch] = e(x[p][ch] * mul[ch] + add[ch]) on NHWC (ref::channel_affine on NCHW, plus a
// fused activation). mul and add are float[c] device arrays. y may equal x.
template <class T>
void channel_affine_nhwc(std::int64_t pixels, std::int64_t c, const T* x, std::int64_t x_pixel_stride, const float* mul,
                         const float* add, T* y, std::int64_t y_pixel_stride, const kernels::Epilogue& e,
                         cudaStream_t stream);

}  // namespace tarsier::TARSIER_CUDA_NS
