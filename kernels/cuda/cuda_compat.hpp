#pragma once
// What every kernel source in kernels/cuda includes: the CUDA headers under
// nvcc, the SIMT emulator (simt/) under g++, plus the two spellings that differ
// between them.
//
// TARSIER_CUDA_NS names the namespace (inside tarsier::) of every kernel's host
// glue: `cuda` for the nvcc build, `cuda_emu` for the emulator build, so both
// builds of the same .cu can be linked into one binary (a CUDA build of the
// tarsier tool carries the real backend and the emulated one).
#if defined(__CUDACC__)
#define TARSIER_CUDA_NS cuda
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
#define TARSIER_CUDA_NS cuda_emu
#include "kernels/cuda/simt/simt.hpp"
#endif
