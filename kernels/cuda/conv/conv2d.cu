// conv2d host glue: dense and grouped convolutions run on the implicit-GEMM tiles
// (implicit_gemm.cu); depthwise ones (groups == c_in == c_out) on a direct kernel here, one
// thread per output element with channels fastest, so the NHWC loads and the [tap][c] weight
// loads of a warp are contiguous.
#include "kernels/cuda/conv/conv2d.hpp"

#include <cstring>
#include <limits>

#include "engine/include/tarsier/error.hpp"  // the nvcc target has only the repository root on its include path
#include "kernels/cuda/common/epilogue.cuh"
#include "kernels/cuda/conv/implicit_gemm.hpp"
#include "kernels/cuda/conv/storage.cuh"

namespace tarsier::TARSIER_CUDA_NS {
namespace {

using conv_detail::IgemmGeometry;

bool is_depthwise(const kernels::Conv2dParams& p) { return p.groups > 1 && p.groups == p.c_in && p.groups == p.c_out; }

IgemmGeometry geometry(const kernels::Conv2dParams& p, std::int64_t y_stride) {
  IgemmGeometry g;
  g.n = static_cast<int>(p.n);
  g.h_in = static_cast<int>(p.h_in);
  g.w_in = static_cast<int>(p.w_in);
  g.c_in = static_cast<int>(p.c_in);
  g.h_out = static_cast<int>(p.h_out);
  g.w_out = static_cast<int>(p.w_out);
  g.kh = static_cast<int>(p.kernel_h);
  g.kw = static_cast<int>(p.kernel_w);
  g.sh = static_cast<int>(p.stride_h);
  g.sw = static_cast<int>(p.stride_w);
  g.pad_top = static_cast<int>(p.pad_top);
  g.pad_left = static_cast<int>(p.pad_left);
  g.dh = static_cast<int>(p.dilation_h);
  g.dw = static_cast<int>(p.dilation_w);
  g.groups = static_cast<int>(p.groups);
  g.cig = static_cast<int>(p.c_in / p.groups);
  g.cog = static_cast<int>(p.c_out / p.groups);
  g.m = g.n * g.h_out * g.w_out;
  g.k = g.kh * g.kw * g.cig;
  g.c_out = static_cast<int>(p.c_out);
  g.y_stride = y_stride;
  g.epilogue = p.epilogue;
  return conv_detail::make_packed_dims(g);
}

std::int64_t out_extent(std::int64_t in, std::int64_t pad, std::int64_t dil, std::int64_t k, std::int64_t stride) {
  const std::int64_t span = in + pad - dil * (k - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

void require_supported(const kernels::Conv2dParams& p, ConvMath math) {
  std::string why;
  if (!conv2d_supported(p, math, &why)) throw Error(ErrorCode::UnsupportedModel, "cuda conv2d: " + why);
}

std::size_t depthwise_weight_elems(const kernels::Conv2dParams& p) {
  return static_cast<std::size_t>(p.kernel_h * p.kernel_w * p.c_out);
}

std::size_t round16(std::size_t bytes) { return (bytes + 15) / 16 * 16; }

template <class T>
struct DepthwiseArgs {
  IgemmGeometry g;
  const T* x;
  const T* w;  // [kh*kw][c]
  const float* bias;
  const T* residual;
  T* y;
};

template <class T>
__global__ void __launch_bounds__(256) depthwise_kernel(const DepthwiseArgs<T> a) {
  const IgemmGeometry& g = a.g;
  const int c_n = g.c_in;
  const long long total = static_cast<long long>(g.m) * c_n;
  for (long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<long long>(gridDim.x) * blockDim.x) {
    const int c = static_cast<int>(idx % c_n);
    const int m = static_cast<int>(idx / c_n);
    const int ow = m % g.w_out;
    const int t = m / g.w_out;
    const int oh = t % g.h_out;
    const int img = t / g.h_out;
    const int ih0 = oh * g.sh - g.pad_top, iw0 = ow * g.sw - g.pad_left;
    const T* xi = a.x + static_cast<long long>(img) * g.h_in * g.w_in * c_n + c;
    float acc = 0.0f;
    for (int r = 0; r < g.kh; ++r) {
      const int ih = ih0 + r * g.dh;
      if (static_cast<unsigned>(ih) >= static_cast<unsigned>(g.h_in)) continue;
      for (int s = 0; s < g.kw; ++s) {
        const int iw = iw0 + s * g.dw;
        if (static_cast<unsigned>(iw) >= static_cast<unsigned>(g.w_in)) continue;
        acc = fmaf(conv_detail::to_float(xi[(ih * g.w_in + iw) * c_n]),
                   conv_detail::to_float(a.w[(r * g.kw + s) * c_n + c]), acc);
      }
    }
    if (a.bias != nullptr) acc += a.bias[c];
    if (a.residual != nullptr) acc += conv_detail::to_float(a.residual[idx]);
    conv_detail::store_float(a.y + static_cast<long long>(m) * g.y_stride + c,
                             TARSIER_CUDA_NS::apply_activation(g.epilogue, acc));
  }
}

template <class T>
void run_depthwise(const IgemmGeometry& g, const void* x, const void* w, const float* bias, const void* residual,
                   void* y, cudaStream_t stream) {
  const DepthwiseArgs<T> a{g,    static_cast<const T*>(x),        static_cast<const T*>(w),
                           bias, static_cast<const T*>(residual), static_cast<T*>(y)};
  const long long total = static_cast<long long>(g.m) * g.c_in;
  const int threads = 256;
  const int blocks = static_cast<int>(std::min<long long>((total + threads - 1) / threads, 65535));
  auto* kernel = depthwise_kernel<T>;
  TARSIER_LAUNCH(kernel, blocks, threads, 0, stream)(a);
}

}  // namespace

bool conv2d_supported(const kernels::Conv2dParams& p, ConvMath math, std::string* why) {
  (void)math;  // every mode covers the same shapes
  auto fail = [&](const char* what) {
    if (why != nullptr) *why = what;
    return false;
  };
  if (p.n < 1 || p.c_in < 1 || p.h_in < 1 || p.w_in < 1 || p.c_out < 1 || p.h_out < 1 || p.w_out < 1)
    return fail("sizes must be positive");
  if (p.kernel_h < 1 || p.kernel_w < 1 || p.stride_h < 1 || p.stride_w < 1 || p.dilation_h < 1 || p.dilation_w < 1)
    return fail("kernel, stride and dilation must be positive");
  if (p.pad_top < 0 || p.pad_left < 0 || p.pad_bottom < 0 || p.pad_right < 0) return fail("negative padding");
  if (p.groups < 1 || p.c_in % p.groups != 0 || p.c_out % p.groups != 0)
    return fail("groups must divide c_in and c_out");
  if (p.h_out != out_extent(p.h_in, p.pad_top + p.pad_bottom, p.dilation_h, p.kernel_h, p.stride_h) ||
      p.w_out != out_extent(p.w_in, p.pad_left + p.pad_right, p.dilation_w, p.kernel_w, p.stride_w))
    return fail("h_out/w_out do not match the geometry");
  constexpr std::int64_t kMax = std::numeric_limits<int>::max();
  const std::int64_t taps = p.kernel_h * p.kernel_w;
  if (p.n * p.h_in * p.w_in * p.c_in >= kMax || p.n * p.h_out * p.w_out * p.c_out >= kMax ||
      taps * p.c_in * p.c_out / p.groups >= kMax || taps * (p.c_in / p.groups) + 64 >= kMax ||
      p.pad_top + p.h_in + p.dilation_h * p.kernel_h >= (1 << 28) ||
      p.pad_left + p.w_in + p.dilation_w * p.kernel_w >= (1 << 28))
    return fail("a tensor has 2^31 or more elements (32-bit indexing)");
  if (!is_depthwise(p) && p.groups * ((p.c_out / p.groups + 63) / 64) > 65535)
    return fail("more than 65535 groups x 64-channel tiles");
  return true;
}

std::size_t conv2d_packed_weight_bytes(const kernels::Conv2dParams& p, ConvMath math) {
  require_supported(p, math);
  if (is_depthwise(p)) return round16(depthwise_weight_elems(p) * conv_storage_bytes(math));
  return conv_detail::igemm_packed_bytes(geometry(p, p.c_out), math);
}

void conv2d_pack_weights(const kernels::Conv2dParams& p, ConvMath math, const float* w_oihw, void* dst_host) {
  const std::size_t bytes = conv2d_packed_weight_bytes(p, math);
  std::memset(dst_host, 0, bytes);
  const int kh = static_cast<int>(p.kernel_h), kw = static_cast<int>(p.kernel_w);
  if (is_depthwise(p)) {  // [c][1][kh][kw] -> [kh*kw][c]
    const int c_n = static_cast<int>(p.c_out);
    for (int c = 0; c < c_n; ++c)
      for (int rs = 0; rs < kh * kw; ++rs) {
        const float v = w_oihw[static_cast<std::size_t>(c) * kh * kw + rs];
        const std::size_t i = static_cast<std::size_t>(rs) * c_n + c;
        if (math == ConvMath::Fp32)
          static_cast<float*>(dst_host)[i] = v;
        else
          static_cast<__half*>(dst_host)[i] = __float2half_rn(v);
      }
    return;
  }
  const IgemmGeometry g = geometry(p, p.c_out);
  for (int grp = 0; grp < g.groups; ++grp)
    for (int q = 0; q < g.cog; ++q)
      for (int ci = 0; ci < g.cig; ++ci)
        for (int rs = 0; rs < kh * kw; ++rs) {
          const std::size_t src = ((static_cast<std::size_t>(grp) * g.cog + q) * g.cig + ci) * kh * kw + rs;
          conv_detail::igemm_pack_store(g, math, dst_host, grp, rs * g.cig + ci, q, w_oihw[src]);
        }
}

int conv2d_split_k(const kernels::Conv2dParams& p, ConvMath math) {
  require_supported(p, math);
  if (is_depthwise(p)) return 1;
  return conv_detail::igemm_split_k(geometry(p, p.c_out), math, 0);
}

std::size_t conv2d_workspace_bytes(const kernels::Conv2dParams& p, ConvMath math, int split_k) {
  require_supported(p, math);
  if (is_depthwise(p)) return 0;
  return conv_detail::igemm_workspace_bytes(geometry(p, p.c_out), math, split_k);
}

void conv2d(const kernels::Conv2dParams& p, ConvMath math, const void* x, const void* w_packed, const float* bias,
            const void* residual, void* y, std::int64_t y_pixel_stride, void* workspace, cudaStream_t stream,
            int split_k) {
  require_supported(p, math);
  if (y_pixel_stride < p.c_out)
    throw Error(ErrorCode::InvalidArgument, "cuda conv2d: y_pixel_stride " + std::to_string(y_pixel_stride) +
                                                " is smaller than c_out " + std::to_string(p.c_out));
  if (x == nullptr || w_packed == nullptr || y == nullptr)
    throw Error(ErrorCode::InvalidArgument, "cuda conv2d: null x, weights or y");
  const IgemmGeometry g = geometry(p, y_pixel_stride);
  if (is_depthwise(p)) {
    if (math == ConvMath::Fp32)
      run_depthwise<float>(g, x, w_packed, bias, residual, y, stream);
    else
      run_depthwise<__half>(g, x, w_packed, bias, residual, y, stream);
    return;
  }
  conv_detail::igemm_run(g, math, x, w_packed, bias, residual, y, workspace, stream, split_k);
}

}  // namespace tarsier::TARSIER_CUDA_NS
