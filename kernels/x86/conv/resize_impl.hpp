#pragma once
// Resize (nearest / bilinear) on NHWC, written once over a SIMD vector type V (simd.hpp) and
// instantiated per ISA. The coordinate math is kernels/ref/resize.cpp's, in double, done once
// per output row and column; the channels of a pixel are then copied or interpolated as
// vectors with the reference's float operations in its order: nearest is an exact copy,
// linear may differ from the reference by an ulp where the compiler fuses a multiply-add.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/common/resize_params.hpp"
#include "kernels/x86/conv/simd.hpp"

namespace tarsier::x86::conv {

// Internal linkage: these are compiled into each ISA's file with that ISA's flags.
namespace {

double resize_source_coordinate(kernels::CoordinateTransform t, std::int64_t out_index, double scale,
                                std::int64_t in_len, std::int64_t out_len) {
  const double xr = static_cast<double>(out_index);
  switch (t) {
    case kernels::CoordinateTransform::HalfPixel: return (xr + 0.5) / scale - 0.5;
    case kernels::CoordinateTransform::PytorchHalfPixel: return out_len > 1 ? (xr + 0.5) / scale - 0.5 : 0.0;
    case kernels::CoordinateTransform::AlignCorners:
      return out_len > 1 ? xr * static_cast<double>(in_len - 1) / static_cast<double>(out_len - 1) : 0.0;
    case kernels::CoordinateTransform::Asymmetric: return xr / scale;
  }
  return 0.0;
}

std::int64_t resize_nearest_index(kernels::NearestRounding r, double c, std::int64_t in_len) {
  double v = 0.0;
  switch (r) {
    case kernels::NearestRounding::RoundPreferFloor: v = c - std::floor(c) == 0.5 ? std::floor(c) : std::round(c); break;
    case kernels::NearestRounding::RoundPreferCeil: v = c - std::floor(c) == 0.5 ? std::ceil(c) : std::round(c); break;
    case kernels::NearestRounding::Floor: v = std::floor(c); break;
    case kernels::NearestRounding::Ceil: v = std::ceil(c); break;
  }
  return std::clamp(static_cast<std::int64_t>(v), std::int64_t{0}, in_len - 1);
}

struct ResizeTap {
  std::int64_t i0 = 0, i1 = 0;
  float t = 0.0f;  // weight of i1
};

ResizeTap resize_linear_tap(double c, std::int64_t in_len) {
  c = std::clamp(c, 0.0, static_cast<double>(in_len - 1));
  ResizeTap tap;
  tap.i0 = static_cast<std::int64_t>(std::floor(c));
  tap.i1 = std::min(tap.i0 + 1, in_len - 1);
  tap.t = static_cast<float>(c - static_cast<double>(tap.i0));
  return tap;
}

}  // namespace

template <class V>
void resize_run(const kernels::ResizeParams& p, const float* x, float* y, std::int64_t ldy, std::int64_t row_begin,
                std::int64_t row_end) {
  const std::int64_t c = p.c;
  const bool nearest = p.mode == kernels::ResizeMode::Nearest;
  for (std::int64_t row = row_begin; row < row_end; ++row) {
    const std::int64_t img = row / p.h_out, oh = row % p.h_out;
    const float* ximg = x + img * p.h_in * p.w_in * c;
    float* yrow = y + (img * p.h_out + oh) * p.w_out * ldy;
    const double chh = resize_source_coordinate(p.transform, oh, p.scale_h, p.h_in, p.h_out);
    if (nearest) {
      const float* xr = ximg + resize_nearest_index(p.rounding, chh, p.h_in) * p.w_in * c;
      for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
        const double cw = resize_source_coordinate(p.transform, ow, p.scale_w, p.w_in, p.w_out);
        const float* xp = xr + resize_nearest_index(p.rounding, cw, p.w_in) * c;
        float* yp = yrow + ow * ldy;
        for_channels<V>(c, [&](std::int64_t ch, auto mk) { V::store(yp + ch, V::load(xp + ch, mk), mk); });
      }
    } else {
      const ResizeTap th = resize_linear_tap(chh, p.h_in);
      const float* r0 = ximg + th.i0 * p.w_in * c;
      const float* r1 = ximg + th.i1 * p.w_in * c;
      const auto tv_h = V::set1(th.t);
      for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
        const double cw = resize_source_coordinate(p.transform, ow, p.scale_w, p.w_in, p.w_out);
        const ResizeTap tw = resize_linear_tap(cw, p.w_in);
        const auto tv_w = V::set1(tw.t);
        const float *a0 = r0 + tw.i0 * c, *a1 = r0 + tw.i1 * c, *b0 = r1 + tw.i0 * c, *b1 = r1 + tw.i1 * c;
        float* yp = yrow + ow * ldy;
        for_channels<V>(c, [&](std::int64_t ch, auto mk) {
          const auto x00 = V::load(a0 + ch, mk), x01 = V::load(a1 + ch, mk);
          const auto x10 = V::load(b0 + ch, mk), x11 = V::load(b1 + ch, mk);
          // top + t * (bottom - top), as the reference writes it.
          const auto top = V::add(x00, V::mul(tv_w, V::sub(x01, x00)));
          const auto bottom = V::add(x10, V::mul(tv_w, V::sub(x11, x10)));
          V::store(yp + ch, V::add(top, V::mul(tv_h, V::sub(bottom, top))), mk);
        });
      }
    }
  }
}

}  // namespace tarsier::x86::conv
