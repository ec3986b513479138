// Max / average pooling and global average pooling on NHWC. One thread per output element,
// channel fastest, so a warp reads consecutive channels of one input pixel (coalesced); the
// window loops follow ref::pool2d's order, so float results are bit-identical to it.
#include "kernels/cuda/ops/pool.hpp"

#include "kernels/cuda/ops/op_util.cuh"

namespace tarsier::TARSIER_CUDA_NS {
namespace {

using ops_detail::from_float;
using ops_detail::to_float;

// Pool2dParams narrowed to 32 bits (checked on the host) so the kernel does no 64-bit math.
struct PoolGeometry {
  int n, c, h_in, w_in, h_out, w_out;
  int kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right;
  int dilation_h, dilation_w;
  int x_stride, y_stride;
  bool count_include_pad;
};

constexpr int kThreads = 256;

template <class T>
__global__ void __launch_bounds__(kThreads)
    max_pool_kernel(PoolGeometry g, const T* __restrict__ x, T* __restrict__ y) {
  const int total = g.n * g.h_out * g.w_out * g.c;
  for (int e = blockIdx.x * blockDim.x + threadIdx.x; e < total; e += gridDim.x * blockDim.x) {
    const int ch = e % g.c;
    int pix = e / g.c;
    const int ow = pix % g.w_out;
    pix /= g.w_out;
    const int oh = pix % g.h_out;
    const int b = pix / g.h_out;
    const int h0 = oh * g.stride_h - g.pad_top, w0 = ow * g.stride_w - g.pad_left;
    const T* xb = x + static_cast<long long>(b) * g.h_in * g.w_in * g.x_stride + ch;
    float m = -INFINITY;
    for (int kh = 0; kh < g.kernel_h; ++kh) {
      const int ih = h0 + kh * g.dilation_h;
      if (ih < 0 || ih >= g.h_in) continue;
      for (int kw = 0; kw < g.kernel_w; ++kw) {
        const int iw = w0 + kw * g.dilation_w;
        if (iw < 0 || iw >= g.w_in) continue;
        m = fmaxf(m, to_float(xb[(ih * g.w_in + iw) * g.x_stride]));
      }
    }
    y[(static_cast<long long>(b * g.h_out + oh) * g.w_out + ow) * g.y_stride + ch] = from_float<T>(m);
  }
}

template <class T>
__global__ void __launch_bounds__(kThreads)
    avg_pool_kernel(PoolGeometry g, const T* __restrict__ x, T* __restrict__ y) {
  const int total = g.n * g.h_out * g.w_out * g.c;
  for (int e = blockIdx.x * blockDim.x + threadIdx.x; e < total; e += gridDim.x * blockDim.x) {
    const int ch = e % g.c;
    int pix = e / g.c;
    const int ow = pix % g.w_out;
    pix /= g.w_out;
    const int oh = pix % g.h_out;
    const int b = pix / g.h_out;
    // The window clipped to the padded input, then to the real input (ref::avg_pool2d).
    const int hs = oh * g.stride_h - g.pad_top, ws = ow * g.stride_w - g.pad_left;
    const int he = min(hs + g.kernel_h, g.h_in + g.pad_bottom), we = min(ws + g.kernel_w, g.w_in + g.pad_right);
    const int hs_in = max(hs, 0), ws_in = max(ws, 0), he_in = min(he, g.h_in), we_in = min(we, g.w_in);
    const T* xb = x + static_cast<long long>(b) * g.h_in * g.w_in * g.x_stride + ch;
    float sum = 0.0f;
    for (int ih = hs_in; ih < he_in; ++ih) {
      for (int iw = ws_in; iw < we_in; ++iw) sum += to_float(xb[(ih * g.w_in + iw) * g.x_stride]);
    }
    const int count =
        g.count_include_pad ? max(he - hs, 0) * max(we - ws, 0) : max(he_in - hs_in, 0) * max(we_in - ws_in, 0);
    y[(static_cast<long long>(b * g.h_out + oh) * g.w_out + ow) * g.y_stride + ch] =
        from_float<T>(count > 0 ? sum / static_cast<float>(count) : 0.0f);
  }
}

// Block (cpb channels) x (kThreads / cpb pixel lanes): each lane sums every lanes-th pixel of
// its channel, then a shared-memory tree adds the lanes' partials.
template <class T>
__global__ void __launch_bounds__(kThreads) global_avg_pool_kernel(int hw, int c, int cpb, const T* __restrict__ x,
                                                                   int x_stride, T* __restrict__ y, int y_stride) {
  __shared__ float partial[kThreads];
  const int tid = threadIdx.x;
  const int lanes = kThreads / cpb;
  const int cl = tid % cpb, pl = tid / cpb;
  const int ch = blockIdx.x * cpb + cl;
  const int b = blockIdx.y;
  float sum = 0.0f;
  if (ch < c) {
    const T* xb = x + static_cast<long long>(b) * hw * x_stride + ch;
    for (int p = pl; p < hw; p += lanes) sum += to_float(xb[static_cast<long long>(p) * x_stride]);
  }
  partial[tid] = sum;
  __syncthreads();
  for (int s = lanes / 2; s > 0; s /= 2) {
    if (pl < s) partial[tid] += partial[tid + s * cpb];
    __syncthreads();
  }
  if (pl == 0 && ch < c) {
    y[static_cast<long long>(b) * y_stride + ch] = from_float<T>(hw > 0 ? partial[tid] / static_cast<float>(hw) : 0.0f);
  }
}

PoolGeometry geometry_of(const kernels::Pool2dParams& p, std::int64_t x_stride, std::int64_t y_stride, const char* op) {
  using ops_detail::check;
  using ops_detail::check_index;
  check(p.n >= 0 && p.c >= 0 && p.h_in >= 0 && p.w_in >= 0 && p.h_out >= 0 && p.w_out >= 0, op, "negative size");
  check(p.kernel_h >= 1 && p.kernel_w >= 1 && p.stride_h >= 1 && p.stride_w >= 1 && p.dilation_h >= 1 &&
            p.dilation_w >= 1,
        op, "kernel, stride and dilation must be >= 1");
  check(p.pad_top >= 0 && p.pad_left >= 0 && p.pad_bottom >= 0 && p.pad_right >= 0, op, "negative pad");
  check(x_stride >= p.c && y_stride >= p.c, op,
        "pixel strides " + std::to_string(x_stride) + "/" + std::to_string(y_stride) +
            " below c = " + std::to_string(p.c));
  check_index(p.n * p.h_in * p.w_in * x_stride, op, "input extent");
  check_index(p.n * p.h_out * p.w_out * y_stride, op, "output extent");
  check_index(p.h_out * p.stride_h + p.kernel_h * p.dilation_h + p.pad_top + p.pad_bottom, op, "window reach");
  return PoolGeometry{static_cast<int>(p.n),
                      static_cast<int>(p.c),
                      static_cast<int>(p.h_in),
                      static_cast<int>(p.w_in),
                      static_cast<int>(p.h_out),
                      static_cast<int>(p.w_out),
                      static_cast<int>(p.kernel_h),
                      static_cast<int>(p.kernel_w),
                      static_cast<int>(p.stride_h),
                      static_cast<int>(p.stride_w),
                      static_cast<int>(p.pad_top),
                      static_cast<int>(p.pad_left),
                      static_cast<int>(p.pad_bottom),
                      static_cast<int>(p.pad_right),
                      static_cast<int>(p.dilation_h),
                      static_cast<int>(p.dilation_w),
                      static_cast<int>(x_stride),
                      static_cast<int>(y_stride),
                      p.count_include_pad};
}

}  // namespace

template <class T>
void max_pool2d_nhwc(const kernels::Pool2dParams& p, const T* x, std::int64_t x_pixel_stride, T* y,
                     std::int64_t y_pixel_stride, cudaStream_t stream) {
  const PoolGeometry g = geometry_of(p, x_pixel_stride, y_pixel_stride, "max_pool2d_nhwc");
  const std::int64_t total = p.n * p.h_out * p.w_out * p.c;
  if (total == 0) return;
  auto* k = max_pool_kernel<T>;
  TARSIER_LAUNCH(k, ops_detail::grid_for(total, kThreads), kThreads, 0, stream)(g, x, y);
}

template <class T>
void avg_pool2d_nhwc(const kernels::Pool2dParams& p, const T* x, std::int64_t x_pixel_stride, T* y,
                     std::int64_t y_pixel_stride, cudaStream_t stream) {
  const PoolGeometry g = geometry_of(p, x_pixel_stride, y_pixel_stride, "avg_pool2d_nhwc");
  const std::int64_t total = p.n * p.h_out * p.w_out * p.c;
  if (total == 0) return;
  auto* k = avg_pool_kernel<T>;
  TARSIER_LAUNCH(k, ops_detail::grid_for(total, kThreads), kThreads, 0, stream)(g, x, y);
}

template <class T>
void global_avg_pool_nhwc(std::int64_t n, std::int64_t hw, std::int64_t c, const T* x, std::int64_t x_pixel_stride,
                          T* y, std::int64_t y_pixel_stride, cudaStream_t stream) {
  constexpr const char* op = "global_avg_pool_nhwc";
  ops_detail::check(n >= 0 && hw >= 0 && c >= 0, op, "negative size");
  ops_detail::check(x_pixel_stride >= c && y_pixel_stride >= c, op, "pixel stride below c");
  ops_detail::check_index(n * hw * x_pixel_stride, op, "input extent");
  ops_detail::check_index(n * y_pixel_stride, op, "output extent");
  ops_detail::check(n <= 65535, op, "more than 65535 images");
  if (n == 0 || c == 0) return;
  int cpb = 1;
  while (cpb < c && cpb < 32) cpb *= 2;
  const dim3 grid(static_cast<unsigned>((c + cpb - 1) / cpb), static_cast<unsigned>(n));
  auto* k = global_avg_pool_kernel<T>;
  TARSIER_LAUNCH(k, grid, kThreads, 0, stream)
  (static_cast<int>(hw), static_cast<int>(c), cpb, x, static_cast<int>(x_pixel_stride), y,
   static_cast<int>(y_pixel_stride));
}

#define TARSIER_POOL_INSTANTIATE(T)                                                                           \
  template void max_pool2d_nhwc<T>(const kernels::Pool2dParams&, const T*, std::int64_t, T*, std::int64_t,    \
                                   cudaStream_t);                                                             \
  template void avg_pool2d_nhwc<T>(const kernels::Pool2dParams&, const T*, std::int64_t, T*, std::int64_t,    \
                                   cudaStream_t);                                                             \
  template void global_avg_pool_nhwc<T>(std::int64_t, std::int64_t, std::int64_t, const T*, std::int64_t, T*, \
                                        std::int64_t, cudaStream_t);
TARSIER_POOL_INSTANTIATE(float)
TARSIER_POOL_INSTANTIATE(__half)
#undef TARSIER_POOL_INSTANTIATE

}  // namespace tarsier::TARSIER_CUDA_NS
