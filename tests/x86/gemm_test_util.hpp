#pragma once
// A GEMM problem with strides, padding sentinels and a double-precision oracle, shared by the
// x86 GEMM tests.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "kernels/x86/cpu_features.hpp"
#include "kernels/x86/gemm.hpp"

namespace tarsier::x86 {
// Readable test names in gtest's failure output.
inline void PrintTo(Isa isa, std::ostream* os) { *os << isa_name(isa); }
}  // namespace tarsier::x86

namespace tarsier::x86_test {

using x86::Isa;

inline void skip_unless_supported(Isa isa) {
  if (!x86::has_isa(isa)) GTEST_SKIP() << x86::isa_name(isa) << " not supported by this CPU";
}

// A float value the GEMM never produces from the test data, so an unexpected write shows.
inline constexpr float kSentinel = 1234567.0f;

struct GemmCase {
  std::int64_t m = 1, n = 1, k = 1;
  std::int64_t lda = 1, ldb = 1, ldc = 1, ld_residual = 1;
  bool b_is_n_by_k = false;
  bool bias = false, residual = false;
  kernels::Epilogue act;
  std::int64_t n_begin = 0, n_end = -1;

  std::string describe() const {
    return "m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k) +
           " lda=" + std::to_string(lda) + " ldb=" + std::to_string(ldb) + " ldc=" + std::to_string(ldc) +
           " ldr=" + std::to_string(ld_residual) + (b_is_n_by_k ? " b:nxk" : " b:kxn") + (bias ? " +bias" : "") +
           (residual ? " +residual" : "") + " act=" + std::to_string(static_cast<int>(act.act)) +
           " cols=[" + std::to_string(n_begin) + "," + std::to_string(n_end) + ")";
  }
};

// Operands sized exactly (the last row of each strided matrix ends at its last element), so
// AddressSanitizer sees any read past a matrix.
struct GemmData {
  std::vector<float> a, b, bias, residual, c;

  GemmData(const GemmCase& g, std::mt19937& rng) {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    auto fill = [&](std::vector<float>& v, std::int64_t count) {
      v.resize(static_cast<std::size_t>(count));
      for (float& x : v) x = dist(rng);
    };
    fill(a, g.m == 0 ? 0 : (g.m - 1) * g.lda + g.k);
    const std::int64_t b_rows = g.b_is_n_by_k ? g.n : g.k, b_cols = g.b_is_n_by_k ? g.k : g.n;
    fill(b, b_rows == 0 ? 0 : (b_rows - 1) * g.ldb + b_cols);
    if (g.bias) fill(bias, g.n);
    if (g.residual) fill(residual, (g.m - 1) * g.ld_residual + g.n);
    c.assign(static_cast<std::size_t>(g.m * g.ldc), kSentinel);
  }

  float b_at(const GemmCase& g, std::int64_t p, std::int64_t j) const {
    return g.b_is_n_by_k ? b[static_cast<std::size_t>(j * g.ldb + p)] : b[static_cast<std::size_t>(p * g.ldb + j)];
  }
};

// Runs x86::gemm on the case: packs B, sizes the workspace exactly as documented.
inline void run_x86_gemm(Isa isa, const GemmCase& g, GemmData& d, float* c_override = nullptr) {
  std::vector<float> packed(x86::packed_b_floats(isa, g.k, g.n), kSentinel);
  x86::pack_b(isa, d.b.data(), g.ldb, g.b_is_n_by_k, g.k, g.n, packed.data());
  std::vector<float> ws(x86::gemm_workspace_floats(isa, g.m, g.k) + 1, kSentinel);
  x86::GemmEpilogue ep;
  ep.bias = g.bias ? d.bias.data() : nullptr;
  ep.residual = g.residual ? d.residual.data() : nullptr;
  ep.ld_residual = g.ld_residual;
  ep.act = g.act;
  x86::gemm(isa, g.m, g.n, g.k, d.a.data(), g.lda, packed.data(), c_override ? c_override : d.c.data(), g.ldc, ep,
            ws.data(), g.n_begin, g.n_end);
}

// Checks every element of C: computed columns against a double-precision oracle, everything
// else (row padding, columns outside the subset) still holding the sentinel.
//
// Tolerance, per element: float accumulation of the k products plus bias and residual (with
// or without FMA, in any order or blocking) is within gamma_{k+2} * S of the exact sum, where
// S = sum_p |a_ip * b_pj| + |bias_j| + |res_ij| and gamma_n = n*u/(1 - n*u), u = 2^-24
// (Higham, Accuracy and Stability of Numerical Algorithms, ch. 3). We allow twice that, since
// the input to the float kernel is exact in double. Relu, Clip and LeakyRelu (slope <= 1) are
// 1-Lipschitz, sigmoid is 1/4-Lipschitz; sigmoid's own float evaluation adds a few ulp of its
// output (< 1e-6 absolute). A dropped or duplicated term, a wrong row/column, or a missing
// epilogue step moves an output by about one typical |a*b| ~ S/k, far above k*u*S.
inline void expect_gemm_matches(const GemmCase& g, const GemmData& d, const std::vector<float>& c) {
  const std::int64_t n_end = g.n_end < 0 ? g.n : g.n_end;
  constexpr double u = 1.0 / (1 << 24);
  std::int64_t bad = 0;
  for (std::int64_t i = 0; i < g.m; ++i) {
    for (std::int64_t j = 0; j < g.ldc; ++j) {
      const float got = c[static_cast<std::size_t>(i * g.ldc + j)];
      if (j < g.n_begin || j >= n_end) {
        if (got != kSentinel && bad++ < 5)
          ADD_FAILURE() << g.describe() << ": C(" << i << "," << j << ") outside the computed columns was written: " << got;
        continue;
      }
      double sum = 0.0, mag = 0.0;
      for (std::int64_t p = 0; p < g.k; ++p) {
        const double t = static_cast<double>(d.a[static_cast<std::size_t>(i * g.lda + p)]) * d.b_at(g, p, j);
        sum += t;
        mag += std::abs(t);
      }
      if (g.bias) {
        sum += d.bias[static_cast<std::size_t>(j)];
        mag += std::abs(d.bias[static_cast<std::size_t>(j)]);
      }
      if (g.residual) {
        const double r = d.residual[static_cast<std::size_t>(i * g.ld_residual + j)];
        sum += r;
        mag += std::abs(r);
      }
      double want = sum;
      switch (g.act.act) {
        case kernels::Activation::None: break;
        case kernels::Activation::Relu: want = sum > 0.0 ? sum : 0.0; break;
        case kernels::Activation::Clip:
          want = sum < g.act.clip_min ? g.act.clip_min : (sum > g.act.clip_max ? g.act.clip_max : sum);
          break;
        case kernels::Activation::LeakyRelu: want = sum >= 0.0 ? sum : sum * g.act.alpha; break;
        case kernels::Activation::Sigmoid: want = 1.0 / (1.0 + std::exp(-sum)); break;
      }
      const double n_terms = static_cast<double>(g.k + 2);
      double tol = 2.0 * n_terms * u / (1.0 - n_terms * u) * mag;
      if (g.act.act == kernels::Activation::Sigmoid) tol = 0.25 * tol + 1e-6;
      const double err = std::abs(static_cast<double>(got) - want);
      if (!(err <= tol) && bad++ < 5)
        ADD_FAILURE() << g.describe() << ": C(" << i << "," << j << ") = " << got << ", want " << want << " (err "
                      << err << ", tol " << tol << ")";
    }
  }
  EXPECT_EQ(bad, 0) << g.describe();
}

}  // namespace tarsier::x86_test
