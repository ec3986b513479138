#pragma once
// The AVX-512 vector of the conv-family kernels (see simd.hpp for the contract every ISA's
// vector type meets). Include only from files built with AVX-512 flags.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstdint>

#include "kernels/x86/conv/simd.hpp"

namespace tarsier::x86::conv {

struct VecAvx512 {
  using Reg = __m512;
  static constexpr int kWidth = 16;

  struct Tail {
    __mmask16 k;
    int n;
  };
  static Tail tail(std::int64_t n) {
    const int c = static_cast<int>(n < 16 ? n : 16);
    return {static_cast<__mmask16>((1u << c) - 1u), c};
  }

  static Reg zero() { return _mm512_setzero_ps(); }
  static Reg set1(float v) { return _mm512_set1_ps(v); }
  static Reg load(const float* p, Full) { return _mm512_loadu_ps(p); }
  static Reg load(const float* p, Tail t) { return _mm512_maskz_loadu_ps(t.k, p); }
  static void store(float* p, Reg v, Full) { _mm512_storeu_ps(p, v); }
  static void store(float* p, Reg v, Tail t) { _mm512_mask_storeu_ps(p, t.k, v); }
  static int count(Full) { return kWidth; }
  static int count(Tail t) { return t.n; }

  static Reg add(Reg a, Reg b) { return _mm512_add_ps(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm512_mul_ps(a, b); }
  static Reg div(Reg a, Reg b) { return _mm512_div_ps(a, b); }
  static Reg fmadd(Reg a, Reg b, Reg c) { return _mm512_fmadd_ps(a, b, c); }
  static Reg fnmadd(Reg a, Reg b, Reg c) { return _mm512_fnmadd_ps(a, b, c); }
  // max(a, b) / min(a, b) return b when either is NaN (x86 semantics); the callers order
  // operands so that NaN behaves like the reference.
  static Reg max(Reg a, Reg b) { return _mm512_max_ps(a, b); }
  static Reg min(Reg a, Reg b) { return _mm512_min_ps(a, b); }
  // a < 0 ? a * s : a
  static Reg leaky(Reg a, Reg s) {
    const __mmask16 neg = _mm512_cmp_ps_mask(a, _mm512_setzero_ps(), _CMP_LT_OQ);
    return _mm512_mask_mul_ps(a, neg, a, s);
  }
};

}  // namespace tarsier::x86::conv
