#pragma once
// Depthwise convolution on NHWC, written once over a SIMD vector type V (simd.hpp) and
// instantiated per ISA. Vectors run across channels. Pixels whose window lies inside the
// input skip the bounds checks; 3x3 gets a fully unrolled body.
#include <algorithm>
#include <cstdint>

#include "kernels/x86/conv/conv_isa.hpp"
#include "kernels/x86/conv/simd.hpp"

namespace tarsier::x86::conv {

// KH, KW > 0: compile-time kernel size (fully unrolled taps); 0: from the params.
template <class V, int KH, int KW>
class DwconvRows {
  using Reg = typename V::Reg;

 public:
  explicit DwconvRows(const DwconvCall& c) : c_(c), p_(*c.p) {}

  void run() const {
    for (std::int64_t row = c_.row_begin; row < c_.row_end; ++row) output_row(row);
  }

 private:
  void output_row(std::int64_t row) const {
    const std::int64_t kh_n = KH > 0 ? KH : p_.kernel_h, kw_n = KW > 0 ? KW : p_.kernel_w;
    const std::int64_t c = p_.c_in;
    const std::int64_t img = row / p_.h_out, oh = row % p_.h_out;
    const float* ximg = c_.x + img * p_.h_in * p_.w_in * c;
    const VecAct<V> act(p_.epilogue);

    // Kernel rows whose input row exists.
    const std::int64_t ih0 = oh * p_.stride_h - p_.pad_top;
    std::int64_t kh_lo = 0, kh_hi = kh_n;
    while (kh_lo < kh_n && ih0 + kh_lo * p_.dilation_h < 0) ++kh_lo;
    while (kh_hi > kh_lo && ih0 + (kh_hi - 1) * p_.dilation_h >= p_.h_in) --kh_hi;
    const bool all_rows = kh_lo == 0 && kh_hi == kh_n;

    // Output columns whose whole window is inside the input row.
    const std::int64_t span = (kw_n - 1) * p_.dilation_w;
    const std::int64_t ow_lo = std::min(p_.w_out, (p_.pad_left + p_.stride_w - 1) / p_.stride_w);
    const std::int64_t last_ok = p_.w_in - 1 - span + p_.pad_left;  // ow * stride <= last_ok
    const std::int64_t ow_hi = last_ok < 0 ? ow_lo : std::max(ow_lo, std::min(p_.w_out, last_ok / p_.stride_w + 1));

    // Pixel by pixel, all channels of a pixel in turn: the input rows stream through in
    // memory order and the packed weights ([tap][c]) stay in L1.
    for (std::int64_t ow = 0; ow < p_.w_out; ++ow) {
      const std::int64_t iw0 = ow * p_.stride_w - p_.pad_left;
      const std::int64_t pix = (img * p_.h_out + oh) * p_.w_out + ow;
      const float* res = c_.residual != nullptr ? c_.residual + pix * c_.ld_residual : nullptr;
      float* yp = c_.y + pix * c_.ldy;
      const bool inner = ow >= ow_lo && ow < ow_hi;
      if (KH > 0 && all_rows && inner) {
        const float* x0 = ximg + (ih0 * p_.w_in + iw0) * c;
        const std::int64_t dh = p_.dilation_h * p_.w_in * c, dw = p_.dilation_w * c;
        for_channels<V>(c, [&](std::int64_t ch, auto mk) {
          // One accumulator per kernel row: short dependency chains instead of KH * KW
          // back-to-back FMAs (measured 2x on 3x3).
          Reg acc[KH];
          acc[0] = c_.bias != nullptr ? V::load(c_.bias + ch, mk) : V::zero();
          if (res != nullptr) acc[0] = V::add(acc[0], V::load(res + ch, mk));
          for (int kh = 1; kh < KH; ++kh) acc[kh] = V::zero();
          for (int kh = 0; kh < KH; ++kh)
            for (int kw = 0; kw < KW; ++kw)
              acc[kh] = V::fmadd(V::load(x0 + kh * dh + kw * dw + ch, mk),
                                 V::load(c_.packed_w + (kh * KW + kw) * c + ch, mk), acc[kh]);
          for (int kh = 1; kh < KH; ++kh) acc[0] = V::add(acc[0], acc[kh]);
          act.store(yp + ch, acc[0], mk);
        });
        continue;
      }
      for_channels<V>(c, [&](std::int64_t ch, auto mk) {
        Reg acc = c_.bias != nullptr ? V::load(c_.bias + ch, mk) : V::zero();
        if (res != nullptr) acc = V::add(acc, V::load(res + ch, mk));
        for (std::int64_t kh = kh_lo; kh < kh_hi; ++kh) {
          const std::int64_t ih = ih0 + kh * p_.dilation_h;
          for (std::int64_t kw = 0; kw < kw_n; ++kw) {
            const std::int64_t iw = iw0 + kw * p_.dilation_w;
            if (!inner && (iw < 0 || iw >= p_.w_in)) continue;
            acc = V::fmadd(V::load(ximg + (ih * p_.w_in + iw) * c + ch, mk),
                           V::load(c_.packed_w + (kh * kw_n + kw) * c + ch, mk), acc);
          }
        }
        act.store(yp + ch, acc, mk);
      });
    }
  }

  const DwconvCall& c_;
  const kernels::Conv2dParams& p_;
};

template <class V>
void dwconv_run(const DwconvCall& c) {
  if (c.p->kernel_h == 3 && c.p->kernel_w == 3)
    DwconvRows<V, 3, 3>(c).run();
  else
    DwconvRows<V, 0, 0>(c).run();
}

}  // namespace tarsier::x86::conv
