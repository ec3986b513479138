#pragma once
// The fused conv/GEMM epilogue on the device: the activation of kernels/common/epilogue.hpp
// (the host struct is passed to kernels by value), written with device math so nvcc accepts it.
// In tarsier::TARSIER_CUDA_NS like all kernel code, so the nvcc and emulator builds of one
// kernel never define the same inline function (both may be linked into one binary).
#include "kernels/common/epilogue.hpp"
#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::TARSIER_CUDA_NS {

__device__ __forceinline__ float apply_activation(const kernels::Epilogue& e, float v) {
  switch (e.act) {
    case kernels::Activation::None: return v;
    case kernels::Activation::Relu: return v > 0.0f ? v : 0.0f;
    case kernels::Activation::Clip: return fminf(fmaxf(v, e.clip_min), e.clip_max);
    case kernels::Activation::LeakyRelu: return v >= 0.0f ? v : v * e.alpha;
    case kernels::Activation::Sigmoid: return 1.0f / (1.0f + expf(-v));
  }
  return v;
}

}  // namespace tarsier::TARSIER_CUDA_NS
