#pragma once
// Kernel launches for the emulator build: TARSIER_LAUNCH(kernel, grid, block,
// smem, stream)(args) is kernel<<<grid, block, smem, stream>>>(args) under nvcc
// (see cuda_compat.hpp) and runs the grid on fibers here. The emulator's
// cudaStream_t carries the order blocks run in.
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include "kernels/cuda/simt/vector_types.hpp"

namespace tarsier::simt {

// Forward: blocks (and the threads of each block) in index order; Reverse: the
// opposite; Random: a permutation drawn from the stream's seed, different for
// every launch.
enum class BlockOrder { Forward, Reverse, Random };

}  // namespace tarsier::simt

// An emulated stream. Launches on the null stream run in Forward order.
struct CUstream_st {
  tarsier::simt::BlockOrder order = tarsier::simt::BlockOrder::Forward;
  std::uint64_t seed = 0;
  std::uint64_t launches = 0;  // advanced by each launch so Random orders differ between launches
  // The portable dynamic shared memory limit (more needs cudaFuncSetAttribute
  // on a real GPU).
  std::size_t max_dynamic_shared_bytes = 48 * 1024;
};
using cudaStream_t = CUstream_st*;

namespace tarsier::simt {

using Stream = CUstream_st;

namespace detail {

struct KernelCall {
  void (*invoke)(const void* state);
  const void* state;
};

// Runs every block of the grid to completion; throws tarsier::Error on a bad
// configuration, a deadlock, a warp-collective mismatch or a shared-memory
// guard overwritten by the kernel.
void launch(const char* kernel_name, dim3 grid, dim3 block, std::size_t dynamic_shared_bytes, cudaStream_t stream,
            KernelCall call);

}  // namespace detail

template <class... Params>
class Launcher {
 public:
  Launcher(const char* name, void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t smem, cudaStream_t stream)
      : name_(name), kernel_(kernel), grid_(grid), block_(block), smem_(smem), stream_(stream) {}

  // Arguments are converted to the kernel's parameter types once, like a CUDA
  // launch copies them; every emulated thread then gets its own copy of them.
  template <class... Args>
  void operator()(Args&&... args) const {
    static_assert(sizeof...(Args) == sizeof...(Params), "kernel launched with the wrong number of arguments");
    const State state{kernel_, std::tuple<std::decay_t<Params>...>(std::forward<Args>(args)...)};
    detail::launch(name_, grid_, block_, smem_, stream_, {&invoke, &state});
  }

 private:
  struct State {
    void (*kernel)(Params...);
    std::tuple<std::decay_t<Params>...> args;
  };
  static void invoke(const void* state) {
    const State& s = *static_cast<const State*>(state);
    std::apply(s.kernel, s.args);
  }

  const char* name_;
  void (*kernel_)(Params...);
  dim3 grid_, block_;
  std::size_t smem_;
  cudaStream_t stream_;
};

template <class... Params>
Launcher<Params...> launcher(const char* name, void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t smem,
                             cudaStream_t stream) {
  return Launcher<Params...>(name, kernel, grid, block, smem, stream);
}

}  // namespace tarsier::simt
