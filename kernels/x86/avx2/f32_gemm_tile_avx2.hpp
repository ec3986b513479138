#pragma once
// The AVX2+FMA GEMM tile, templated on its shape (m-tail tiles are exact instantiations).
// Include only from files built with AVX2/FMA flags.
// GCC 12's intrinsic headers build some results from _mm512_undefined_ps(), which trips
// -Wmaybe-uninitialized once inlined (GCC bug 105593); the warning points into the header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstddef>
#include <cstring>

#include "kernels/x86/gemm_ukernel.hpp"

// Every loop over tile rows and vectors must be fully unrolled before scalar replacement, or
// GCC -O3 keeps the accumulators in memory and stores them on every k step.
#define TARSIER_UNROLL _Pragma("GCC unroll 32")

namespace tarsier::x86::avx2 {

// Lane mask for a partial vector: lanes [0, count) set.
inline __m256i lane_mask(std::ptrdiff_t count) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), idx);
}

// MR rows x NV vectors of 8 columns: MR * NV accumulators + NV (B row) + 1 broadcast <= 16 ymm.
template <int MR, int NV>
inline void f32_gemm_tile(std::size_t nr, std::size_t kc, const float* a, std::size_t lda, const float* b, float* c,
                          std::size_t ldc, const TileEpilogue& ep) {
  static_assert(MR * NV + NV + 1 <= 16, "tile does not fit the register file");
  const bool full = nr == 8 * NV;
  // C, bias and residual are read with masked loads (no access beyond nr); partial tiles store
  // through a stack buffer since AVX2's masked store is microcoded and slow on AMD.
  __m256i mask[NV];
  TARSIER_UNROLL
  for (int v = 0; v < NV; ++v) mask[v] = lane_mask(static_cast<std::ptrdiff_t>(nr) - 8 * v);

  __m256 acc[MR][NV];
  if (ep.accumulate) {
    TARSIER_UNROLL
    for (int r = 0; r < MR; ++r)
      TARSIER_UNROLL
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_maskload_ps(c + r * ldc + 8 * v, mask[v]);
  } else {
    __m256 bias[NV];
    TARSIER_UNROLL
    for (int v = 0; v < NV; ++v) bias[v] = ep.bias ? _mm256_maskload_ps(ep.bias + 8 * v, mask[v]) : _mm256_setzero_ps();
    TARSIER_UNROLL
    for (int r = 0; r < MR; ++r)
      TARSIER_UNROLL
      for (int v = 0; v < NV; ++v) acc[r][v] = bias[v];
    if (ep.residual) {
      TARSIER_UNROLL
      for (int r = 0; r < MR; ++r)
        TARSIER_UNROLL
        for (int v = 0; v < NV; ++v)
          acc[r][v] = _mm256_add_ps(acc[r][v], _mm256_maskload_ps(ep.residual + r * ep.ld_residual + 8 * v, mask[v]));
    }
  }

  const float* ar[MR];
  TARSIER_UNROLL
  for (int r = 0; r < MR; ++r) ar[r] = a + r * lda;
  for (std::size_t p = 0; p < kc; ++p) {
    __m256 bv[NV];
    TARSIER_UNROLL
    for (int v = 0; v < NV; ++v) bv[v] = _mm256_loadu_ps(b + 8 * v);
    b += 8 * NV;
    TARSIER_UNROLL
    for (int r = 0; r < MR; ++r) {
      const __m256 av = _mm256_broadcast_ss(ar[r] + p);
      TARSIER_UNROLL
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
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
        const __m256 zero = _mm256_setzero_ps();
        TARSIER_UNROLL
        for (int r = 0; r < MR; ++r)
          TARSIER_UNROLL
          for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_max_ps(acc[r][v], zero);
        break;
      }
      case Activation::Clip: {
        const __m256 lo = _mm256_set1_ps(ep.act.clip_min), hi = _mm256_set1_ps(ep.act.clip_max);
        TARSIER_UNROLL
        for (int r = 0; r < MR; ++r)
          TARSIER_UNROLL
          for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_min_ps(hi, _mm256_max_ps(lo, acc[r][v]));
        break;
      }
      case Activation::LeakyRelu: {
        const __m256 zero = _mm256_setzero_ps(), alpha = _mm256_set1_ps(ep.act.alpha);
        TARSIER_UNROLL
        for (int r = 0; r < MR; ++r)
          TARSIER_UNROLL
          for (int v = 0; v < NV; ++v) {
            const __m256 neg = _mm256_cmp_ps(acc[r][v], zero, _CMP_LT_OQ);
            acc[r][v] = _mm256_blendv_ps(acc[r][v], _mm256_mul_ps(acc[r][v], alpha), neg);
          }
        break;
      }
    }
  }

  if (full) {
    TARSIER_UNROLL
    for (int r = 0; r < MR; ++r)
      TARSIER_UNROLL
      for (int v = 0; v < NV; ++v) _mm256_storeu_ps(c + r * ldc + 8 * v, acc[r][v]);
  } else {
    TARSIER_UNROLL
    for (int r = 0; r < MR; ++r) {
      alignas(32) float row[8 * NV];
      TARSIER_UNROLL
      for (int v = 0; v < NV; ++v) _mm256_store_ps(row + 8 * v, acc[r][v]);
      std::memcpy(c + r * ldc, row, nr * sizeof(float));
    }
  }

  if (ep.finish && ep.act.act == kernels::Activation::Sigmoid) sigmoid_tile(MR, nr, c, ldc);
}

template <int MR, int NV, int R = MR>
inline void f32_gemm_dispatch(std::size_t mr, std::size_t nr, std::size_t kc, const float* a, std::size_t lda,
                              const float* b, float* c, std::size_t ldc, const TileEpilogue& ep) {
  if constexpr (R >= 1) {
    if (mr == R) return f32_gemm_tile<R, NV>(nr, kc, a, lda, b, c, ldc, ep);
    return f32_gemm_dispatch<MR, NV, R - 1>(mr, nr, kc, a, lda, b, c, ldc, ep);
  }
}

}  // namespace tarsier::x86::avx2

#undef TARSIER_UNROLL
