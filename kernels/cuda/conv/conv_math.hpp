#pragma once
// The arithmetic a convolution-family kernel of kernels/cuda/conv runs in, chosen at run time.
#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::TARSIER_CUDA_NS {

// Storage type of activations (x, residual, y): float for Fp32, __half for both fp16 modes.
// Weights are packed on the host into the same storage type; bias stays float (device [c_out]).
enum class ConvMath {
  // fp32 storage and FMA arithmetic; matches kernels/ref to ~1e-6 relative to max|ref|.
  Fp32,
  // fp16 storage, __hfma2 products summed in half2 over one 16-deep K slice, then added into fp32
  // accumulators: half2 throughput on any sm_53+ GPU, error ~1e-3 relative to max|ref| (the
  // 16-term half partial sums and the final rounding to half; does not grow with K).
  Fp16Half2,
  // fp16 storage, tensor cores through nvcuda::wmma 16x16x16 with fp32 accumulators (sm_70+):
  // products exact, sums fp32, error = the final rounding to half (~5e-4 relative).
  Fp16Wmma,
};

// Bytes of one activation element for math.
constexpr std::size_t conv_storage_bytes(ConvMath math) { return math == ConvMath::Fp32 ? 4 : 2; }

}  // namespace tarsier::TARSIER_CUDA_NS
