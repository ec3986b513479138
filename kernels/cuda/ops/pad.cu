// Constant Pad: one thread per output element; its coordinates (unrolled over the
// right-aligned kMaxRank axes) decide between a read of x and the pad value.
#include "kernels/cuda/ops/pad.hpp"

#include "kernels/common/elementwise_params.hpp"
#include "kernels/cuda/ops/op_util.cuh"

namespace tarsier::TARSIER_CUDA_NS {
namespace {

using kernels::kMaxRank;
using ops_detail::from_float;

constexpr int kThreads = 256;

// Right-aligned: leading axes have y_dims 1, x_dims 1, begin 0.
struct PadGeometry {
  int y_dims[kMaxRank], x_dims[kMaxRank], x_strides[kMaxRank], begin[kMaxRank];
};

template <class T>
__global__ void __launch_bounds__(kThreads)
    pad_kernel(PadGeometry g, int total, const T* __restrict__ x, float value, T* __restrict__ y) {
  const T fill = from_float<T>(value);
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
    int rest = i, x_off = 0;
    bool inside = true;
    TARSIER_UNROLL
    for (int d = kMaxRank - 1; d >= 0; --d) {
      const int xi = rest % g.y_dims[d] - g.begin[d];
      rest /= g.y_dims[d];
      inside = inside && xi >= 0 && xi < g.x_dims[d];
      x_off += xi * g.x_strides[d];
    }
    y[i] = inside ? x[x_off] : fill;
  }
}

}  // namespace

template <class T>
void pad_constant(int rank, const std::int64_t* x_shape, const T* x, const std::int64_t* pads, float value, T* y,
                  cudaStream_t stream) {
  constexpr const char* op = "pad_constant";
  ops_detail::check(rank >= 0 && rank <= kMaxRank, op, "rank " + std::to_string(rank) + " out of range");
  PadGeometry g{};
  std::int64_t y_total = 1, x_total = 1;
  const int lead = kMaxRank - rank;
  for (int d = 0; d < kMaxRank; ++d) {
    g.y_dims[d] = g.x_dims[d] = 1;
  }
  for (int d = rank - 1; d >= 0; --d) {
    ops_detail::check(x_shape[d] >= 0 && pads[d] >= 0 && pads[rank + d] >= 0, op,
                      "negative size or pad on axis " + std::to_string(d));
    const std::int64_t yd = x_shape[d] + pads[d] + pads[rank + d];
    ops_detail::check_index(yd, op, "padded axis");
    g.x_strides[lead + d] = static_cast<int>(x_total);
    g.x_dims[lead + d] = static_cast<int>(x_shape[d]);
    g.y_dims[lead + d] = static_cast<int>(yd);
    g.begin[lead + d] = static_cast<int>(pads[d]);
    x_total *= x_shape[d];
    y_total *= yd;
    ops_detail::check_index(y_total, op, "output element count");
  }
  if (y_total == 0) return;
  auto* k = pad_kernel<T>;
  TARSIER_LAUNCH(k, ops_detail::grid_for(y_total, kThreads), kThreads, 0, stream)
  (g, static_cast<int>(y_total), x, value, y);
}

template void pad_constant<float>(int, const std::int64_t*, const float*, const std::int64_t*, float, float*,
                                  cudaStream_t);
template void pad_constant<__half>(int, const std::int64_t*, const __half*, const std::int64_t*, float, __half*,
                                   cudaStream_t);

}  // namespace tarsier::TARSIER_CUDA_NS
