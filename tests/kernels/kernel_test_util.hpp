#pragma once
// Shared helpers for the reference-kernel tests: seeded random data and the tolerance rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "kernels/common/epilogue.hpp"

namespace tarsier::kernel_test {

inline std::vector<float> random_vector(std::mt19937& rng, std::int64_t count, float lo = -1.0f,
                                        float hi = 1.0f) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(static_cast<std::size_t>(count));
  for (float& x : v) x = dist(rng);
  return v;
}

inline std::int64_t uniform_int(std::mt19937& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

// Tolerance: float kernels are compared with double-precision (or otherwise independent)
// references. A float sum of K terms of magnitude <= M carries an error of order K * 2^-24 * M;
// for the sizes tested (K <= a few hundred) that is well below 1e-5 of the largest output,
// while any indexing mistake moves an output by a sizeable fraction of it. Scaling by
// max|ref| (not per element) keeps outputs that cancel to ~0 from failing spuriously.
inline void expect_close(std::span<const float> got, std::span<const double> want, const std::string& what,
                         double rel = 1e-5) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double max_ref = 0.0;
  for (double v : want)
    if (std::isfinite(v)) max_ref = std::max(max_ref, std::abs(v));
  const double tol = rel * std::max(max_ref, 1e-6);
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double diff = std::abs(static_cast<double>(got[i]) - want[i]);
    // Exact equality first: an empty max-pool window is -inf on both sides.
    if (static_cast<double>(got[i]) != want[i] && !(diff <= tol)) {  // also catches NaN
      if (bad++ == 0) first = i;
    }
  }
  EXPECT_EQ(bad, 0u) << what << ": " << bad << " of " << got.size() << " outputs off; first at " << first
                     << " got " << got[first] << " want " << want[first] << " (tol " << tol << ")";
}

inline void expect_close(std::span<const float> got, std::span<const float> want, const std::string& what,
                         double rel = 1e-5) {
  std::vector<double> w(want.begin(), want.end());
  expect_close(got, std::span<const double>(w), what, rel);
}

// Exact activation semantics written independently of kernels::apply_activation, in double.
inline double activate(const kernels::Epilogue& e, double v) {
  switch (e.act) {
    case kernels::Activation::None: return v;
    case kernels::Activation::Relu: return std::max(v, 0.0);
    case kernels::Activation::Clip: return std::min(std::max(v, double{e.clip_min}), double{e.clip_max});
    case kernels::Activation::LeakyRelu: return v < 0.0 ? v * e.alpha : v;
    case kernels::Activation::Sigmoid: return 1.0 / (1.0 + std::exp(-v));
  }
  return v;
}

inline kernels::Epilogue random_epilogue(std::mt19937& rng) {
  kernels::Epilogue e;
  switch (uniform_int(rng, 0, 4)) {
    case 0: e.act = kernels::Activation::None; break;
    case 1: e.act = kernels::Activation::Relu; break;
    case 2:
      e.act = kernels::Activation::Clip;
      e.clip_min = -0.25f;
      e.clip_max = 0.5f;
      break;
    case 3:
      e.act = kernels::Activation::LeakyRelu;
      e.alpha = 0.1f;
      break;
    default: e.act = kernels::Activation::Sigmoid; break;
  }
  return e;
}

inline std::string describe(std::initializer_list<std::pair<const char*, std::int64_t>> fields) {
  std::string s;
  for (const auto& [k, v] : fields) s += std::string(k) + "=" + std::to_string(v) + " ";
  return s;
}

}  // namespace tarsier::kernel_test
