#pragma once
// The AVX2 vector of the conv-family kernels (see simd.hpp for the contract every ISA's
// vector type meets). Include only from files built with AVX2+FMA flags.
#include <immintrin.h>

#include <cstdint>

#include "kernels/x86/conv/simd.hpp"

namespace tarsier::x86::conv {

struct VecAvx2 {
  using Reg = __m256;
  static constexpr int kWidth = 8;

  struct Tail {
    __m256i k;
    int n;
  };
  static Tail tail(std::int64_t n) {
    const int c = static_cast<int>(n < 8 ? n : 8);
    return {_mm256_cmpgt_epi32(_mm256_set1_epi32(c), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)), c};
  }

  static Reg zero() { return _mm256_setzero_ps(); }
  static Reg set1(float v) { return _mm256_set1_ps(v); }
  static Reg load(const float* p, Full) { return _mm256_loadu_ps(p); }
  static Reg load(const float* p, Tail t) { return _mm256_maskload_ps(p, t.k); }
  static void store(float* p, Reg v, Full) { _mm256_storeu_ps(p, v); }
  static void store(float* p, Reg v, Tail t) { _mm256_maskstore_ps(p, t.k, v); }
  static int count(Full) { return kWidth; }
  static int count(Tail t) { return t.n; }

  static Reg add(Reg a, Reg b) { return _mm256_add_ps(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm256_mul_ps(a, b); }
  static Reg div(Reg a, Reg b) { return _mm256_div_ps(a, b); }
  static Reg fmadd(Reg a, Reg b, Reg c) { return _mm256_fmadd_ps(a, b, c); }
  static Reg fnmadd(Reg a, Reg b, Reg c) { return _mm256_fnmadd_ps(a, b, c); }
  static Reg max(Reg a, Reg b) { return _mm256_max_ps(a, b); }
  static Reg min(Reg a, Reg b) { return _mm256_min_ps(a, b); }
  static Reg leaky(Reg a, Reg s) {
    const __m256 neg = _mm256_cmp_ps(a, _mm256_setzero_ps(), _CMP_LT_OQ);
    return _mm256_blendv_ps(a, _mm256_mul_ps(a, s), neg);
  }
};

}  // namespace tarsier::x86::conv
