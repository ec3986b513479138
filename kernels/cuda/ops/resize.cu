// Nearest / bilinear Resize on NHWC. A block owns kTileW output pixels of one output row: its
// first threads work out the source taps of those pixels once (double math, as
// ref::resize2d) into shared memory, then all threads stream the tile's pixels x channels,
// channel fastest (coalesced reads and writes).
#include "kernels/cuda/ops/resize.hpp"

#include "kernels/cuda/ops/op_util.cuh"

namespace tarsier::TARSIER_CUDA_NS {
namespace {

using kernels::CoordinateTransform;
using kernels::NearestRounding;
using ops_detail::add_rn;
using ops_detail::from_float;
using ops_detail::mul_rn;
using ops_detail::to_float;

constexpr int kThreads = 256;
constexpr int kTileW = 32;

struct ResizeGeometry {
  int c, h_in, w_in, h_out, w_out, x_stride, y_stride;
  double scale_h, scale_w;
  CoordinateTransform transform;
  NearestRounding rounding;
  bool nearest;
};

__device__ double original_coordinate(CoordinateTransform t, int out_index, double scale, int in_len, int out_len) {
  const double xr = static_cast<double>(out_index);
  switch (t) {
    case CoordinateTransform::HalfPixel:
      return (xr + 0.5) / scale - 0.5;
    case CoordinateTransform::PytorchHalfPixel:
      return out_len > 1 ? (xr + 0.5) / scale - 0.5 : 0.0;
    case CoordinateTransform::AlignCorners:
      return out_len > 1 ? xr * static_cast<double>(in_len - 1) / static_cast<double>(out_len - 1) : 0.0;
    case CoordinateTransform::Asymmetric:
      return xr / scale;
  }
  return 0.0;
}

__device__ int nearest_index(NearestRounding r, double c, int in_len) {
  double v = 0.0;
  switch (r) {
    case NearestRounding::RoundPreferFloor:
      v = c - floor(c) == 0.5 ? floor(c) : round(c);
      break;
    case NearestRounding::RoundPreferCeil:
      v = c - floor(c) == 0.5 ? ceil(c) : round(c);
      break;
    case NearestRounding::Floor:
      v = floor(c);
      break;
    case NearestRounding::Ceil:
      v = ceil(c);
      break;
  }
  // Clamped in double first: converting an out-of-range double to int is undefined.
  v = fmin(fmax(v, 0.0), static_cast<double>(in_len - 1));
  return static_cast<int>(v);
}

// The taps of one output coordinate: source indices i0, i1 and the weight t of i1 (nearest:
// i0 == i1, t = 0).
struct Tap {
  int i0, i1;
  float t;
};

__device__ Tap tap_of(const ResizeGeometry& g, int out_index, double scale, int in_len, int out_len) {
  const double c = original_coordinate(g.transform, out_index, scale, in_len, out_len);
  if (g.nearest) {
    const int i = nearest_index(g.rounding, c, in_len);
    return Tap{i, i, 0.0f};
  }
  const double cc = fmin(fmax(c, 0.0), static_cast<double>(in_len - 1));
  const int i0 = static_cast<int>(floor(cc));
  return Tap{i0, min(i0 + 1, in_len - 1), static_cast<float>(cc - static_cast<double>(i0))};
}

// a + t * (b - a) rounded as the reference rounds it (no FMA).
__device__ __forceinline__ float lerp(float a, float b, float t) { return add_rn(a, mul_rn(t, b - a)); }

template <class T>
__global__ void __launch_bounds__(kThreads)
    resize_kernel(ResizeGeometry g, const T* __restrict__ x, T* __restrict__ y) {
  __shared__ Tap w_taps[kTileW];
  const int ow0 = blockIdx.x * kTileW, oh = blockIdx.y, b = blockIdx.z;
  const int tile = min(kTileW, g.w_out - ow0);
  if (static_cast<int>(threadIdx.x) < tile) {
    w_taps[threadIdx.x] = tap_of(g, ow0 + threadIdx.x, g.scale_w, g.w_in, g.w_out);
  }
  const Tap th = tap_of(g, oh, g.scale_h, g.h_in, g.h_out);
  __syncthreads();
  const T* r0 = x + (static_cast<long long>(b) * g.h_in + th.i0) * g.w_in * g.x_stride;
  const T* r1 = x + (static_cast<long long>(b) * g.h_in + th.i1) * g.w_in * g.x_stride;
  T* yr = y + ((static_cast<long long>(b) * g.h_out + oh) * g.w_out + ow0) * g.y_stride;
  const int count = tile * g.c;
  for (int e = threadIdx.x; e < count; e += blockDim.x) {
    const int ch = e % g.c, px = e / g.c;
    const Tap tw = w_taps[px];
    float v;
    if (g.nearest) {
      v = to_float(r0[tw.i0 * g.x_stride + ch]);
    } else {
      const float top = lerp(to_float(r0[tw.i0 * g.x_stride + ch]), to_float(r0[tw.i1 * g.x_stride + ch]), tw.t);
      const float bottom = lerp(to_float(r1[tw.i0 * g.x_stride + ch]), to_float(r1[tw.i1 * g.x_stride + ch]), tw.t);
      v = lerp(top, bottom, th.t);
    }
    yr[px * g.y_stride + ch] = from_float<T>(v);
  }
}

}  // namespace

template <class T>
void resize2d_nhwc(const kernels::ResizeParams& p, const T* x, std::int64_t x_pixel_stride, T* y,
                   std::int64_t y_pixel_stride, cudaStream_t stream) {
  constexpr const char* op = "resize2d_nhwc";
  ops_detail::check(p.n >= 0 && p.c >= 0 && p.h_out >= 0 && p.w_out >= 0, op, "negative size");
  ops_detail::check(p.h_in >= 1 && p.w_in >= 1, op, "empty input plane");
  ops_detail::check(x_pixel_stride >= p.c && y_pixel_stride >= p.c, op, "pixel stride below c");
  ops_detail::check(p.scale_h > 0.0f && p.scale_w > 0.0f, op, "scales must be positive");
  ops_detail::check_index(p.n * p.h_in * p.w_in * x_pixel_stride, op, "input extent");
  ops_detail::check_index(p.n * p.h_out * p.w_out * y_pixel_stride, op, "output extent");
  ops_detail::check(p.h_out <= 65535 && p.n <= 65535, op, "h_out and n must be <= 65535 (grid limits)");
  if (p.n == 0 || p.c == 0 || p.h_out == 0 || p.w_out == 0) return;
  const ResizeGeometry g{static_cast<int>(p.c),
                         static_cast<int>(p.h_in),
                         static_cast<int>(p.w_in),
                         static_cast<int>(p.h_out),
                         static_cast<int>(p.w_out),
                         static_cast<int>(x_pixel_stride),
                         static_cast<int>(y_pixel_stride),
                         static_cast<double>(p.scale_h),
                         static_cast<double>(p.scale_w),
                         p.transform,
                         p.rounding,
                         p.mode == kernels::ResizeMode::Nearest};
  const dim3 grid(static_cast<unsigned>((p.w_out + kTileW - 1) / kTileW), static_cast<unsigned>(p.h_out),
                  static_cast<unsigned>(p.n));
  auto* k = resize_kernel<T>;
  TARSIER_LAUNCH(k, grid, kThreads, 0, stream)(g, x, y);
}

template void resize2d_nhwc<float>(const kernels::ResizeParams&, const float*, std::int64_t, float*, std::int64_t,
                                   cudaStream_t);
template void resize2d_nhwc<__half>(const kernels::ResizeParams&, const __half*, std::int64_t, __half*, std::int64_t,
                                    cudaStream_t);

}  // namespace tarsier::TARSIER_CUDA_NS
