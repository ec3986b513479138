#pragma once
// Max / average / global average pooling on NHWC, written once over a SIMD vector type V
// (simd.hpp) and instantiated per ISA. Vectors run across channels; each window is reduced in
// the reference's order (rows, then columns) with the same float operations, so the results
// equal kernels/ref/pool2d's bit for bit.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "kernels/common/pool_params.hpp"
#include "kernels/x86/conv/simd.hpp"

namespace tarsier::x86::conv {

template <class V>
void maxpool_run(const kernels::Pool2dParams& p, const float* x, float* y, std::int64_t ldy, std::int64_t row_begin,
                 std::int64_t row_end) {
  const std::int64_t c = p.c;
  for (std::int64_t row = row_begin; row < row_end; ++row) {
    const std::int64_t img = row / p.h_out, oh = row % p.h_out;
    const float* ximg = x + img * p.h_in * p.w_in * c;
    const std::int64_t h0 = oh * p.stride_h - p.pad_top;
    for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
      const std::int64_t w0 = ow * p.stride_w - p.pad_left;
      float* yp = y + ((img * p.h_out + oh) * p.w_out + ow) * ldy;
      for_channels<V>(c, [&](std::int64_t ch, auto mk) {
        auto m = V::set1(-std::numeric_limits<float>::infinity());
        for (std::int64_t kh = 0; kh < p.kernel_h; ++kh) {
          const std::int64_t ih = h0 + kh * p.dilation_h;
          if (ih < 0 || ih >= p.h_in) continue;
          for (std::int64_t kw = 0; kw < p.kernel_w; ++kw) {
            const std::int64_t iw = w0 + kw * p.dilation_w;
            if (iw < 0 || iw >= p.w_in) continue;
            // max(v, m) keeps m when v is NaN, like the reference's std::max(m, v).
            m = V::max(V::load(ximg + (ih * p.w_in + iw) * c + ch, mk), m);
          }
        }
        V::store(yp + ch, m, mk);
      });
    }
  }
}

template <class V>
void avgpool_run(const kernels::Pool2dParams& p, const float* x, float* y, std::int64_t ldy, std::int64_t row_begin,
                 std::int64_t row_end) {
  const std::int64_t c = p.c;
  for (std::int64_t row = row_begin; row < row_end; ++row) {
    const std::int64_t img = row / p.h_out, oh = row % p.h_out;
    const float* ximg = x + img * p.h_in * p.w_in * c;
    // Window rows clipped to the padded input, then to the real input (as the reference).
    const std::int64_t hs = oh * p.stride_h - p.pad_top;
    const std::int64_t he = std::min(hs + p.kernel_h, p.h_in + p.pad_bottom);
    const std::int64_t hs_in = std::max<std::int64_t>(hs, 0), he_in = std::min(he, p.h_in);
    for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
      const std::int64_t ws = ow * p.stride_w - p.pad_left;
      const std::int64_t we = std::min(ws + p.kernel_w, p.w_in + p.pad_right);
      const std::int64_t ws_in = std::max<std::int64_t>(ws, 0), we_in = std::min(we, p.w_in);
      const std::int64_t count = p.count_include_pad
                                     ? std::max<std::int64_t>(he - hs, 0) * std::max<std::int64_t>(we - ws, 0)
                                     : std::max<std::int64_t>(he_in - hs_in, 0) * std::max<std::int64_t>(we_in - ws_in, 0);
      float* yp = y + ((img * p.h_out + oh) * p.w_out + ow) * ldy;
      const auto divisor = V::set1(static_cast<float>(count));
      for_channels<V>(c, [&](std::int64_t ch, auto mk) {
        auto sum = V::zero();
        for (std::int64_t ih = hs_in; ih < he_in; ++ih)
          for (std::int64_t iw = ws_in; iw < we_in; ++iw) sum = V::add(sum, V::load(ximg + (ih * p.w_in + iw) * c + ch, mk));
        V::store(yp + ch, count > 0 ? V::div(sum, divisor) : V::zero(), mk);
      });
    }
  }
}

template <class V>
void global_avgpool_run(std::int64_t c, std::int64_t hw, const float* x, float* y, std::int64_t ldy,
                        std::int64_t n_begin, std::int64_t n_end) {
  const auto divisor = V::set1(static_cast<float>(hw));
  for (std::int64_t img = n_begin; img < n_end; ++img) {
    const float* ximg = x + img * hw * c;
    // Four vectors of channels at a time keep four independent add chains in flight.
    std::int64_t ch = 0;
    for (; ch + 4 * V::kWidth <= c; ch += 4 * V::kWidth) {
      auto s0 = V::zero(), s1 = V::zero(), s2 = V::zero(), s3 = V::zero();
      for (std::int64_t j = 0; j < hw; ++j) {
        const float* xp = ximg + j * c + ch;
        s0 = V::add(s0, V::load(xp, Full{}));
        s1 = V::add(s1, V::load(xp + V::kWidth, Full{}));
        s2 = V::add(s2, V::load(xp + 2 * V::kWidth, Full{}));
        s3 = V::add(s3, V::load(xp + 3 * V::kWidth, Full{}));
      }
      float* yp = y + img * ldy + ch;
      const bool any = hw > 0;
      V::store(yp, any ? V::div(s0, divisor) : V::zero(), Full{});
      V::store(yp + V::kWidth, any ? V::div(s1, divisor) : V::zero(), Full{});
      V::store(yp + 2 * V::kWidth, any ? V::div(s2, divisor) : V::zero(), Full{});
      V::store(yp + 3 * V::kWidth, any ? V::div(s3, divisor) : V::zero(), Full{});
    }
    for_channels<V>(c - ch, [&](std::int64_t off, auto mk) {
      auto s = V::zero();
      for (std::int64_t j = 0; j < hw; ++j) s = V::add(s, V::load(ximg + j * c + ch + off, mk));
      V::store(y + img * ldy + ch + off, hw > 0 ? V::div(s, divisor) : V::zero(), mk);
    });
  }
}

}  // namespace tarsier::x86::conv
