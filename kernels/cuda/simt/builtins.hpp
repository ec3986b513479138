#pragma once
// Emulator versions of the CUDA built-in variables, barriers, warp shuffles and
// votes. Every collective calls into the runtime (runtime.cpp), which suspends
// the calling fiber until the threads it waits for arrive; the asm memory
// barriers stop the compiler from keeping __shared__ values in registers across
// a suspension.
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/cuda/simt/vector_types.hpp"

// Why thread_local: CUDA kernels read these as variables, so they must be
// variables here too. All fibers of a block run on one OS thread and the
// scheduler stores the running fiber's indices into them before every switch,
// so reading them is a plain load. They are thread_local rather than plain
// globals so that a launch on another OS thread (serialised by the runtime, see
// README) never sees this one's values.
inline thread_local uint3 threadIdx{};
inline thread_local uint3 blockIdx{};
inline thread_local dim3 blockDim{};
inline thread_local dim3 gridDim{};
constexpr int warpSize = 32;

namespace tarsier::simt::detail {

enum class BarrierOp : int { Sync, Count, And, Or };

enum class WarpOp : int { Sync, ShflIdx, ShflUp, ShflDown, ShflXor, All, Any, Ballot, WmmaUniform };

// __syncthreads and its _count/_and/_or variants; returns the reduced
// predicate.
int block_barrier(BarrierOp op, int predicate);

// A warp collective over the lanes in mask: every lane in it must make the same
// call (same op, mask and width). Returns this lane's result: the shuffled
// value, the vote, or 0.
std::uint64_t warp_collective(WarpOp op, unsigned mask, std::uint64_t value, int lane_arg, int width, const char* what);

unsigned active_mask();
void* dynamic_shared_memory();

// Throws a tarsier::Error naming the kernel, block and thread that called it.
[[noreturn]] void kernel_error(const char* message);

template <class T>
std::uint64_t to_bits(const T& v) {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8, "warp shuffles move at most 8 bytes");
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  return bits;
}

template <class T>
T from_bits(std::uint64_t bits) {
  T v{};
  std::memcpy(&v, &bits, sizeof(T));
  return v;
}

inline void compiler_barrier() { asm volatile("" ::: "memory"); }

inline std::uint64_t warp_call(WarpOp op, unsigned mask, std::uint64_t value, int lane_arg, int width,
                               const char* what) {
  compiler_barrier();
  const std::uint64_t r = warp_collective(op, mask, value, lane_arg, width, what);
  compiler_barrier();
  return r;
}

inline int barrier_call(BarrierOp op, int predicate) {
  compiler_barrier();
  const int r = block_barrier(op, predicate);
  compiler_barrier();
  return r;
}

}  // namespace tarsier::simt::detail

inline void __syncthreads() { tarsier::simt::detail::barrier_call(tarsier::simt::detail::BarrierOp::Sync, 0); }
inline int __syncthreads_count(int predicate) {
  return tarsier::simt::detail::barrier_call(tarsier::simt::detail::BarrierOp::Count, predicate);
}
inline int __syncthreads_and(int predicate) {
  return tarsier::simt::detail::barrier_call(tarsier::simt::detail::BarrierOp::And, predicate);
}
inline int __syncthreads_or(int predicate) {
  return tarsier::simt::detail::barrier_call(tarsier::simt::detail::BarrierOp::Or, predicate);
}

inline void __syncwarp(unsigned mask = 0xffffffffu) {
  tarsier::simt::detail::warp_call(tarsier::simt::detail::WarpOp::Sync, mask, 0, 0, warpSize, "__syncwarp");
}

template <class T>
T __shfl_sync(unsigned mask, T var, int src_lane, int width = warpSize) {
  using namespace tarsier::simt::detail;
  return from_bits<T>(warp_call(WarpOp::ShflIdx, mask, to_bits(var), src_lane, width, "__shfl_sync"));
}
template <class T>
T __shfl_up_sync(unsigned mask, T var, unsigned delta, int width = warpSize) {
  using namespace tarsier::simt::detail;
  return from_bits<T>(warp_call(WarpOp::ShflUp, mask, to_bits(var), static_cast<int>(delta), width, "__shfl_up_sync"));
}
template <class T>
T __shfl_down_sync(unsigned mask, T var, unsigned delta, int width = warpSize) {
  using namespace tarsier::simt::detail;
  return from_bits<T>(
      warp_call(WarpOp::ShflDown, mask, to_bits(var), static_cast<int>(delta), width, "__shfl_down_sync"));
}
template <class T>
T __shfl_xor_sync(unsigned mask, T var, int lane_mask, int width = warpSize) {
  using namespace tarsier::simt::detail;
  return from_bits<T>(warp_call(WarpOp::ShflXor, mask, to_bits(var), lane_mask, width, "__shfl_xor_sync"));
}

inline int __all_sync(unsigned mask, int predicate) {
  using namespace tarsier::simt::detail;
  return static_cast<int>(warp_call(WarpOp::All, mask, predicate != 0, 0, warpSize, "__all_sync"));
}
inline int __any_sync(unsigned mask, int predicate) {
  using namespace tarsier::simt::detail;
  return static_cast<int>(warp_call(WarpOp::Any, mask, predicate != 0, 0, warpSize, "__any_sync"));
}
inline unsigned __ballot_sync(unsigned mask, int predicate) {
  using namespace tarsier::simt::detail;
  return static_cast<unsigned>(warp_call(WarpOp::Ballot, mask, predicate != 0, 0, warpSize, "__ballot_sync"));
}
inline unsigned __activemask() { return tarsier::simt::detail::active_mask(); }

// One block runs at a time on one OS thread, so fences have nothing to order.
inline void __threadfence() { tarsier::simt::detail::compiler_barrier(); }
inline void __threadfence_block() { tarsier::simt::detail::compiler_barrier(); }
