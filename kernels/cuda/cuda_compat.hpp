#pragma once
// What every kernel source in kernels/cuda includes: the CUDA headers under
// nvcc, the SIMT emulator (simt/) under g++, plus the two spellings that differ
// between them.
#if defined(__CUDACC__)
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <mma.h>

// TARSIER_LAUNCH(kernel, grid, block, smem, stream)(args...) launches kernel on
// grid x block.
#define TARSIER_LAUNCH(kernel, grid, block, smem, stream) kernel<<<(grid), (block), (smem), (stream)>>>
// Declares name as a type* to the block's dynamic shared memory (128-byte
// aligned). One byte array under the hood so template kernels can instantiate
// it with different types.
#define TARSIER_DYNAMIC_SHARED(type, name)                                \
  extern __shared__ __align__(128) unsigned char tarsier_dynamic_smem_[]; \
  type* const name = reinterpret_cast<type*>(tarsier_dynamic_smem_)
#else
#include "kernels/cuda/simt/simt.hpp"
#endif
