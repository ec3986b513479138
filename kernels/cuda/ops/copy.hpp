#pragma once
// Strided row copy: the one data-movement kernel behind Concat when a producer cannot write
// into its slice of the concat output itself.
// Device pointers; launches on `stream`, allocates nothing.
#include <cstdint>

#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::TARSIER_CUDA_NS {

// y[r * y_row_stride + i] = x[r * x_row_stride + i] for r < rows, i < row_len.
//  - NHWC channel concat of input k: rows = n*h*w, row_len = c_k, x_row_stride = c_k (or the
//    input's pixel stride), y = out + channel offset of k, y_row_stride = total channels.
//  - Concat on any axis of a dense tensor viewed as [outer][axis][inner]: rows = outer,
//    row_len = x_row_stride = axis_k * inner, y = out + offset_k * inner,
//    y_row_stride = axis_total * inner.
// x and y must not overlap. T is float or __half.
template <class T>
void copy_rows(std::int64_t rows, std::int64_t row_len, const T* x, std::int64_t x_row_stride, T* y,
               std::int64_t y_row_stride, cudaStream_t stream);

}  // namespace tarsier::TARSIER_CUDA_NS
