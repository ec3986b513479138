// NCHW <-> NHWC through 32x32 shared-memory tiles (the read and the write are both coalesced;
// the +1 column keeps the transposed reads free of bank conflicts), fused with the storage
// conversion; plain conversion; general Transpose with unrolled index math.
#include "kernels/cuda/ops/layout.hpp"

#include "kernels/common/elementwise_params.hpp"
#include "kernels/cuda/ops/op_util.cuh"

namespace tarsier::TARSIER_CUDA_NS {
namespace {

using kernels::kMaxRank;
using ops_detail::from_float;
using ops_detail::to_float;

constexpr int kTile = 32;
constexpr int kRowsPerPass = 8;
constexpr int kThreads = 256;

// Image blockIdx.z: x [c][hw] -> y [hw][c] (pixel stride y_stride). blockIdx.x tiles hw,
// blockIdx.y tiles c.
template <class Tin, class Tout>
__global__ void __launch_bounds__(kTile* kRowsPerPass)
    nchw_to_nhwc_kernel(int c, int hw, const Tin* __restrict__ x, Tout* __restrict__ y, int y_stride) {
  __shared__ float tile[kTile][kTile + 1];
  const int p0 = blockIdx.x * kTile, c0 = blockIdx.y * kTile, b = blockIdx.z;
  const Tin* xb = x + static_cast<long long>(b) * c * hw;
  Tout* yb = y + static_cast<long long>(b) * hw * y_stride;
  for (int dy = threadIdx.y; dy < kTile; dy += kRowsPerPass) {
    const int ch = c0 + dy, p = p0 + threadIdx.x;
    if (ch < c && p < hw) tile[dy][threadIdx.x] = to_float(xb[static_cast<long long>(ch) * hw + p]);
  }
  __syncthreads();
  for (int dy = threadIdx.y; dy < kTile; dy += kRowsPerPass) {
    const int p = p0 + dy, ch = c0 + threadIdx.x;
    if (ch < c && p < hw) yb[static_cast<long long>(p) * y_stride + ch] = from_float<Tout>(tile[threadIdx.x][dy]);
  }
}

// Image blockIdx.z: x [hw][c] (pixel stride x_stride) -> y [c][hw].
template <class Tin, class Tout>
__global__ void __launch_bounds__(kTile* kRowsPerPass)
    nhwc_to_nchw_kernel(int c, int hw, const Tin* __restrict__ x, int x_stride, Tout* __restrict__ y) {
  __shared__ float tile[kTile][kTile + 1];
  const int p0 = blockIdx.x * kTile, c0 = blockIdx.y * kTile, b = blockIdx.z;
  const Tin* xb = x + static_cast<long long>(b) * hw * x_stride;
  Tout* yb = y + static_cast<long long>(b) * c * hw;
  for (int dy = threadIdx.y; dy < kTile; dy += kRowsPerPass) {
    const int p = p0 + dy, ch = c0 + threadIdx.x;
    if (ch < c && p < hw) tile[dy][threadIdx.x] = to_float(xb[static_cast<long long>(p) * x_stride + ch]);
  }
  __syncthreads();
  for (int dy = threadIdx.y; dy < kTile; dy += kRowsPerPass) {
    const int ch = c0 + dy, p = p0 + threadIdx.x;
    if (ch < c && p < hw) yb[static_cast<long long>(ch) * hw + p] = from_float<Tout>(tile[threadIdx.x][dy]);
  }
}

template <class Tin, class Tout>
__global__ void __launch_bounds__(kThreads) convert_kernel(int count, const Tin* __restrict__ x, Tout* __restrict__ y) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += gridDim.x * blockDim.x) {
    y[i] = from_float<Tout>(to_float(x[i]));
  }
}

// Right-aligned: y_dims of the output axes, x_strides[d] the x stride of the axis y axis d
// runs along; leading axes 1 / 0.
struct TransposeGeometry {
  int y_dims[kMaxRank], x_strides[kMaxRank];
};

template <class T>
__global__ void __launch_bounds__(kThreads)
    transpose_kernel(TransposeGeometry g, int total, const T* __restrict__ x, T* __restrict__ y) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
    int rest = i, x_off = 0;
    TARSIER_UNROLL
    for (int d = kMaxRank - 1; d >= 0; --d) {
      if (rest == 0) break;
      x_off += rest % g.y_dims[d] * g.x_strides[d];
      rest /= g.y_dims[d];
    }
    y[i] = x[x_off];
  }
}

dim3 tile_grid(std::int64_t n, std::int64_t c, std::int64_t hw, const char* op) {
  ops_detail::check(n <= 65535 && (c + kTile - 1) / kTile <= 65535, op, "n or c too large for the grid");
  return dim3(static_cast<unsigned>((hw + kTile - 1) / kTile), static_cast<unsigned>((c + kTile - 1) / kTile),
              static_cast<unsigned>(n));
}

}  // namespace

template <class Tin, class Tout>
void nchw_to_nhwc(std::int64_t n, std::int64_t c, std::int64_t hw, const Tin* x, Tout* y, std::int64_t y_pixel_stride,
                  cudaStream_t stream) {
  constexpr const char* op = "nchw_to_nhwc";
  ops_detail::check(n >= 0 && c >= 0 && hw >= 0, op, "negative size");
  ops_detail::check(y_pixel_stride >= c, op, "pixel stride below c");
  ops_detail::check_index(n * c * hw, op, "input extent");
  ops_detail::check_index(n * hw * y_pixel_stride, op, "output extent");
  if (n == 0 || c == 0 || hw == 0) return;
  auto* k = nchw_to_nhwc_kernel<Tin, Tout>;
  TARSIER_LAUNCH(k, tile_grid(n, c, hw, op), dim3(kTile, kRowsPerPass), 0, stream)
  (static_cast<int>(c), static_cast<int>(hw), x, y, static_cast<int>(y_pixel_stride));
}

template <class Tin, class Tout>
void nhwc_to_nchw(std::int64_t n, std::int64_t c, std::int64_t hw, const Tin* x, std::int64_t x_pixel_stride, Tout* y,
                  cudaStream_t stream) {
  constexpr const char* op = "nhwc_to_nchw";
  ops_detail::check(n >= 0 && c >= 0 && hw >= 0, op, "negative size");
  ops_detail::check(x_pixel_stride >= c, op, "pixel stride below c");
  ops_detail::check_index(n * hw * x_pixel_stride, op, "input extent");
  ops_detail::check_index(n * c * hw, op, "output extent");
  if (n == 0 || c == 0 || hw == 0) return;
  auto* k = nhwc_to_nchw_kernel<Tin, Tout>;
  TARSIER_LAUNCH(k, tile_grid(n, c, hw, op), dim3(kTile, kRowsPerPass), 0, stream)
  (static_cast<int>(c), static_cast<int>(hw), x, static_cast<int>(x_pixel_stride), y);
}

template <class Tin, class Tout>
void convert(std::int64_t count, const Tin* x, Tout* y, cudaStream_t stream) {
  ops_detail::check(count >= 0, "convert", "negative count");
  ops_detail::check_index(count, "convert", "count");
  if (count == 0) return;
  auto* k = convert_kernel<Tin, Tout>;
  TARSIER_LAUNCH(k, ops_detail::grid_for(count, kThreads), kThreads, 0, stream)(static_cast<int>(count), x, y);
}

template <class T>
void transpose(int rank, const std::int64_t* x_shape, const std::int64_t* perm, const T* x, T* y, cudaStream_t stream) {
  constexpr const char* op = "transpose";
  ops_detail::check(rank >= 0 && rank <= kMaxRank, op, "rank " + std::to_string(rank) + " out of range");
  std::int64_t x_strides[kMaxRank] = {};
  std::int64_t total = 1;
  for (int d = rank - 1; d >= 0; --d) {
    ops_detail::check(x_shape[d] >= 0, op, "negative size on axis " + std::to_string(d));
    x_strides[d] = total;
    total *= x_shape[d];
  }
  ops_detail::check_index(total, op, "element count");
  bool seen[kMaxRank] = {};
  TransposeGeometry g{};
  const int lead = kMaxRank - rank;
  for (int d = 0; d < kMaxRank; ++d) g.y_dims[d] = 1;
  for (int d = 0; d < rank; ++d) {
    ops_detail::check(perm[d] >= 0 && perm[d] < rank && !seen[perm[d]], op, "perm is not a permutation");
    seen[perm[d]] = true;
    g.y_dims[lead + d] = static_cast<int>(x_shape[perm[d]]);
    g.x_strides[lead + d] = static_cast<int>(x_strides[perm[d]]);
  }
  if (total == 0) return;
  auto* k = transpose_kernel<T>;
  TARSIER_LAUNCH(k, ops_detail::grid_for(total, kThreads), kThreads, 0, stream)(g, static_cast<int>(total), x, y);
}

#define TARSIER_LAYOUT_INSTANTIATE_PAIR(Tin, Tout)                                                                 \
  template void nchw_to_nhwc<Tin, Tout>(std::int64_t, std::int64_t, std::int64_t, const Tin*, Tout*, std::int64_t, \
                                        cudaStream_t);                                                             \
  template void nhwc_to_nchw<Tin, Tout>(std::int64_t, std::int64_t, std::int64_t, const Tin*, std::int64_t, Tout*, \
                                        cudaStream_t);                                                             \
  template void convert<Tin, Tout>(std::int64_t, const Tin*, Tout*, cudaStream_t);
TARSIER_LAYOUT_INSTANTIATE_PAIR(float, float)
TARSIER_LAYOUT_INSTANTIATE_PAIR(float, __half)
TARSIER_LAYOUT_INSTANTIATE_PAIR(__half, float)
TARSIER_LAYOUT_INSTANTIATE_PAIR(__half, __half)
#undef TARSIER_LAYOUT_INSTANTIATE_PAIR
template void transpose<float>(int, const std::int64_t*, const std::int64_t*, const float*, float*, cudaStream_t);
template void transpose<__half>(int, const std::int64_t*, const std::int64_t*, const __half*, __half*, cudaStream_t);

}  // namespace tarsier::TARSIER_CUDA_NS
