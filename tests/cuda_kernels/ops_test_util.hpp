#pragma once
// Helpers of the op-kernel tests (ops_*_test.cpp): storage types, NCHW <-> NHWC staging with
// pixel strides, sentinel-filled outputs whose untouched channels are checked, comparisons.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "simt/simt_test_util.hpp"

namespace tarsier::ops_test {

using simt_test::DeviceBuffer;

template <class T>
inline constexpr const char* kTypeName = "float";
template <>
inline constexpr const char* kTypeName<__half> = "half";

inline float to_f(float v) { return v; }
inline float to_f(__half v) { return static_cast<float>(v); }

template <class T>
T from_f(float v) {
  if constexpr (std::is_same_v<T, float>) {
    return v;
  } else {
    return __float2half_rn(v);
  }
}

// v rounded to T and back: the values a T-storage kernel actually sees.
template <class T>
std::vector<float> representable(std::vector<float> v) {
  for (float& x : v) x = to_f(from_f<T>(x));
  return v;
}

// A value no kernel writes: checks that channels outside [0, c) of a strided pixel survive.
inline constexpr float kSentinel = -12345.0f;

inline bool is_sentinel(float v) { return v == kSentinel || (std::isnan(kSentinel) && std::isnan(v)); }

// NCHW floats -> NHWC T with pixel stride `stride` (other channels: kSentinel).
template <class T>
DeviceBuffer<T> nhwc_from_nchw(const std::vector<float>& x, std::int64_t n, std::int64_t c, std::int64_t hw,
                               std::int64_t stride) {
  DeviceBuffer<T> out(static_cast<std::size_t>(n * hw * stride), from_f<T>(kSentinel));
  for (std::int64_t b = 0; b < n; ++b)
    for (std::int64_t ch = 0; ch < c; ++ch)
      for (std::int64_t p = 0; p < hw; ++p) out[(b * hw + p) * stride + ch] = from_f<T>(x[(b * c + ch) * hw + p]);
  return out;
}

// Compares NHWC strided y with NCHW reference `want` (converted to T when exact), within `tol`
// (absolute + relative to |want|), and checks the padding channels still hold the sentinel.
template <class T>
void expect_nhwc_matches(const DeviceBuffer<T>& y, std::int64_t stride, const std::vector<float>& want, std::int64_t n,
                         std::int64_t c, std::int64_t hw, float tol, const std::string& what) {
  int bad = 0;
  for (std::int64_t b = 0; b < n && bad < 5; ++b) {
    for (std::int64_t p = 0; p < hw && bad < 5; ++p) {
      for (std::int64_t ch = 0; ch < stride && bad < 5; ++ch) {
        const float got = to_f(y.data()[(b * hw + p) * stride + ch]);
        if (ch >= c) {
          if (!(got == to_f(from_f<T>(kSentinel)))) {
            ADD_FAILURE() << what << ": padding channel " << ch << " of pixel " << p << " overwritten: " << got;
            ++bad;
          }
          continue;
        }
        const float w = to_f(from_f<T>(want[(b * c + ch) * hw + p]));
        const bool ok = tol == 0.0f ? (got == w || (std::isnan(got) && std::isnan(w)) ||
                                       (std::isinf(got) && std::isinf(w) && (got > 0) == (w > 0)))
                                    : std::fabs(got - w) <= tol * (1.0f + std::fabs(w));
        if (!ok) {
          ADD_FAILURE() << what << ": image " << b << " channel " << ch << " pixel " << p << ": got " << got
                        << ", want " << w << " (tol " << tol << ")";
          ++bad;
        }
      }
    }
  }
}

// Flat comparison of T values against float references: |got - want| <= tol * |want| + abs_tol,
// abs_tol = tol unless given (small outputs such as probabilities pass a tiny abs_tol so the
// bound stays relative).
template <class T>
void expect_flat_matches(const T* y, const std::vector<float>& want, float tol, const std::string& what,
                         float abs_tol = -1.0f) {
  if (abs_tol < 0.0f) abs_tol = tol;
  int bad = 0;
  for (std::size_t i = 0; i < want.size() && bad < 5; ++i) {
    const float got = to_f(y[i]);
    const float w = to_f(from_f<T>(want[i]));
    const bool ok = tol == 0.0f ? (got == w || (std::isnan(got) && std::isnan(w)))
                                : std::fabs(got - w) <= tol * std::fabs(w) + abs_tol;
    if (!ok) {
      ADD_FAILURE() << what << ": element " << i << ": got " << got << ", want " << w << " (tol " << tol << ")";
      ++bad;
    }
  }
}

inline std::int64_t pick(std::mt19937& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

}  // namespace tarsier::ops_test
