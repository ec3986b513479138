#pragma once
// Softmax along the middle axis of a dense tensor viewed as [outer][axis_len][inner]
// (ref::softmax): numerically stable (max subtracted), float math, expf (not __expf).
// inner == 1 (classifier logits, NHWC channel softmax) runs one warp per row with shuffles;
// otherwise one thread per (outer, inner) column walks the axis (coalesced across inner).
// Device pointers; launches on `stream`, allocates nothing. y may equal x.
#include <cstdint>

#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::TARSIER_CUDA_NS {

template <class T>
void softmax(const T* x, T* y, std::int64_t outer, std::int64_t axis_len, std::int64_t inner, cudaStream_t stream);

}  // namespace tarsier::TARSIER_CUDA_NS
