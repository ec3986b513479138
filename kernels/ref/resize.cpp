#include "kernels/ref/resize.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tarsier::ref {

namespace {

using kernels::CoordinateTransform;
using kernels::NearestRounding;

double original_coordinate(CoordinateTransform t, std::int64_t out_index, double scale,
                           std::int64_t in_len, std::int64_t out_len) {
  const double xr = static_cast<double>(out_index);
  switch (t) {
    case CoordinateTransform::HalfPixel: return (xr + 0.5) / scale - 0.5;
    case CoordinateTransform::PytorchHalfPixel: return out_len > 1 ? (xr + 0.5) / scale - 0.5 : 0.0;
    case CoordinateTransform::AlignCorners:
      return out_len > 1 ? xr * static_cast<double>(in_len - 1) / static_cast<double>(out_len - 1) : 0.0;
    case CoordinateTransform::Asymmetric: return xr / scale;
  }
  return 0.0;
}

std::int64_t nearest_index(NearestRounding r, double c, std::int64_t in_len) {
  double v = 0.0;
  switch (r) {
    case NearestRounding::RoundPreferFloor: v = c - std::floor(c) == 0.5 ? std::floor(c) : std::round(c); break;
    case NearestRounding::RoundPreferCeil: v = c - std::floor(c) == 0.5 ? std::ceil(c) : std::round(c); break;
    case NearestRounding::Floor: v = std::floor(c); break;
    case NearestRounding::Ceil: v = std::ceil(c); break;
  }
  return std::clamp(static_cast<std::int64_t>(v), std::int64_t{0}, in_len - 1);
}

// The two input taps and the weight of the upper one for linear interpolation.
struct LinearTap {
  std::int64_t i0 = 0, i1 = 0;
  float t = 0.0f;
};

LinearTap linear_tap(double c, std::int64_t in_len) {
  c = std::clamp(c, 0.0, static_cast<double>(in_len - 1));
  LinearTap tap;
  tap.i0 = static_cast<std::int64_t>(std::floor(c));
  tap.i1 = std::min(tap.i0 + 1, in_len - 1);
  tap.t = static_cast<float>(c - static_cast<double>(tap.i0));
  return tap;
}

}  // namespace

void resize2d(const kernels::ResizeParams& p, const float* x, float* y) {
  const std::int64_t planes = p.n * p.c;
  const bool nearest = p.mode == kernels::ResizeMode::Nearest;
  for (std::int64_t pl = 0; pl < planes; ++pl) {
    const float* xp = x + pl * p.h_in * p.w_in;
    float* yp = y + pl * p.h_out * p.w_out;
    for (std::int64_t oh = 0; oh < p.h_out; ++oh) {
      const double ch = original_coordinate(p.transform, oh, p.scale_h, p.h_in, p.h_out);
      float* yr = yp + oh * p.w_out;
      if (nearest) {
        const float* xr = xp + nearest_index(p.rounding, ch, p.h_in) * p.w_in;
        for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
          const double cw = original_coordinate(p.transform, ow, p.scale_w, p.w_in, p.w_out);
          yr[ow] = xr[nearest_index(p.rounding, cw, p.w_in)];
        }
      } else {
        const LinearTap th = linear_tap(ch, p.h_in);
        const float* r0 = xp + th.i0 * p.w_in;
        const float* r1 = xp + th.i1 * p.w_in;
        for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
          const double cw = original_coordinate(p.transform, ow, p.scale_w, p.w_in, p.w_out);
          const LinearTap tw = linear_tap(cw, p.w_in);
          const float top = r0[tw.i0] + tw.t * (r0[tw.i1] - r0[tw.i0]);
          const float bottom = r1[tw.i0] + tw.t * (r1[tw.i1] - r1[tw.i0]);
          yr[ow] = top + th.t * (bottom - top);
        }
      }
    }
  }
}

}  // namespace tarsier::ref
