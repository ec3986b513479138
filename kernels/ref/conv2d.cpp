#include "kernels/ref/conv2d.hpp"

#include "kernels/ref/conv_index.hpp"

namespace tarsier::ref {

namespace {

// One output row accumulates one input row for one kernel tap. Separate stride-1 loop so
// the compiler sees contiguous loads and vectorises it.
inline void accumulate_row(float* __restrict yr, const float* __restrict xr, float wv,
                           std::int64_t stride, std::int64_t offset, detail::Range r) {
  if (r.begin >= r.end) return;
  if (stride == 1) {
    // Both pointers are formed only for a non-empty range, so they stay inside their rows.
    float* __restrict yd = yr + r.begin;
    const float* __restrict xs = xr + (r.begin + offset);
    const std::int64_t len = r.end - r.begin;
    for (std::int64_t i = 0; i < len; ++i) yd[i] += wv * xs[i];
  } else {
    for (std::int64_t ow = r.begin; ow < r.end; ++ow) yr[ow] += wv * xr[ow * stride + offset];
  }
}

}  // namespace

void conv2d(const kernels::Conv2dParams& p, const float* x, const float* w, const float* bias,
            const float* residual, float* y) {
  const std::int64_t cin_g = p.c_in / p.groups;
  const std::int64_t cout_g = p.c_out / p.groups;
  const std::int64_t x_plane = p.h_in * p.w_in;
  const std::int64_t y_plane = p.h_out * p.w_out;
  const std::int64_t taps = p.kernel_h * p.kernel_w;

  for (std::int64_t b = 0; b < p.n; ++b) {
    for (std::int64_t oc = 0; oc < p.c_out; ++oc) {
      const std::int64_t g = oc / cout_g;
      const float* xg = x + (b * p.c_in + g * cin_g) * x_plane;
      const float* wo = w + oc * cin_g * taps;
      const std::int64_t y_off = (b * p.c_out + oc) * y_plane;
      float* yp = y + y_off;
      const float* rp = residual != nullptr ? residual + y_off : nullptr;
      const float b0 = bias != nullptr ? bias[oc] : 0.0f;

      for (std::int64_t oh = 0; oh < p.h_out; ++oh) {
        float* yr = yp + oh * p.w_out;
        // Start from bias + residual: reading the residual row before accumulating lets
        // y alias residual (an in-place fused Add).
        if (rp != nullptr) {
          const float* rr = rp + oh * p.w_out;
          for (std::int64_t ow = 0; ow < p.w_out; ++ow) yr[ow] = b0 + rr[ow];
        } else {
          for (std::int64_t ow = 0; ow < p.w_out; ++ow) yr[ow] = b0;
        }

        for (std::int64_t ic = 0; ic < cin_g; ++ic) {
          const float* xc = xg + ic * x_plane;
          const float* wc = wo + ic * taps;
          for (std::int64_t kh = 0; kh < p.kernel_h; ++kh) {
            const std::int64_t ih = oh * p.stride_h + kh * p.dilation_h - p.pad_top;
            if (ih < 0 || ih >= p.h_in) continue;
            const float* xr = xc + ih * p.w_in;
            for (std::int64_t kw = 0; kw < p.kernel_w; ++kw) {
              const std::int64_t offset = kw * p.dilation_w - p.pad_left;
              const detail::Range r = detail::valid_outputs(p.w_out, p.w_in, p.stride_w, offset);
              accumulate_row(yr, xr, wc[kh * p.kernel_w + kw], p.stride_w, offset, r);
            }
          }
        }

        if (p.epilogue.act != kernels::Activation::None) {
          for (std::int64_t ow = 0; ow < p.w_out; ++ow) yr[ow] = kernels::apply_activation(p.epilogue, yr[ow]);
        }
      }
    }
  }
}

}  // namespace tarsier::ref
