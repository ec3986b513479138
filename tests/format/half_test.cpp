// fp16 <-> fp32 conversion checked exhaustively against independent references:
// the value formula of IEEE binary16 and, where the compiler has it, _Float16.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>

#include "format/half.hpp"

namespace tarsier {
namespace {

// Value of a half computed from its fields with ldexp, not with bit manipulation.
double half_value(std::uint16_t h) {
  const int sign = (h >> 15) ? -1 : 1;
  const int e = (h >> 10) & 0x1f;
  const int m = h & 0x3ff;
  if (e == 0x1f) return m ? std::nan("") : sign * INFINITY;
  if (e == 0) return sign * std::ldexp(m, -24);
  return sign * std::ldexp(1024 + m, e - 25);
}

bool is_nan_half(std::uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0; }

TEST(Half, EveryHalfWidensExactly) {
  for (std::uint32_t i = 0; i < 65536; ++i) {
    const auto h = static_cast<std::uint16_t>(i);
    const float f = half_to_float(h);
    const double want = half_value(h);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(f)) << std::hex << i;
    } else {
      ASSERT_EQ(static_cast<double>(f), want) << std::hex << i;
      ASSERT_EQ(std::signbit(f), (i & 0x8000) != 0) << std::hex << i;  // also -0
    }
  }
}

TEST(Half, EveryHalfSurvivesARoundTrip) {
  for (std::uint32_t i = 0; i < 65536; ++i) {
    const auto h = static_cast<std::uint16_t>(i);
    const std::uint16_t back = float_to_half(half_to_float(h));
    if (is_nan_half(h)) {
      ASSERT_TRUE(is_nan_half(back)) << std::hex << i;
      ASSERT_EQ(back & 0x8000, h & 0x8000) << std::hex << i;
    } else {
      ASSERT_EQ(back, h) << std::hex << i;
    }
  }
}

// Between every pair of neighbouring finite halves (same sign), the exact midpoint
// goes to the one with an even mantissa, and one float ulp either side goes to the
// nearer one. Covers subnormals, the subnormal/normal border and every binade.
TEST(Half, RoundsToNearestEvenAtEveryMidpoint) {
  for (std::uint32_t sign : {0u, 0x8000u}) {
    for (std::uint32_t m = 0; m < 0x7bff; ++m) {
      const auto lo = static_cast<std::uint16_t>(sign | m);
      const auto hi = static_cast<std::uint16_t>(sign | (m + 1));
      const double mid = (half_value(lo) + half_value(hi)) / 2;  // exact in double
      const auto mid_f = static_cast<float>(mid);
      ASSERT_EQ(static_cast<double>(mid_f), mid) << "midpoint not exact in float at " << m;
      const std::uint16_t even = (m & 1) ? hi : lo;
      ASSERT_EQ(float_to_half(mid_f), even) << std::hex << lo;
      const float toward_lo = std::nextafter(mid_f, static_cast<float>(half_value(lo)));
      const float toward_hi = std::nextafter(mid_f, static_cast<float>(half_value(hi)));
      ASSERT_EQ(float_to_half(toward_lo), lo) << std::hex << lo;
      ASSERT_EQ(float_to_half(toward_hi), hi) << std::hex << lo;
    }
  }
}

TEST(Half, OverflowUnderflowAndSpecials) {
  EXPECT_EQ(float_to_half(65504.0f), 0x7bff);
  EXPECT_EQ(float_to_half(65519.996f), 0x7bff);
  EXPECT_EQ(float_to_half(65520.0f), 0x7c00);  // tie with the odd 65504: rounds up to inf
  EXPECT_EQ(float_to_half(-1e10f), 0xfc00);
  EXPECT_EQ(float_to_half(INFINITY), 0x7c00);
  EXPECT_EQ(float_to_half(-INFINITY), 0xfc00);
  EXPECT_TRUE(is_nan_half(float_to_half(NAN)));
  EXPECT_TRUE(is_nan_half(float_to_half(std::bit_cast<float>(0x7f800001u))));  // signalling NaN with low payload
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -25)), 0x0000);                    // tie with even 0
  EXPECT_EQ(float_to_half(std::nextafter(std::ldexp(1.0f, -25), 1.0f)), 0x0001);
  EXPECT_EQ(float_to_half(-std::ldexp(1.0f, -26)), 0x8000);
  EXPECT_EQ(float_to_half(std::numeric_limits<float>::denorm_min()), 0x0000);
  EXPECT_EQ(float_to_half(-0.0f), 0x8000);
  EXPECT_EQ(float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half(1.0f / 3.0f), 0x3555);
}

#ifdef __FLT16_MAX__
// The compiler's own conversion as a second opinion over a wide spread of floats.
TEST(Half, AgreesWithCompilerFloat16) {
  for (std::uint64_t bits = 0; bits <= 0xffffffffu; bits += 4093) {
    const float f = std::bit_cast<float>(static_cast<std::uint32_t>(bits));
    const std::uint16_t mine = float_to_half(f);
    const auto theirs = std::bit_cast<std::uint16_t>(static_cast<_Float16>(f));
    if (std::isnan(f)) {
      ASSERT_TRUE(is_nan_half(mine)) << std::hex << bits;
    } else {
      ASSERT_EQ(mine, theirs) << std::hex << bits;
    }
  }
}
#endif

}  // namespace
}  // namespace tarsier
