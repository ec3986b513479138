#pragma once
// nvcuda::wmma emulated at warp level. Every lane's fragment holds the whole
// tile (row-major in x[]), so num_elements is the tile size rather than the
// hardware's per-lane share; kernels must treat the element order as opaque
// anyway, as the CUDA documentation requires. Each *_sync call is a full-warp
// collective that checks every lane passed the same pointer, ldm and layout and
// that the pointer and ldm meet the hardware's alignment rules.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include "kernels/cuda/simt/builtins.hpp"
#include "kernels/cuda/simt/half.hpp"

namespace nvcuda::wmma {

struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};

enum layout_t { mem_row_major, mem_col_major };

namespace detail {
template <class Use, int M, int N, int K>
struct tile_shape;
template <int M, int N, int K>
struct tile_shape<matrix_a, M, N, K> {
  static constexpr int rows = M, cols = K;
};
template <int M, int N, int K>
struct tile_shape<matrix_b, M, N, K> {
  static constexpr int rows = K, cols = N;
};
template <int M, int N, int K>
struct tile_shape<accumulator, M, N, K> {
  static constexpr int rows = M, cols = N;
};

template <class T>
constexpr unsigned ldm_multiple() {
  return 16 / sizeof(T);  // ldm must span a multiple of 16 bytes
}

// Every lane must reach the call with the same arguments; on success returns
// normally.
template <class T>
void check_warp_uniform(const T* ptr, unsigned ldm, int layout, const char* what) {
  using namespace tarsier::simt::detail;
  if (reinterpret_cast<std::uintptr_t>(ptr) % 32 != 0) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s: pointer %p is not 256-bit aligned", what, static_cast<const void*>(ptr));
    kernel_error(msg);
  }
  if (ldm % ldm_multiple<T>() != 0) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s: ldm %u is not a multiple of %u elements", what, ldm, ldm_multiple<T>());
    kernel_error(msg);
  }
  const std::uint64_t key =
      reinterpret_cast<std::uintptr_t>(ptr) ^ (std::uint64_t{ldm} << 40) ^ (static_cast<std::uint64_t>(layout) << 63);
  warp_call(WarpOp::WmmaUniform, 0xffffffffu, key, 0, warpSize, what);
}

inline float to_float(float v) { return v; }
inline float to_float(__half v) { return static_cast<float>(v); }
}  // namespace detail

template <class Use, int M, int N, int K, class T, class Layout = void>
class fragment {
  static_assert((M == 16 && N == 16 && K == 16) || (M == 32 && N == 8 && K == 16) || (M == 8 && N == 32 && K == 16),
                "wmma shapes for half: 16x16x16, 32x8x16, 8x32x16");

 public:
  using element_type = T;
  static constexpr int rows = detail::tile_shape<Use, M, N, K>::rows;
  static constexpr int cols = detail::tile_shape<Use, M, N, K>::cols;
  static constexpr int num_elements = rows * cols;
  T x[num_elements];
};

template <class Use, int M, int N, int K, class T, class Layout>
void fill_fragment(fragment<Use, M, N, K, T, Layout>& f, const T& v) {
  for (auto& e : f.x) e = v;
}

template <class Use, int M, int N, int K, class T, class Layout>
void load_matrix_sync(fragment<Use, M, N, K, T, Layout>& f, const T* p, unsigned ldm) {
  static_assert(!std::is_same_v<Use, accumulator>, "accumulator loads take a layout_t");
  constexpr bool row = std::is_same_v<Layout, row_major>;
  detail::check_warp_uniform(p, ldm, row ? mem_row_major : mem_col_major, "wmma::load_matrix_sync");
  using F = fragment<Use, M, N, K, T, Layout>;
  for (int r = 0; r < F::rows; ++r)
    for (int c = 0; c < F::cols; ++c) f.x[r * F::cols + c] = row ? p[r * ldm + c] : p[c * ldm + r];
}

template <int M, int N, int K, class T>
void load_matrix_sync(fragment<accumulator, M, N, K, T>& f, const T* p, unsigned ldm, layout_t layout) {
  detail::check_warp_uniform(p, ldm, layout, "wmma::load_matrix_sync");
  for (int r = 0; r < M; ++r)
    for (int c = 0; c < N; ++c) f.x[r * N + c] = layout == mem_row_major ? p[r * ldm + c] : p[c * ldm + r];
}

template <int M, int N, int K, class T>
void store_matrix_sync(T* p, const fragment<accumulator, M, N, K, T>& f, unsigned ldm, layout_t layout) {
  detail::check_warp_uniform(p, ldm, layout, "wmma::store_matrix_sync");
  // Every lane writes the same values, which is harmless: lanes run one after
  // another.
  for (int r = 0; r < M; ++r)
    for (int c = 0; c < N; ++c) (layout == mem_row_major ? p[r * ldm + c] : p[c * ldm + r]) = f.x[r * N + c];
}

namespace detail {

// One warp's mma_sync result, computed by the first lane of the warp that runs after the warp
// barrier and copied out by the others: the product is computed once per warp instead of once
// per lane (every lane holds the same fragments, so any lane's inputs are the warp's).
// `pending` holds the lanes that have not yet copied this round's result; a round starts only
// after every lane has passed the barrier, i.e. has finished the previous round.
struct MmaSlot {
  unsigned pending = 0;
  alignas(16) unsigned char result[32 * 16 * sizeof(float)];  // the largest tile, 16x16 floats
};

// Why thread_local: the slot must be shared by the lanes (fibers) of one warp, which all run on
// the launching OS thread, one block at a time; nothing else can hold it without changing the
// runtime. One slot per warp of the largest (1024-thread) block.
inline MmaSlot& mma_slot(unsigned warp) {
  static thread_local MmaSlot slots[32];
  return slots[warp];
}

inline unsigned linear_thread_index() { return threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z); }

}  // namespace detail

// d = a * b + c with products exact and sums in fp32, as the tensor cores
// accumulate.
template <int M, int N, int K, class TA, class LA, class LB, class TC>
void mma_sync(fragment<accumulator, M, N, K, TC>& d, const fragment<matrix_a, M, N, K, TA, LA>& a,
              const fragment<matrix_b, M, N, K, TA, LB>& b, const fragment<accumulator, M, N, K, TC>& c,
              bool satf = false) {
  using namespace tarsier::simt::detail;
  static_assert(sizeof(d.x) <= sizeof(detail::MmaSlot::result), "tile larger than the slot");
  const unsigned tid = detail::linear_thread_index();
  const unsigned lane_bit = 1u << (tid % 32);
  detail::MmaSlot& slot = detail::mma_slot(tid / 32);
  try {
    warp_call(WarpOp::WmmaUniform, 0xffffffffu, 0, 0, warpSize, "wmma::mma_sync");
  } catch (...) {
    // The launch is abandoned while this lane waits; it will not copy this round's result, so
    // the next launch on this OS thread must not see it pending.
    slot.pending &= ~lane_bit;
    throw;
  }
  if ((slot.pending & lane_bit) == 0) {  // the first lane of this round: compute
    float fa[M * K], fb[K * N];
    for (int i = 0; i < M * K; ++i) fa[i] = detail::to_float(a.x[i]);
    for (int i = 0; i < K * N; ++i) fb[i] = detail::to_float(b.x[i]);
    TC out[M * N];
    for (int i = 0; i < M; ++i) {
      float acc[N];
      for (int j = 0; j < N; ++j) acc[j] = detail::to_float(c.x[i * N + j]);
      for (int k = 0; k < K; ++k) {
        const float av = fa[i * K + k];
        for (int j = 0; j < N; ++j) acc[j] += av * fb[k * N + j];
      }
      for (int j = 0; j < N; ++j) {
        float v = acc[j];
        if (satf) {  // NaN -> 0, overflow -> the accumulator type's largest finite value
          constexpr float max_norm = std::is_same_v<TC, float> ? FLT_MAX : 65504.0f;
          v = std::isnan(v) ? 0.0f : std::fmin(std::fmax(v, -max_norm), max_norm);
        }
        out[i * N + j] = TC(v);
      }
    }
    std::memcpy(slot.result, out, sizeof out);
    slot.pending = 0xffffffffu & ~lane_bit;
  } else {
    slot.pending &= ~lane_bit;
  }
  std::memcpy(d.x, slot.result, sizeof(d.x));
}

}  // namespace nvcuda::wmma
