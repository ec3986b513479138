// Broadcast binary ops, activations and the per-channel affine. Grid-stride loops, one thread
// per output element, y's fastest axis across threads. The binary layout is first simplified
// on the host (unit axes dropped, axes that are contiguous in every operand merged), so the
// common cases (same-shape add, per-channel scale) run with rank 1 or 2 index math.
#include "kernels/cuda/ops/elementwise.hpp"

#include "kernels/cuda/common/epilogue.cuh"
#include "kernels/cuda/ops/op_util.cuh"

namespace tarsier::TARSIER_CUDA_NS {
namespace {

using kernels::kMaxRank;
using ops_detail::from_float;
using ops_detail::to_float;

constexpr int kThreads = 256;

// StridedLayout in 32 bits for the device, right-aligned (leading unit axes, stride 0) so the
// index loop can be unrolled: constant indices keep the arrays in registers, not on the stack.
struct Layout32 {
  int dims[kMaxRank];
  int a[kMaxRank], b[kMaxRank], y[kMaxRank];
};

template <class T>
__global__ void __launch_bounds__(kThreads)
    binary_kernel(kernels::BinaryOp op, Layout32 l, int total, const T* a, const T* b, T* y, kernels::Epilogue e) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
    int rest = i, ao = 0, bo = 0, yo = 0;
    TARSIER_UNROLL
    for (int d = kMaxRank - 1; d >= 0; --d) {
      if (rest == 0) break;  // the remaining (outer) indices are all 0
      const int idx = rest % l.dims[d];
      rest /= l.dims[d];
      ao += idx * l.a[d];
      bo += idx * l.b[d];
      yo += idx * l.y[d];
    }
    const float av = to_float(a[ao]), bv = to_float(b[bo]);
    y[yo] = from_float<T>(TARSIER_CUDA_NS::apply_activation(e, op == kernels::BinaryOp::Add ? av + bv : av * bv));
  }
}

template <class T>
__global__ void __launch_bounds__(kThreads)
    activation_kernel(kernels::Epilogue e, int pixels, int c, const T* x, int x_stride, T* y, int y_stride) {
  const int total = pixels * c;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
    const int p = i / c, ch = i % c;
    y[p * y_stride + ch] = from_float<T>(TARSIER_CUDA_NS::apply_activation(e, to_float(x[p * x_stride + ch])));
  }
}

template <class T>
__global__ void __launch_bounds__(kThreads)
    affine_kernel(int pixels, int c, const T* x, int x_stride, const float* __restrict__ mul,
                  const float* __restrict__ add, T* y, int y_stride, kernels::Epilogue e) {
  const int total = pixels * c;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
    const int p = i / c, ch = i % c;
    // Product rounded before the add, as ref::channel_affine computes it.
    const float v = ops_detail::add_rn(ops_detail::mul_rn(to_float(x[p * x_stride + ch]), mul[ch]), add[ch]);
    y[p * y_stride + ch] = from_float<T>(TARSIER_CUDA_NS::apply_activation(e, v));
  }
}

// Drops unit axes and merges axis d into d + 1 where every operand is contiguous across them.
StridedLayout simplified(const StridedLayout& in) {
  StridedLayout out;
  for (int d = 0; d < in.rank; ++d) {
    if (in.dims[d] == 1) continue;
    const int r = out.rank;
    if (r > 0) {
      const int q = r - 1;
      const std::int64_t n = in.dims[d];
      if (out.a_strides[q] == in.a_strides[d] * n && out.b_strides[q] == in.b_strides[d] * n &&
          out.y_strides[q] == in.y_strides[d] * n) {
        out.dims[q] *= n;
        out.a_strides[q] = in.a_strides[d];
        out.b_strides[q] = in.b_strides[d];
        out.y_strides[q] = in.y_strides[d];
        continue;
      }
    }
    out.dims[r] = in.dims[d];
    out.a_strides[r] = in.a_strides[d];
    out.b_strides[r] = in.b_strides[d];
    out.y_strides[r] = in.y_strides[d];
    out.rank = r + 1;
  }
  if (out.rank == 0) {  // a scalar: one element
    out.rank = 1;
    out.dims[0] = 1;
  }
  return out;
}

}  // namespace

StridedLayout dense_broadcast_layout(const std::int64_t* a_shape, int a_rank, const std::int64_t* b_shape, int b_rank,
                                     const std::int64_t* y_shape, int y_rank) {
  constexpr const char* op = "dense_broadcast_layout";
  ops_detail::check(
      y_rank >= 0 && y_rank <= kMaxRank && a_rank >= 0 && a_rank <= y_rank && b_rank >= 0 && b_rank <= y_rank, op,
      "ranks must be <= the output rank <= " + std::to_string(kMaxRank));
  StridedLayout l;
  l.rank = y_rank;
  std::int64_t sa = 1, sb = 1, sy = 1;
  for (int d = y_rank - 1; d >= 0; --d) {
    const int da = d - (y_rank - a_rank), db = d - (y_rank - b_rank);
    const std::int64_t n = y_shape[d];
    const std::int64_t na = da >= 0 ? a_shape[da] : 1, nb = db >= 0 ? b_shape[db] : 1;
    ops_detail::check(n >= 0 && (na == n || na == 1) && (nb == n || nb == 1), op,
                      "axis " + std::to_string(d) + ": sizes " + std::to_string(na) + " and " + std::to_string(nb) +
                          " do not broadcast to " + std::to_string(n));
    l.dims[d] = n;
    l.a_strides[d] = na == 1 ? 0 : sa;
    l.b_strides[d] = nb == 1 ? 0 : sb;
    l.y_strides[d] = sy;
    sa *= na;
    sb *= nb;
    sy *= n;
  }
  return l;
}

template <class T>
void binary_strided(kernels::BinaryOp op, const StridedLayout& layout, const T* a, const T* b, T* y,
                    const kernels::Epilogue& e, cudaStream_t stream) {
  constexpr const char* name = "binary_strided";
  ops_detail::check(layout.rank >= 0 && layout.rank <= kMaxRank, name, "rank out of range");
  std::int64_t total = 1, a_end = 0, b_end = 0, y_end = 0;
  for (int d = 0; d < layout.rank; ++d) {
    ops_detail::check(
        layout.dims[d] >= 0 && layout.a_strides[d] >= 0 && layout.b_strides[d] >= 0 && layout.y_strides[d] >= 0, name,
        "negative size or stride");
    total *= layout.dims[d];
    if (layout.dims[d] > 0) {
      a_end += (layout.dims[d] - 1) * layout.a_strides[d];
      b_end += (layout.dims[d] - 1) * layout.b_strides[d];
      y_end += (layout.dims[d] - 1) * layout.y_strides[d];
    }
  }
  if (total == 0) return;
  ops_detail::check_index(total, name, "element count");
  ops_detail::check_index(a_end, name, "a extent");
  ops_detail::check_index(b_end, name, "b extent");
  ops_detail::check_index(y_end, name, "y extent");
  const StridedLayout s = simplified(layout);
  Layout32 l{};
  const int lead = kMaxRank - s.rank;
  for (int d = 0; d < kMaxRank; ++d) {
    const bool real = d >= lead;
    l.dims[d] = real ? static_cast<int>(s.dims[d - lead]) : 1;
    l.a[d] = real ? static_cast<int>(s.a_strides[d - lead]) : 0;
    l.b[d] = real ? static_cast<int>(s.b_strides[d - lead]) : 0;
    l.y[d] = real ? static_cast<int>(s.y_strides[d - lead]) : 0;
  }
  auto* k = binary_kernel<T>;
  TARSIER_LAUNCH(k, ops_detail::grid_for(total, kThreads), kThreads, 0, stream)
  (op, l, static_cast<int>(total), a, b, y, e);
}

template <class T>
void activation(const kernels::Epilogue& e, std::int64_t pixels, std::int64_t c, const T* x,
                std::int64_t x_pixel_stride, T* y, std::int64_t y_pixel_stride, cudaStream_t stream) {
  constexpr const char* name = "activation";
  ops_detail::check(pixels >= 0 && c >= 0, name, "negative size");
  ops_detail::check(x_pixel_stride >= c && y_pixel_stride >= c, name, "pixel stride below c");
  ops_detail::check_index(pixels * x_pixel_stride, name, "input extent");
  ops_detail::check_index(pixels * y_pixel_stride, name, "output extent");
  if (pixels == 0 || c == 0) return;
  if (x_pixel_stride == c && y_pixel_stride == c) {  // dense: one flat row, no division per element
    c = pixels * c;
    pixels = 1;
    x_pixel_stride = y_pixel_stride = c;
  }
  auto* k = activation_kernel<T>;
  TARSIER_LAUNCH(k, ops_detail::grid_for(pixels * c, kThreads), kThreads, 0, stream)
  (e, static_cast<int>(pixels), static_cast<int>(c), x, static_cast<int>(x_pixel_stride), y,
   static_cast<int>(y_pixel_stride));
}

template <class T>
void channel_affine_nhwc(std::int64_t pixels, std::int64_t c, const T* x, std::int64_t x_pixel_stride, const float* mul,
                         const float* add, T* y, std::int64_t y_pixel_stride, const kernels::Epilogue& e,
                         cudaStream_t stream) {
  constexpr const char* name = "channel_affine_nhwc";
  ops_detail::check(pixels >= 0 && c >= 0, name, "negative size");
  ops_detail::check(x_pixel_stride >= c && y_pixel_stride >= c, name, "pixel stride below c");
  ops_detail::check_index(pixels * x_pixel_stride, name, "input extent");
  ops_detail::check_index(pixels * y_pixel_stride, name, "output extent");
  if (pixels == 0 || c == 0) return;
  auto* k = affine_kernel<T>;
  TARSIER_LAUNCH(k, ops_detail::grid_for(pixels * c, kThreads), kThreads, 0, stream)
  (static_cast<int>(pixels), static_cast<int>(c), x, static_cast<int>(x_pixel_stride), mul, add, y,
   static_cast<int>(y_pixel_stride), e);
}

#define TARSIER_ELEMENTWISE_INSTANTIATE(T)                                                                             \
  template void binary_strided<T>(kernels::BinaryOp, const StridedLayout&, const T*, const T*, T*,                     \
                                  const kernels::Epilogue&, cudaStream_t);                                             \
  template void activation<T>(const kernels::Epilogue&, std::int64_t, std::int64_t, const T*, std::int64_t, T*,        \
                              std::int64_t, cudaStream_t);                                                             \
  template void channel_affine_nhwc<T>(std::int64_t, std::int64_t, const T*, std::int64_t, const float*, const float*, \
                                       T*, std::int64_t, const kernels::Epilogue&, cudaStream_t);
TARSIER_ELEMENTWISE_INSTANTIATE(float)
TARSIER_ELEMENTWISE_INSTANTIATE(__half)
#undef TARSIER_ELEMENTWISE_INSTANTIATE

}  // namespace tarsier::TARSIER_CUDA_NS
