// Image preprocessing on the device, the computation of engine/image/preprocess.cpp and
// resize.cpp re-derived per output pixel: the same separable taps (computed in double with
// the same formulas), summed in the same order (horizontal taps per source row, then the
// vertical taps over those row sums), every product rounded before its add, so the float
// result is bit-identical. One thread per output pixel, all channels.
#include "kernels/cuda/ops/preprocess.hpp"

#include "kernels/cuda/ops/op_util.cuh"

namespace tarsier::TARSIER_CUDA_NS {
namespace {

using ops_detail::add_rn;
using ops_detail::from_float;
using ops_detail::mul_rn;

constexpr int kThreads = 128;

// The taps of output coordinate d along one axis (in -> out samples): candidate source
// indices first .. first + count - 1; tap_weight() gives each one's weight, 0 = not a tap.
struct AxisTaps {
  int first, count;
  float w0, w1;              // bilinear / nearest: the weights of first and first + 1
  double start, end, scale;  // area
  bool area;
};

// scale = in / out, divided once on the host (the same IEEE quotient as the CPU's).
__device__ AxisTaps axis_taps(ImageResize kind, int in, int out, double scale, int d) {
  AxisTaps t{0, 1, 1.0f, 0.0f, 0.0, 0.0, scale, false};
  if (kind == ImageResize::Nearest) {
    t.first = min(in - 1, static_cast<int>(floor(mul_rn(d + 0.5, scale))));
  } else if (kind == ImageResize::Area && in > out) {
    t.area = true;
    t.start = mul_rn(static_cast<double>(d), scale);
    t.end = fmin(static_cast<double>(in), mul_rn(static_cast<double>(d + 1), scale));
    t.first = static_cast<int>(floor(t.start));
    const int last = min(in - 1, static_cast<int>(ceil(t.end)) - 1);
    t.count = last - t.first + 1;
  } else {  // bilinear, and area when enlarging
    const double src = fmax(0.0, add_rn(mul_rn(d + 0.5, scale), -0.5));
    int i0 = static_cast<int>(floor(src));
    double frac = src - i0;
    if (i0 >= in - 1) {
      i0 = in - 1;
      frac = 0.0;
    }
    t.first = i0;
    t.w0 = static_cast<float>(1.0 - frac);
    t.w1 = static_cast<float>(frac);
    t.count = frac > 0.0 ? 2 : 1;
  }
  return t;
}

__device__ __forceinline__ float tap_weight(const AxisTaps& t, int k) {
  if (!t.area) return k == 0 ? t.w0 : t.w1;
  const int i = t.first + k;
  const double overlap = fmin(t.end, static_cast<double>(i + 1)) - fmax(t.start, static_cast<double>(i));
  return overlap > 1e-12 ? static_cast<float>(overlap / t.scale) : 0.0f;
}

template <class T>
__global__ void __launch_bounds__(kThreads)
    preprocess_kernel(ImagePreprocessParams p, double scale_x, double scale_y, const std::uint8_t* __restrict__ image,
                      T* __restrict__ out) {
  const int total = p.out_width * p.out_height;
  const int sc = p.src_channels;
  for (int pixel = blockIdx.x * blockDim.x + threadIdx.x; pixel < total; pixel += gridDim.x * blockDim.x) {
    const int ox = pixel % p.out_width, oy = pixel / p.out_width;
    const AxisTaps tx = axis_taps(p.resize, p.canvas_width, p.out_width, scale_x, ox);
    const AxisTaps ty = axis_taps(p.resize, p.canvas_height, p.out_height, scale_y, oy);
    float acc[3] = {0.0f, 0.0f, 0.0f};
    for (int ky = 0; ky < ty.count; ++ky) {
      const float wy = tap_weight(ty, ky);
      if (wy == 0.0f && ty.area) continue;  // not a tap (the CPU list skips it)
      const int sy = ty.first + ky - p.offset_y;
      const bool row_in = sy >= 0 && sy < p.src_height;
      float row[3] = {0.0f, 0.0f, 0.0f};
      for (int kx = 0; kx < tx.count; ++kx) {
        const float wx = tap_weight(tx, kx);
        if (wx == 0.0f && tx.area) continue;
        const int sx = tx.first + kx - p.offset_x;
        // Letterbox canvas outside the image: black (adds w * 0, as the CPU's padded copy).
        const bool in = row_in && sx >= 0 && sx < p.src_width;
        const std::uint8_t* px = image + (static_cast<long long>(sy) * p.src_width + sx) * sc;
        // Fixed trip counts with a guard keep row/acc in registers (a dynamic index would put
        // them on the stack).
        TARSIER_UNROLL
        for (int c = 0; c < 3; ++c) {
          if (c < sc) row[c] = add_rn(row[c], mul_rn(wx, in ? static_cast<float>(px[c]) : 0.0f));
        }
      }
      TARSIER_UNROLL
      for (int c = 0; c < 3; ++c) acc[c] = add_rn(acc[c], mul_rn(wy, row[c]));
    }
    const int plane = total;
    TARSIER_UNROLL
    for (int c = 0; c < 3; ++c) {
      if (c >= p.out_channels) break;
      const int s = p.source[c];
      const float v = s == 0   ? acc[0]
                      : s == 1 ? acc[1]
                      : s == 2 ? acc[2]
                               : add_rn(add_rn(mul_rn(0.299f, acc[0]), mul_rn(0.587f, acc[1])), mul_rn(0.114f, acc[2]));
      const float y = add_rn(mul_rn(v, p.a[c]), p.b[c]);
      out[p.nchw ? c * plane + pixel : pixel * p.out_channels + c] = from_float<T>(y);
    }
  }
}

}  // namespace

template <class T>
void preprocess_image(const ImagePreprocessParams& p, const std::uint8_t* image, T* out, cudaStream_t stream) {
  constexpr const char* op = "preprocess_image";
  ops_detail::check(p.src_channels == 1 || p.src_channels == 3, op,
                    "image channels must be 1 or 3, not " + std::to_string(p.src_channels));
  ops_detail::check(p.out_channels == 1 || p.out_channels == 3, op,
                    "tensor channels must be 1 or 3, not " + std::to_string(p.out_channels));
  ops_detail::check(p.src_width > 0 && p.src_height > 0 && p.out_width > 0 && p.out_height > 0, op,
                    "empty image or output");
  ops_detail::check(p.offset_x >= 0 && p.offset_y >= 0 && p.offset_x + p.src_width <= p.canvas_width &&
                        p.offset_y + p.src_height <= p.canvas_height,
                    op, "the image does not fit its canvas");
  for (int c = 0; c < p.out_channels; ++c) {
    const int s = p.source[c];
    ops_detail::check(s < p.src_channels && (s >= 0 || (s == -1 && p.src_channels == 3)), op,
                      "tensor channel " + std::to_string(c) + " reads image channel " + std::to_string(s));
  }
  ops_detail::check_index(static_cast<std::int64_t>(p.src_width) * p.src_height * p.src_channels, op, "image size");
  ops_detail::check_index(static_cast<std::int64_t>(p.out_width) * p.out_height * p.out_channels, op, "output size");
  const std::int64_t pixels = static_cast<std::int64_t>(p.out_width) * p.out_height;
  auto* k = preprocess_kernel<T>;
  TARSIER_LAUNCH(k, ops_detail::grid_for(pixels, kThreads), kThreads, 0, stream)
  (p, static_cast<double>(p.canvas_width) / p.out_width, static_cast<double>(p.canvas_height) / p.out_height, image,
   out);
}

template void preprocess_image<float>(const ImagePreprocessParams&, const std::uint8_t*, float*, cudaStream_t);
template void preprocess_image<__half>(const ImagePreprocessParams&, const std::uint8_t*, __half*, cudaStream_t);

}  // namespace tarsier::TARSIER_CUDA_NS
