#pragma once
// Shared helpers of the conv-family kernel tests: NCHW <-> NHWC with a pixel stride, random
// data, sentinel-filled outputs whose gap columns must stay untouched, error measures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/common/epilogue.hpp"
#include "kernels/x86/cpu_features.hpp"
#include "kernels/x86/gemm.hpp"

namespace tarsier::x86_conv_test {

using x86::Isa;

inline constexpr Isa kIsas[] = {Isa::Avx2, Isa::Avx512};

inline std::string isa_param_name(const testing::TestParamInfo<Isa>& info) { return x86::isa_name(info.param); }

// A value the kernels never produce from the test data, so a stray write shows.
inline constexpr float kSentinel = 1234567.0f;

inline std::vector<float> random_vector(std::size_t n, std::mt19937& rng, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// x NCHW [n][c][hw] -> NHWC [n][hw] with pixel stride ld (gap columns = fill).
inline std::vector<float> to_nhwc(const std::vector<float>& x, std::int64_t n, std::int64_t c, std::int64_t hw,
                                  std::int64_t ld, float fill = 0.0f) {
  std::vector<float> y(static_cast<std::size_t>(n * hw * ld), fill);
  for (std::int64_t b = 0; b < n; ++b)
    for (std::int64_t ch = 0; ch < c; ++ch)
      for (std::int64_t i = 0; i < hw; ++i)
        y[static_cast<std::size_t>((b * hw + i) * ld + ch)] = x[static_cast<std::size_t>((b * c + ch) * hw + i)];
  return y;
}

inline std::vector<float> to_nchw(const std::vector<float>& y, std::int64_t n, std::int64_t c, std::int64_t hw,
                                  std::int64_t ld) {
  std::vector<float> x(static_cast<std::size_t>(n * c * hw));
  for (std::int64_t b = 0; b < n; ++b)
    for (std::int64_t ch = 0; ch < c; ++ch)
      for (std::int64_t i = 0; i < hw; ++i)
        x[static_cast<std::size_t>((b * c + ch) * hw + i)] = y[static_cast<std::size_t>((b * hw + i) * ld + ch)];
  return x;
}

// Every column c..ld-1 of every pixel still holds kSentinel.
inline ::testing::AssertionResult gaps_untouched(const std::vector<float>& y, std::int64_t pixels, std::int64_t c,
                                                 std::int64_t ld) {
  for (std::int64_t i = 0; i < pixels; ++i)
    for (std::int64_t j = c; j < ld; ++j)
      if (y[static_cast<std::size_t>(i * ld + j)] != kSentinel)
        return ::testing::AssertionFailure() << "gap column " << j << " of pixel " << i << " was written";
  return ::testing::AssertionSuccess();
}

struct ErrorStats {
  double max_abs_err = 0.0, max_abs_ref = 0.0;
  double relative() const { return max_abs_ref > 0.0 ? max_abs_err / max_abs_ref : max_abs_err; }
};

inline ErrorStats compare(const std::vector<float>& got, const std::vector<float>& want) {
  ErrorStats s;
  for (std::size_t i = 0; i < want.size(); ++i) {
    s.max_abs_ref = std::max(s.max_abs_ref, std::fabs(static_cast<double>(want[i])));
    const double d = std::fabs(static_cast<double>(got[i]) - static_cast<double>(want[i]));
    s.max_abs_err = std::max(s.max_abs_err, std::isnan(d) ? INFINITY : d);
  }
  return s;
}

inline kernels::Epilogue activation(int i) {
  kernels::Epilogue e;
  switch (i % 5) {
    case 0: e.act = kernels::Activation::None; break;
    case 1: e.act = kernels::Activation::Relu; break;
    case 2:
      e.act = kernels::Activation::Clip;
      e.clip_min = -0.5f;
      e.clip_max = 6.0f;
      break;
    case 3:
      e.act = kernels::Activation::LeakyRelu;
      e.alpha = 0.1f;
      break;
    default: e.act = kernels::Activation::Sigmoid; break;
  }
  return e;
}

}  // namespace tarsier::x86_conv_test
