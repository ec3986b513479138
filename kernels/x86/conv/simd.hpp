#pragma once
// What the conv-family kernels need from a SIMD vector, written once as templates over a
// vector type per ISA (VecAvx2 in simd_avx2.hpp, VecAvx512 in simd_avx512.hpp). A vector type
// V provides:
//   Reg, kWidth; Tail tail(n) (the first n < kWidth lanes); load/store(p[, v], Full | Tail)
//   (masked-off lanes read as zero and are not written); count(Full | Tail);
//   zero, set1, add, sub, mul, div, fmadd(a, b, c) = a * b + c, max, min, leaky.
// Code is instantiated per V in that ISA's translation unit, so no function compiled with one
// ISA's flags is shared with another. Helpers that are not templates on V stay out of here.
#include <cmath>
#include <cstdint>

#include "kernels/common/epilogue.hpp"

namespace tarsier::x86::conv {

// Tag: every lane of the vector is in range (plain loads and stores).
struct Full {};

// An Epilogue's activation with its constants in registers.
template <class V>
struct VecAct {
  using Reg = typename V::Reg;
  kernels::Activation act;
  Reg lo, hi, alpha;

  explicit VecAct(const kernels::Epilogue& e)
      : act(e.act), lo(V::set1(e.clip_min)), hi(V::set1(e.clip_max)), alpha(V::set1(e.alpha)) {}

  // Operand order keeps the reference's NaN behaviour: x86 max/min return the second operand
  // when either is NaN, so Relu(NaN) = 0 (as v > 0 ? v : 0) and Clip passes NaN through.
  Reg apply(Reg v) const {
    switch (act) {
      case kernels::Activation::None:
      case kernels::Activation::Sigmoid: return v;  // Sigmoid: after the store, see store()
      case kernels::Activation::Relu: return V::max(v, V::zero());
      case kernels::Activation::Clip: return V::min(hi, V::max(lo, v));
      case kernels::Activation::LeakyRelu: return V::leaky(v, alpha);
    }
    return v;
  }

  // Applies the activation and stores the lanes of m.
  template <class M>
  void store(float* p, Reg v, M m) const {
    V::store(p, apply(v), m);
    if (act == kernels::Activation::Sigmoid) {
      const int n = V::count(m);
      for (int i = 0; i < n; ++i) p[i] = 1.0f / (1.0f + std::exp(-p[i]));
    }
  }
};

// Calls body(c, mask) for each vector of channels [0, c): Full for whole vectors, one Tail
// for the remainder.
template <class V, class Body>
inline void for_channels(std::int64_t c, Body&& body) {
  std::int64_t i = 0;
  for (; i + V::kWidth <= c; i += V::kWidth) body(i, Full{});
  if (i < c) body(i, V::tail(c - i));
}

}  // namespace tarsier::x86::conv
