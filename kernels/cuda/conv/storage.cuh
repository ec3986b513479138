#pragma once
// Internal to kernels/cuda/conv: loads and stores of the two storage types (float, __half) in
// fp32, so one kernel template serves both.
#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::TARSIER_CUDA_NS::conv_detail {

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__half v) { return __half2float(v); }

__device__ __forceinline__ void store_float(float* p, float v) { *p = v; }
__device__ __forceinline__ void store_float(__half* p, float v) { *p = __float2half_rn(v); }

template <class T>
__device__ __forceinline__ T zero_value();
template <>
__device__ __forceinline__ float zero_value<float>() {
  return 0.0f;
}
template <>
__device__ __forceinline__ __half zero_value<__half>() {
  return __float2half_rn(0.0f);
}

// Vectors of halves for single 8- and 16-byte loads/stores. Made of __half2 (not uint2/uint4)
// so that reading a __half array through them is allowed aliasing for the host compiler too.
struct alignas(8) Half4 {
  __half2 v[2];
};
struct alignas(16) Half8 {
  __half2 v[4];
};

// Four elements moved as one load/store (16 bytes of float, 8 of half).
template <class T>
struct Vec4;
template <>
struct Vec4<float> {
  using type = float4;
};
template <>
struct Vec4<__half> {
  using type = Half4;
};

// #pragma unroll for nvcc; the host compiler unrolls by its own judgement (and would warn).
#if defined(__CUDACC__)
#define TARSIER_UNROLL _Pragma("unroll")
#else
#define TARSIER_UNROLL
#endif

}  // namespace tarsier::TARSIER_CUDA_NS::conv_detail
