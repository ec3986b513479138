#include "kernels/ref/pool2d.hpp"

#include <algorithm>
#include <limits>

namespace tarsier::ref {

void max_pool2d(const kernels::Pool2dParams& p, const float* x, float* y) {
  const std::int64_t planes = p.n * p.c;
  for (std::int64_t pl = 0; pl < planes; ++pl) {
    const float* xp = x + pl * p.h_in * p.w_in;
    float* yp = y + pl * p.h_out * p.w_out;
    for (std::int64_t oh = 0; oh < p.h_out; ++oh) {
      const std::int64_t h0 = oh * p.stride_h - p.pad_top;
      for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
        const std::int64_t w0 = ow * p.stride_w - p.pad_left;
        float m = -std::numeric_limits<float>::infinity();
        for (std::int64_t kh = 0; kh < p.kernel_h; ++kh) {
          const std::int64_t ih = h0 + kh * p.dilation_h;
          if (ih < 0 || ih >= p.h_in) continue;
          for (std::int64_t kw = 0; kw < p.kernel_w; ++kw) {
            const std::int64_t iw = w0 + kw * p.dilation_w;
            if (iw < 0 || iw >= p.w_in) continue;
            m = std::max(m, xp[ih * p.w_in + iw]);
          }
        }
        yp[oh * p.w_out + ow] = m;
      }
    }
  }
}

void avg_pool2d(const kernels::Pool2dParams& p, const float* x, float* y) {
  const std::int64_t planes = p.n * p.c;
  for (std::int64_t pl = 0; pl < planes; ++pl) {
    const float* xp = x + pl * p.h_in * p.w_in;
    float* yp = y + pl * p.h_out * p.w_out;
    for (std::int64_t oh = 0; oh < p.h_out; ++oh) {
      // Window rows clipped to the padded input, then to the real input.
      const std::int64_t hs = oh * p.stride_h - p.pad_top;
      const std::int64_t he = std::min(hs + p.kernel_h, p.h_in + p.pad_bottom);
      const std::int64_t hs_in = std::max<std::int64_t>(hs, 0);
      const std::int64_t he_in = std::min(he, p.h_in);
      for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
        const std::int64_t ws = ow * p.stride_w - p.pad_left;
        const std::int64_t we = std::min(ws + p.kernel_w, p.w_in + p.pad_right);
        const std::int64_t ws_in = std::max<std::int64_t>(ws, 0);
        const std::int64_t we_in = std::min(we, p.w_in);

        float sum = 0.0f;
        for (std::int64_t ih = hs_in; ih < he_in; ++ih) {
          for (std::int64_t iw = ws_in; iw < we_in; ++iw) sum += xp[ih * p.w_in + iw];
        }
        const std::int64_t count = p.count_include_pad
                                       ? std::max<std::int64_t>(he - hs, 0) * std::max<std::int64_t>(we - ws, 0)
                                       : std::max<std::int64_t>(he_in - hs_in, 0) *
                                             std::max<std::int64_t>(we_in - ws_in, 0);
        yp[oh * p.w_out + ow] = count > 0 ? sum / static_cast<float>(count) : 0.0f;
      }
    }
  }
}

void global_avg_pool(std::int64_t n, std::int64_t c, std::int64_t hw, const float* x, float* y) {
  for (std::int64_t i = 0; i < n * c; ++i) {
    const float* xp = x + i * hw;
    float sum = 0.0f;
    for (std::int64_t j = 0; j < hw; ++j) sum += xp[j];
    y[i] = hw > 0 ? sum / static_cast<float>(hw) : 0.0f;
  }
}

}  // namespace tarsier::ref
