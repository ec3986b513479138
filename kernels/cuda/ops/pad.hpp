#pragma once
// Constant Pad of a dense tensor of rank <= kMaxRank (ref::pad_constant): y has shape
// x_shape[d] + pads[d] + pads[rank + d], positions outside x hold value (rounded to T).
// The backend passes its storage order (NHWC) with pads permuted to match.
// Device pointers; launches on `stream`, allocates nothing. y must not alias x.
#include <cstdint>

#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::TARSIER_CUDA_NS {

// pads: all begins then all ends (ONNX order), each >= 0. T is float or __half.
template <class T>
void pad_constant(int rank, const std::int64_t* x_shape, const T* x, const std::int64_t* pads, float value, T* y,
                  cudaStream_t stream);

}  // namespace tarsier::TARSIER_CUDA_NS
