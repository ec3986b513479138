// Softmax along the middle axis of [outer][axis_len][inner]. Three passes over each row (max,
// sum of exp, scale) re-read x instead of keeping exp values, so y may alias x and nothing
// else is needed in memory; expf, not __expf, to stay close to ref::softmax.
#include "kernels/cuda/ops/softmax.hpp"

#include "kernels/cuda/ops/op_util.cuh"

namespace tarsier::TARSIER_CUDA_NS {
namespace {

using ops_detail::from_float;
using ops_detail::to_float;

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;

__device__ __forceinline__ float warp_max(float v) {
  for (int offset = 16; offset > 0; offset /= 2) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
  return v;
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// inner == 1: one warp per row, lanes stride the axis, xor-shuffles give every lane the result.
template <class T>
__global__ void __launch_bounds__(kThreads) softmax_rows_kernel(const T* x, T* y, int rows, int len) {
  const int lane = threadIdx.x % 32;
  // Whole warps iterate together (row is warp-uniform), so the full-mask shuffles are legal.
  for (int row = blockIdx.x * kWarps + threadIdx.x / 32; row < rows; row += gridDim.x * kWarps) {
    const T* xr = x + static_cast<long long>(row) * len;
    T* yr = y + static_cast<long long>(row) * len;
    float m = -INFINITY;
    for (int k = lane; k < len; k += 32) m = fmaxf(m, to_float(xr[k]));
    m = warp_max(m);
    float sum = 0.0f;
    for (int k = lane; k < len; k += 32) sum += expf(to_float(xr[k]) - m);
    const float inv = 1.0f / warp_sum(sum);
    for (int k = lane; k < len; k += 32) yr[k] = from_float<T>(expf(to_float(xr[k]) - m) * inv);
  }
}

// inner > 1: one thread per (outer, inner) column; neighbouring threads read neighbouring
// columns, so every pass is coalesced.
template <class T>
__global__ void __launch_bounds__(kThreads) softmax_columns_kernel(const T* x, T* y, int outer, int len, int inner) {
  const int total = outer * inner;
  for (int col = blockIdx.x * blockDim.x + threadIdx.x; col < total; col += gridDim.x * blockDim.x) {
    const int o = col / inner, i = col % inner;
    const long long base = static_cast<long long>(o) * len * inner + i;
    float m = to_float(x[base]);
    for (int k = 1; k < len; ++k) m = fmaxf(m, to_float(x[base + static_cast<long long>(k) * inner]));
    float sum = 0.0f;
    for (int k = 0; k < len; ++k) sum += expf(to_float(x[base + static_cast<long long>(k) * inner]) - m);
    const float inv = 1.0f / sum;
    for (int k = 0; k < len; ++k) {
      const long long at = base + static_cast<long long>(k) * inner;
      y[at] = from_float<T>(expf(to_float(x[at]) - m) * inv);
    }
  }
}

}  // namespace

template <class T>
void softmax(const T* x, T* y, std::int64_t outer, std::int64_t axis_len, std::int64_t inner, cudaStream_t stream) {
  constexpr const char* op = "softmax";
  ops_detail::check(outer >= 0 && axis_len >= 0 && inner >= 0, op, "negative size");
  ops_detail::check_index(outer * axis_len * inner, op, "element count");
  if (outer == 0 || axis_len == 0 || inner == 0) return;
  if (inner == 1) {
    auto* k = softmax_rows_kernel<T>;
    TARSIER_LAUNCH(k, ops_detail::grid_for(outer, kWarps), kThreads, 0, stream)
    (x, y, static_cast<int>(outer), static_cast<int>(axis_len));
  } else {
    auto* k = softmax_columns_kernel<T>;
    TARSIER_LAUNCH(k, ops_detail::grid_for(outer * inner, kThreads), kThreads, 0, stream)
    (x, y, static_cast<int>(outer), static_cast<int>(axis_len), static_cast<int>(inner));
  }
}

template void softmax<float>(const float*, float*, std::int64_t, std::int64_t, std::int64_t, cudaStream_t);
template void softmax<__half>(const __half*, __half*, std::int64_t, std::int64_t, std::int64_t, cudaStream_t);

}  // namespace tarsier::TARSIER_CUDA_NS
