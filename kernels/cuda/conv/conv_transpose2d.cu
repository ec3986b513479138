// conv_transpose2d host glue. Kernel 2x2 stride 2 pad 0 (each input pixel owns a 2x2 output
// quad) is a 1x1 implicit GEMM with 4*c_out columns that scatter to the quad; anything else
// runs a gather kernel here: one thread per output element, channels fastest, visiting the
// taps whose input pixel lands on it.
#include "kernels/cuda/conv/conv_transpose2d.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "engine/include/tarsier/error.hpp"  // the nvcc target has only the repository root on its include path
#include "kernels/cuda/common/epilogue.cuh"
#include "kernels/cuda/conv/implicit_gemm.hpp"
#include "kernels/cuda/conv/storage.cuh"

namespace tarsier::TARSIER_CUDA_NS {
namespace {

using conv_detail::IgemmGeometry;
using Params = kernels::ConvTranspose2dParams;

bool is_quad_upsample(const Params& p) {
  return p.kernel_h == 2 && p.kernel_w == 2 && p.stride_h == 2 && p.stride_w == 2 && p.pad_top == 0 &&
         p.pad_left == 0 && p.pad_bottom == 0 && p.pad_right == 0 && p.dilation_h == 1 && p.dilation_w == 1 &&
         p.groups == 1 && p.h_out == 2 * p.h_in && p.w_out == 2 * p.w_in;
}

// The 2x2/2 path as a GEMM: pixels of x are the rows, (quad position, c_out) the columns.
IgemmGeometry quad_geometry(const Params& p, std::int64_t y_stride) {
  IgemmGeometry g;
  g.n = static_cast<int>(p.n);
  g.h_in = g.h_out = static_cast<int>(p.h_in);
  g.w_in = g.w_out = static_cast<int>(p.w_in);
  g.c_in = g.cig = static_cast<int>(p.c_in);
  g.cog = static_cast<int>(4 * p.c_out);
  g.m = g.n * g.h_in * g.w_in;
  g.k = g.c_in;
  g.scatter2x2 = true;
  g.c_out = static_cast<int>(p.c_out);
  g.y_stride = y_stride;
  g.epilogue = p.epilogue;
  return conv_detail::make_packed_dims(g);
}

void require_supported(const Params& p, ConvMath math) {
  std::string why;
  if (!conv_transpose2d_supported(p, math, &why))
    throw Error(ErrorCode::UnsupportedModel, "cuda conv_transpose2d: " + why);
}

std::size_t general_weight_elems(const Params& p) {
  return static_cast<std::size_t>(p.kernel_h * p.kernel_w * p.c_in * (p.c_out / p.groups));
}

template <class T>
struct GatherArgs {
  int n, h_in, w_in, c_in, h_out, w_out, c_out;
  int kh, kw, sh, sw, pad_top, pad_left, dh, dw, cig, cog;
  long long y_stride;
  kernels::Epilogue epilogue;
  const T* x;
  const T* w;  // [kh][kw][c_in][cog]
  const float* bias;
  T* y;
};

template <class T>
__global__ void __launch_bounds__(256) conv_transpose_gather_kernel(const GatherArgs<T> a) {
  const long long total = static_cast<long long>(a.n) * a.h_out * a.w_out * a.c_out;
  for (long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<long long>(gridDim.x) * blockDim.x) {
    const int co = static_cast<int>(idx % a.c_out);
    const int pix = static_cast<int>(idx / a.c_out);
    const int ow = pix % a.w_out;
    const int t = pix / a.w_out;
    const int oh = t % a.h_out;
    const int img = t / a.h_out;
    const int grp = co / a.cog, oc = co - grp * a.cog;
    float acc = 0.0f;
    for (int r = 0; r < a.kh; ++r) {
      const int ty = oh + a.pad_top - r * a.dh;  // = ih * sh when tap r of input row ih lands here
      if (ty < 0 || ty % a.sh != 0 || ty / a.sh >= a.h_in) continue;
      const int ih = ty / a.sh;
      for (int s = 0; s < a.kw; ++s) {
        const int tx = ow + a.pad_left - s * a.dw;
        if (tx < 0 || tx % a.sw != 0 || tx / a.sw >= a.w_in) continue;
        const int iw = tx / a.sw;
        const T* xp = a.x + (static_cast<long long>(img * a.h_in + ih) * a.w_in + iw) * a.c_in + grp * a.cig;
        const T* wp = a.w + (static_cast<long long>(r * a.kw + s) * a.c_in + grp * a.cig) * a.cog + oc;
        for (int ci = 0; ci < a.cig; ++ci)
          acc = fmaf(conv_detail::to_float(xp[ci]), conv_detail::to_float(wp[static_cast<long long>(ci) * a.cog]), acc);
      }
    }
    if (a.bias != nullptr) acc += a.bias[co];
    conv_detail::store_float(a.y + static_cast<long long>(pix) * a.y_stride + co,
                             TARSIER_CUDA_NS::apply_activation(a.epilogue, acc));
  }
}

template <class T>
void run_gather(const Params& p, const void* x, const void* w, const float* bias, void* y, std::int64_t y_stride,
                cudaStream_t stream) {
  GatherArgs<T> a{};
  a.n = static_cast<int>(p.n);
  a.h_in = static_cast<int>(p.h_in);
  a.w_in = static_cast<int>(p.w_in);
  a.c_in = static_cast<int>(p.c_in);
  a.h_out = static_cast<int>(p.h_out);
  a.w_out = static_cast<int>(p.w_out);
  a.c_out = static_cast<int>(p.c_out);
  a.kh = static_cast<int>(p.kernel_h);
  a.kw = static_cast<int>(p.kernel_w);
  a.sh = static_cast<int>(p.stride_h);
  a.sw = static_cast<int>(p.stride_w);
  a.pad_top = static_cast<int>(p.pad_top);
  a.pad_left = static_cast<int>(p.pad_left);
  a.dh = static_cast<int>(p.dilation_h);
  a.dw = static_cast<int>(p.dilation_w);
  a.cig = static_cast<int>(p.c_in / p.groups);
  a.cog = static_cast<int>(p.c_out / p.groups);
  a.y_stride = y_stride;
  a.epilogue = p.epilogue;
  a.x = static_cast<const T*>(x);
  a.w = static_cast<const T*>(w);
  a.bias = bias;
  a.y = static_cast<T*>(y);
  const long long total = p.n * p.h_out * p.w_out * p.c_out;
  const int threads = 256;
  const int blocks = static_cast<int>(std::min<long long>((total + threads - 1) / threads, 65535));
  auto* kernel = conv_transpose_gather_kernel<T>;
  TARSIER_LAUNCH(kernel, blocks, threads, 0, stream)(a);
}

}  // namespace

bool conv_transpose2d_supported(const Params& p, ConvMath math, std::string* why) {
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
  constexpr std::int64_t kMax = std::numeric_limits<int>::max();
  if (p.n * p.h_in * p.w_in * p.c_in >= kMax || p.n * p.h_out * p.w_out * p.c_out >= kMax ||
      p.kernel_h * p.kernel_w * p.c_in * p.c_out + 256 >= kMax || p.h_out + p.pad_top >= (1 << 28) ||
      p.w_out + p.pad_left >= (1 << 28))
    return fail("a tensor has 2^31 or more elements (32-bit indexing)");
  return true;
}

std::size_t conv_transpose2d_packed_weight_bytes(const Params& p, ConvMath math) {
  require_supported(p, math);
  if (is_quad_upsample(p)) return conv_detail::igemm_packed_bytes(quad_geometry(p, p.c_out), math);
  return (general_weight_elems(p) * conv_storage_bytes(math) + 15) / 16 * 16;
}

void conv_transpose2d_pack_weights(const Params& p, ConvMath math, const float* w_iohw, void* dst_host) {
  std::memset(dst_host, 0, conv_transpose2d_packed_weight_bytes(p, math));
  const int c_in = static_cast<int>(p.c_in), cog = static_cast<int>(p.c_out / p.groups);
  const int kh = static_cast<int>(p.kernel_h), kw = static_cast<int>(p.kernel_w);
  if (is_quad_upsample(p)) {  // column (2a + b) * c_out + co of row ci
    const IgemmGeometry g = quad_geometry(p, p.c_out);
    for (int ci = 0; ci < c_in; ++ci)
      for (int co = 0; co < cog; ++co)
        for (int ab = 0; ab < 4; ++ab)
          conv_detail::igemm_pack_store(g, math, dst_host, 0, ci, ab * cog + co,
                                        w_iohw[(static_cast<std::size_t>(ci) * cog + co) * 4 + ab]);
    return;
  }
  for (int ci = 0; ci < c_in; ++ci)  // [c_in][cog][kh][kw] -> [kh][kw][c_in][cog]
    for (int co = 0; co < cog; ++co)
      for (int rs = 0; rs < kh * kw; ++rs) {
        const float v = w_iohw[(static_cast<std::size_t>(ci) * cog + co) * kh * kw + rs];
        const std::size_t i = (static_cast<std::size_t>(rs) * c_in + ci) * cog + co;
        if (math == ConvMath::Fp32)
          static_cast<float*>(dst_host)[i] = v;
        else
          static_cast<__half*>(dst_host)[i] = __float2half_rn(v);
      }
}

std::size_t conv_transpose2d_workspace_bytes(const Params& p, ConvMath math, int split_k) {
  require_supported(p, math);
  if (!is_quad_upsample(p)) return 0;
  return conv_detail::igemm_workspace_bytes(quad_geometry(p, p.c_out), math, split_k);
}

void conv_transpose2d(const Params& p, ConvMath math, const void* x, const void* w_packed, const float* bias, void* y,
                      std::int64_t y_pixel_stride, void* workspace, cudaStream_t stream, int split_k) {
  require_supported(p, math);
  if (y_pixel_stride < p.c_out)
    throw Error(ErrorCode::InvalidArgument, "cuda conv_transpose2d: y_pixel_stride " + std::to_string(y_pixel_stride) +
                                                " is smaller than c_out " + std::to_string(p.c_out));
  if (x == nullptr || w_packed == nullptr || y == nullptr)
    throw Error(ErrorCode::InvalidArgument, "cuda conv_transpose2d: null x, weights or y");
  if (is_quad_upsample(p)) {
    conv_detail::igemm_run(quad_geometry(p, y_pixel_stride), math, x, w_packed, bias, nullptr, y, workspace, stream,
                           split_k);
    return;
  }
  if (math == ConvMath::Fp32)
    run_gather<float>(p, x, w_packed, bias, y, y_pixel_stride, stream);
  else
    run_gather<__half>(p, x, w_packed, bias, y, y_pixel_stride, stream);
}

}  // namespace tarsier::TARSIER_CUDA_NS
