#pragma once
// The source of the NhwcOps table, compiled once per ISA folder with that ISA's flags.
// Everything is in an unnamed namespace: each ISA's translation unit keeps its own copy, so
// the linker can never merge an AVX-512 instance into the AVX2 table (that would crash on an
// AVX2-only CPU). The loops are written for the auto-vectoriser (inner loops over
// channels, no aliasing between x and y except identical views) and follow kernels/ref's
// arithmetic exactly (same expressions, no reassociation), so results match the reference.
// No std:: inline helpers (std::min, std::exp...) either: in an unoptimised build they are
// emitted as weak symbols compiled with this folder's ISA flags, and the linker may pick that
// copy for every caller in the program. Local helpers and libm's expf have no such copy.
#include <math.h>

#include <cstring>

#include "kernels/x86/layout/nhwc_ops.hpp"

namespace tarsier::x86 {
namespace {

using kernels::Activation;
using kernels::Epilogue;

inline std::int64_t min_i(std::int64_t a, std::int64_t b) { return a < b ? a : b; }
inline std::int64_t clamp_i(std::int64_t v, std::int64_t lo, std::int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

template <Activation A>
inline float act_one(const Epilogue& e, float v) {
  if constexpr (A == Activation::Relu) return v > 0.0f ? v : 0.0f;
  else if constexpr (A == Activation::Clip) return v < e.clip_min ? e.clip_min : (v > e.clip_max ? e.clip_max : v);
  else if constexpr (A == Activation::LeakyRelu) return v >= 0.0f ? v : v * e.alpha;
  else if constexpr (A == Activation::Sigmoid) return 1.0f / (1.0f + expf(-v));
  else return v;
}

// Calls f.template operator()<A>() with the activation as a compile-time constant, so
// the per-element loops carry no switch.
template <class F>
inline void with_activation(Activation a, F&& f) {
  switch (a) {
    case Activation::None: f.template operator()<Activation::None>(); break;
    case Activation::Relu: f.template operator()<Activation::Relu>(); break;
    case Activation::Clip: f.template operator()<Activation::Clip>(); break;
    case Activation::LeakyRelu: f.template operator()<Activation::LeakyRelu>(); break;
    case Activation::Sigmoid: f.template operator()<Activation::Sigmoid>(); break;
  }
}

void activation_impl(std::int64_t pixels, std::int64_t channels, const float* x, std::int64_t ldx, float* y,
                     std::int64_t ldy, const Epilogue& e) {
  with_activation(e.act, [&]<Activation A>() {
    for (std::int64_t p = 0; p < pixels; ++p) {
      const float* xr = x + p * ldx;
      float* yr = y + p * ldy;
      for (std::int64_t c = 0; c < channels; ++c) yr[c] = act_one<A>(e, xr[c]);
    }
  });
}

template <bool Mul>
inline float op(float a, float b) {
  if constexpr (Mul) return a * b;
  else return a + b;
}

template <bool Mul>
void binary_typed(std::int64_t pixels, std::int64_t channels, const float* a, std::int64_t lda, const float* b,
                  std::int64_t ldb, Operand kind, float* y, std::int64_t ldy, const Epilogue& e) {
  with_activation(e.act, [&]<Activation A>() {
    for (std::int64_t p = 0; p < pixels; ++p) {
      const float* ar = a + p * lda;
      float* yr = y + p * ldy;
      if (kind == Operand::Full) {
        const float* br = b + p * ldb;
        for (std::int64_t c = 0; c < channels; ++c) yr[c] = act_one<A>(e, op<Mul>(ar[c], br[c]));
      } else if (kind == Operand::Channel) {
        for (std::int64_t c = 0; c < channels; ++c) yr[c] = act_one<A>(e, op<Mul>(ar[c], b[c]));
      } else {
        const float s = b[0];
        for (std::int64_t c = 0; c < channels; ++c) yr[c] = act_one<A>(e, op<Mul>(ar[c], s));
      }
    }
  });
}

void binary_impl(bool mul, std::int64_t pixels, std::int64_t channels, const float* a, std::int64_t lda,
                 const float* b, std::int64_t ldb, Operand kind, float* y, std::int64_t ldy, const Epilogue& e) {
  if (mul) binary_typed<true>(pixels, channels, a, lda, b, ldb, kind, y, ldy, e);
  else binary_typed<false>(pixels, channels, a, lda, b, ldb, kind, y, ldy, e);
}

void channel_affine_impl(std::int64_t pixels, std::int64_t channels, const float* x, std::int64_t ldx,
                         const float* mul, const float* add, float* y, std::int64_t ldy) {
  for (std::int64_t p = 0; p < pixels; ++p) {
    const float* xr = x + p * ldx;
    float* yr = y + p * ldy;
    for (std::int64_t c = 0; c < channels; ++c) yr[c] = xr[c] * mul[c] + add[c];
  }
}

void copy_impl(std::int64_t pixels, std::int64_t channels, const float* x, std::int64_t ldx, float* y,
               std::int64_t ldy) {
  const auto bytes = static_cast<std::size_t>(channels) * sizeof(float);
  for (std::int64_t p = 0; p < pixels; ++p) std::memcpy(y + p * ldy, x + p * ldx, bytes);
}

// Square blocks keep both the reads and the writes of a transposition within a few cache
// lines each.
constexpr std::int64_t kBlock = 16;

void nchw_to_nhwc_impl(std::int64_t channels, std::int64_t pixels, const float* x, float* y, std::int64_t ldy,
                       std::int64_t p_begin, std::int64_t p_end) {
  for (std::int64_t p0 = p_begin; p0 < p_end; p0 += kBlock) {
    const std::int64_t p1 = min_i(p_end, p0 + kBlock);
    for (std::int64_t c0 = 0; c0 < channels; c0 += kBlock) {
      const std::int64_t c1 = min_i(channels, c0 + kBlock);
      for (std::int64_t p = p0; p < p1; ++p)
        for (std::int64_t c = c0; c < c1; ++c) y[p * ldy + c] = x[c * pixels + p];
    }
  }
}

void nhwc_to_nchw_impl(std::int64_t channels, std::int64_t pixels, const float* x, std::int64_t ldx, float* y,
                       std::int64_t c_begin, std::int64_t c_end) {
  (void)channels;  // x's pixel stride ldx carries it; kept for symmetry with nchw_to_nhwc
  for (std::int64_t c0 = c_begin; c0 < c_end; c0 += kBlock) {
    const std::int64_t c1 = min_i(c_end, c0 + kBlock);
    for (std::int64_t p0 = 0; p0 < pixels; p0 += kBlock) {
      const std::int64_t p1 = min_i(pixels, p0 + kBlock);
      for (std::int64_t c = c0; c < c1; ++c)
        for (std::int64_t p = p0; p < p1; ++p) y[c * pixels + p] = x[p * ldx + c];
    }
  }
}

void im2col_impl(const kernels::Conv2dParams& p, const float* x, std::int64_t ldx, std::int64_t c_begin,
                 std::int64_t c_count, std::int64_t row_begin, std::int64_t rows, float* out) {
  const std::int64_t k_row = p.kernel_h * p.kernel_w * c_count;
  const auto bytes = static_cast<std::size_t>(c_count) * sizeof(float);
  const bool contiguous_taps = p.dilation_w == 1 && c_begin == 0 && c_count == ldx;
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::int64_t pixel = row_begin + r;
    const std::int64_t oy = pixel / p.w_out, ox = pixel % p.w_out;
    float* dst = out + r * k_row;
    if (contiguous_taps) {
      // The kernel_w taps of a row are adjacent pixels: one copy per kernel row.
      const std::int64_t ix0 = ox * p.stride_w - p.pad_left;
      const std::int64_t kx0 = clamp_i(-ix0, 0, p.kernel_w);
      const std::int64_t kx1 = clamp_i(p.w_in - ix0, kx0, p.kernel_w);
      for (std::int64_t ky = 0; ky < p.kernel_h; ++ky, dst += p.kernel_w * c_count) {
        const std::int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
        if (iy < 0 || iy >= p.h_in || kx0 == kx1) {
          std::memset(dst, 0, bytes * static_cast<std::size_t>(p.kernel_w));
          continue;
        }
        if (kx0 > 0) std::memset(dst, 0, bytes * static_cast<std::size_t>(kx0));
        std::memcpy(dst + kx0 * c_count, x + (iy * p.w_in + ix0 + kx0) * ldx,
                    bytes * static_cast<std::size_t>(kx1 - kx0));
        if (kx1 < p.kernel_w)
          std::memset(dst + kx1 * c_count, 0, bytes * static_cast<std::size_t>(p.kernel_w - kx1));
      }
      continue;
    }
    for (std::int64_t ky = 0; ky < p.kernel_h; ++ky) {
      const std::int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
      for (std::int64_t kx = 0; kx < p.kernel_w; ++kx, dst += c_count) {
        const std::int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
        if (iy < 0 || iy >= p.h_in || ix < 0 || ix >= p.w_in) std::memset(dst, 0, bytes);
        else std::memcpy(dst, x + (iy * p.w_in + ix) * ldx + c_begin, bytes);
      }
    }
  }
}

constexpr NhwcOps kNhwcOps{&activation_impl, &binary_impl,       &channel_affine_impl, &copy_impl,
                           &nchw_to_nhwc_impl, &nhwc_to_nchw_impl, &im2col_impl};

}  // namespace
}  // namespace tarsier::x86
