#pragma once
// The SIMT emulator: what a .cu kernel source sees when g++ compiles it as C++
// (through kernels/cuda/cuda_compat.hpp). See README.md in this folder for the
// model and its limits.
#include "kernels/cuda/simt/atomics.hpp"
#include "kernels/cuda/simt/builtins.hpp"
#include "kernels/cuda/simt/half.hpp"
#include "kernels/cuda/simt/intrinsics.hpp"
#include "kernels/cuda/simt/launch.hpp"
#include "kernels/cuda/simt/vector_types.hpp"
#include "kernels/cuda/simt/wmma.hpp"

#define TARSIER_SIMT_EMULATOR 1

// Function qualifiers: every function is a host function here.
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
// __shared__ variables are function statics: one copy that all fibers of the
// running block see, and (being ordinary globals to ASan) surrounded by
// redzones that catch overruns.
#define __shared__ static
#define __constant__

#define TARSIER_LAUNCH(kernel, grid, block, smem, stream) \
  ::tarsier::simt::launcher(#kernel, kernel, grid, block, smem, stream)
// extern __shared__ T name[] cannot be valid C++ without a per-name definition,
// so dynamic shared memory is declared through this macro (extern __shared__
// under nvcc).
#define TARSIER_DYNAMIC_SHARED(type, name) \
  type* const name = static_cast<type*>(::tarsier::simt::detail::dynamic_shared_memory())
