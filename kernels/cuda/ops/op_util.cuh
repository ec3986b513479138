#pragma once
// Shared by the op kernels: storage <-> float conversion, launch sizing, argument checks, and
// the non-contracting arithmetic that keeps results bit-identical to the CPU references.
#include <cstdint>
#include <string>

#include "kernels/cuda/cuda_compat.hpp"
// Spelled from the repository root: the nvcc library only has the root on its include path.
#include "engine/include/tarsier/error.hpp"

// `#pragma unroll` spelled so g++ (the emulator build, -Wall) knows it too.
#if defined(__CUDACC__)
#define TARSIER_UNROLL _Pragma("unroll")
#else
#define TARSIER_UNROLL _Pragma("GCC unroll 16")
#endif

namespace tarsier::TARSIER_CUDA_NS::ops_detail {

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__half v) { return __half2float(v); }

template <class T>
__device__ __forceinline__ T from_float(float v);
template <>
__device__ __forceinline__ float from_float<float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ __half from_float<__half>(float v) {
  return __float2half_rn(v);
}

// nvcc contracts a * b + c into one FMA by default; the CPU references round the product
// first. These keep each operation separately rounded under nvcc (the emulator build runs on
// x86-64 without -mfma, where g++ never contracts).
__device__ __forceinline__ float mul_rn(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ float add_rn(float a, float b) { return __fadd_rn(a, b); }
__device__ __forceinline__ double mul_rn(double a, double b) {
#if defined(__CUDACC__)
  return __dmul_rn(a, b);
#else
  return a * b;
#endif
}
__device__ __forceinline__ double add_rn(double a, double b) {
#if defined(__CUDACC__)
  return __dadd_rn(a, b);
#else
  return a + b;
#endif
}

// Device index math is 32-bit: every tensor the backend runs is far below 2^31 elements, and
// the hosts check it so an oversized one fails loudly instead of wrapping.
inline constexpr std::int64_t kMaxIndex = 0x7fffffff;

inline void check(bool ok, const char* op, const std::string& problem) {
  if (!ok) throw Error(ErrorCode::InvalidArgument, std::string(op) + ": " + problem);
}

inline void check_index(std::int64_t extent, const char* op, const char* what) {
  check(extent >= 0 && extent <= kMaxIndex, op,
        std::string(what) + " = " + std::to_string(extent) + " is negative or exceeds 2^31 - 1");
}

// Blocks for a grid-stride loop over `count` items: enough to fill a large GPU, no more.
inline unsigned grid_for(std::int64_t count, int threads, std::int64_t max_blocks = 4096) {
  std::int64_t blocks = (count + threads - 1) / threads;
  if (blocks < 1) blocks = 1;
  if (blocks > max_blocks) blocks = max_blocks;
  return static_cast<unsigned>(blocks);
}

}  // namespace tarsier::TARSIER_CUDA_NS::ops_detail
