#pragma once
// The AVX-512 GEMM tile, templated on its shape so that the m-tail gets exact smaller tiles
// (no wasted FMAs on padding rows) and tile shapes can be compared by measurement.
// Include only from files built with AVX-512 flags.
// GCC 12's intrinsic headers build some results from _mm512_undefined_ps(), which trips
// -Wmaybe-uninitialized once inlined (GCC bug 105593); the warning points into the header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstddef>

#include "kernels/x86/gemm_ukernel.hpp"

// Every loop over tile rows and vectors must be fully unrolled before scalar replacement, or
// GCC -O3 keeps the accumulators in memory and stores them on every k step.
#define TARSIER_UNROLL _Pragma("GCC unroll 32")

namespace tarsier::x86::avx512 {

// MR rows x NV vectors of 16 columns. Accumulators stay in zmm registers for the whole kc
// loop: MR * NV + NV (B row) + 1 (broadcast A) must fit in 32.
template <int MR, int NV>
inline void f32_gemm_tile(std::size_t nr, std::size_t kc, const float* a, std::size_t lda, const float* b, float* c,
                          std::size_t ldc, const TileEpilogue& ep) {
  static_assert(MR * NV + NV + 1 <= 32, "tile does not fit the register file");
  // Column masks: the packed B panel is zero-padded, so the padding lanes compute harmless
  // zeros; the masks keep every load and store of C, bias and residual inside nr.
  __mmask16 mask[NV];
  TARSIER_UNROLL
  for (int v = 0; v < NV; ++v) {
    const std::ptrdiff_t left = static_cast<std::ptrdiff_t>(nr) - 16 * v;
    mask[v] = left >= 16 ? __mmask16(0xFFFF) : left <= 0 ? __mmask16(0) : __mmask16((1u << left) - 1u);
  }

  __m512 acc[MR][NV];
  if (ep.accumulate) {
    TARSIER_UNROLL
    for (int r = 0; r < MR; ++r)
      TARSIER_UNROLL
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_maskz_loadu_ps(mask[v], c + r * ldc + 16 * v);
  } else {
    __m512 bias[NV];
    TARSIER_UNROLL
    for (int v = 0; v < NV; ++v)
      bias[v] = ep.bias ? _mm512_maskz_loadu_ps(mask[v], ep.bias + 16 * v) : _mm512_setzero_ps();
    TARSIER_UNROLL
    for (int r = 0; r < MR; ++r)
      TARSIER_UNROLL
      for (int v = 0; v < NV; ++v) acc[r][v] = bias[v];
    if (ep.residual) {
      TARSIER_UNROLL
      for (int r = 0; r < MR; ++r)
        TARSIER_UNROLL
        for (int v = 0; v < NV; ++v)
          acc[r][v] = _mm512_add_ps(acc[r][v], _mm512_maskz_loadu_ps(mask[v], ep.residual + r * ep.ld_residual + 16 * v));
    }
  }

  const float* ar[MR];
  TARSIER_UNROLL
  for (int r = 0; r < MR; ++r) ar[r] = a + r * lda;
  for (std::size_t p = 0; p < kc; ++p) {
    __m512 bv[NV];
    TARSIER_UNROLL
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
    b += 16 * NV;
    TARSIER_UNROLL
    for (int r = 0; r < MR; ++r) {
      const __m512 av = _mm512_set1_ps(ar[r][p]);
      TARSIER_UNROLL
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }

  if (ep.finish) {
    using kernels::Activation;
    switch (ep.act.act) {
      case Activation::None:
      case Activation::Sigmoid:  // applied after the store
        break;
      case Activation::Relu: {
        // max(x, 0) returns its second operand for NaN, matching the reference's x > 0 ? x : 0.
        const __m512 zero = _mm512_setzero_ps();
        TARSIER_UNROLL
        for (int r = 0; r < MR; ++r)
          TARSIER_UNROLL
          for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_max_ps(acc[r][v], zero);
        break;
      }
      case Activation::Clip: {
        // Bounds first: a NaN accumulator passes through, as in the reference.
        const __m512 lo = _mm512_set1_ps(ep.act.clip_min), hi = _mm512_set1_ps(ep.act.clip_max);
        TARSIER_UNROLL
        for (int r = 0; r < MR; ++r)
          TARSIER_UNROLL
          for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_min_ps(hi, _mm512_max_ps(lo, acc[r][v]));
        break;
      }
      case Activation::LeakyRelu: {
        const __m512 zero = _mm512_setzero_ps(), alpha = _mm512_set1_ps(ep.act.alpha);
        TARSIER_UNROLL
        for (int r = 0; r < MR; ++r)
          TARSIER_UNROLL
          for (int v = 0; v < NV; ++v) {
            const __mmask16 neg = _mm512_cmp_ps_mask(acc[r][v], zero, _CMP_LT_OQ);
            acc[r][v] = _mm512_mask_mul_ps(acc[r][v], neg, acc[r][v], alpha);
          }
        break;
      }
    }
  }

  TARSIER_UNROLL
  for (int r = 0; r < MR; ++r)
    TARSIER_UNROLL
    for (int v = 0; v < NV; ++v) _mm512_mask_storeu_ps(c + r * ldc + 16 * v, mask[v], acc[r][v]);

  if (ep.finish && ep.act.act == kernels::Activation::Sigmoid) sigmoid_tile(MR, nr, c, ldc);
}

// Runtime mr (1..MR) to the exact compile-time tile.
template <int MR, int NV, int R = MR>
inline void f32_gemm_dispatch(std::size_t mr, std::size_t nr, std::size_t kc, const float* a, std::size_t lda,
                              const float* b, float* c, std::size_t ldc, const TileEpilogue& ep) {
  if constexpr (R >= 1) {
    if (mr == R) return f32_gemm_tile<R, NV>(nr, kc, a, lda, b, c, ldc, ep);
    return f32_gemm_dispatch<MR, NV, R - 1>(mr, nr, kc, a, lda, b, c, ldc, ep);
  }
}

}  // namespace tarsier::x86::avx512

#undef TARSIER_UNROLL
