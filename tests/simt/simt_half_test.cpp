// __half conversions and arithmetic: known values, the x86 F16C instructions as an independent
// oracle where the CPU has them, and fma cases where rounding through float would be wrong.
#include <gtest/gtest.h>
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>

#include "simt/simt_test_util.hpp"

namespace tarsier::simt_test {
namespace {

std::uint16_t bits(__half h) { return __half_as_ushort(h); }
__half from(std::uint16_t b) { return __ushort_as_half(b); }

__attribute__((target("f16c"))) std::uint16_t f16c_from_float(float f) {
  return static_cast<std::uint16_t>(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT));
}
__attribute__((target("f16c"))) float f16c_to_float(std::uint16_t h) { return _cvtsh_ss(h); }
bool have_f16c() { return __builtin_cpu_supports("f16c"); }

TEST(SimtHalf, KnownConversions) {
  struct Case {
    float f;
    std::uint16_t h;
  };
  const Case cases[] = {
      {0.0f, 0x0000},
      {-0.0f, 0x8000},
      {1.0f, 0x3c00},
      {-2.0f, 0xc000},
      {0.1f, 0x2e66},
      {65504.0f, 0x7bff},                      // largest finite
      {65519.99f, 0x7bff},                     // just below the rounding point
      {65520.0f, 0x7c00},                      // ties to even: rounds up to infinity
      {1e9f, 0x7c00},                          // overflow
      {std::ldexp(1.0f, -14), 0x0400},         // smallest normal
      {std::ldexp(1.0f, -24), 0x0001},         // smallest subnormal
      {std::ldexp(1.0f, -25), 0x0000},         // half of it: tie to even (0)
      {std::ldexp(1.5f, -25), 0x0001},         // above the tie
      {std::ldexp(3.0f, -25), 0x0002},         // 1.5 subnormal ulps: tie to even (2)
      {1.0f + std::ldexp(1.0f, -11), 0x3c00},  // tie: to even (1.0)
      {1.0f + std::ldexp(3.0f, -11), 0x3c02},  // tie: to even (1 + 2^-9)
      {1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20), 0x3c01},
      {std::ldexp(1023.0f, -24) + std::ldexp(1.0f, -25), 0x0400},  // subnormal rounding into the normals
      {INFINITY, 0x7c00},
      {-INFINITY, 0xfc00},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(bits(__float2half(c.f)), c.h) << c.f;
    EXPECT_EQ(bits(__float2half_rn(c.f)), c.h) << c.f;
  }
  EXPECT_EQ(bits(__float2half(NAN)), 0x7fff);  // CUDA's canonical NaN
  EXPECT_TRUE(std::isnan(__half2float(from(0x7e00))));
  EXPECT_EQ(__half2float(from(0x0001)), std::ldexp(1.0f, -24));
  EXPECT_EQ(__half2float(from(0x7bff)), 65504.0f);
  EXPECT_EQ(__half2float(from(0xfc00)), -INFINITY);
  const __half2 h2 = __floats2half2_rn(1.5f, -0.25f);
  EXPECT_EQ(__low2float(h2), 1.5f);
  EXPECT_EQ(__high2float(h2), -0.25f);
  EXPECT_EQ(__half2float(__int2half_rn(2049)), 2048.0f);  // tie to even
  const __half2 other = __floats2half2_rn(3.0f, 4.0f);
  EXPECT_EQ(__high2float(__low2half2(h2)), 1.5f);
  EXPECT_EQ(__low2float(__high2half2(h2)), -0.25f);
  EXPECT_EQ(__high2float(__lows2half2(h2, other)), 3.0f);
  EXPECT_EQ(__low2float(__highs2half2(h2, other)), -0.25f);
  EXPECT_EQ(__high2float(make_half2(__float2half(5.0f), __float2half(6.0f))), 6.0f);
}

TEST(SimtHalf, ConversionsMatchF16C) {
  if (!have_f16c()) GTEST_SKIP() << "no F16C on this CPU";
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const float want = f16c_to_float(static_cast<std::uint16_t>(h));
    const float got = __half2float(from(static_cast<std::uint16_t>(h)));
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got)) << h;
      continue;
    }
    ASSERT_EQ(std::memcmp(&want, &got, sizeof got), 0) << std::hex << h;
  }
  std::mt19937 rng(9);
  for (int i = 0; i < 1000000; ++i) {
    std::uint32_t u = static_cast<std::uint32_t>(rng());
    if (i % 2) u = (u & 0x807fffffu) | ((100u + rng() % 50u) << 23);  // mostly the half range
    float f;
    std::memcpy(&f, &u, sizeof f);
    if (std::isnan(f)) continue;
    ASSERT_EQ(bits(__float2half(f)), f16c_from_float(f)) << std::hexfloat << f;
  }
}

TEST(SimtHalf, ArithmeticIsCorrectlyRounded) {
  if (!have_f16c()) GTEST_SKIP() << "no F16C on this CPU";
  std::mt19937 rng(10);
  for (int i = 0; i < 300000; ++i) {
    const __half a = from(static_cast<std::uint16_t>(rng())), b = from(static_cast<std::uint16_t>(rng()));
    const float fa = __half2float(a), fb = __half2float(b);
    if (std::isnan(fa) || std::isnan(fb)) continue;
    // Products of halves are exact in float, so F16C's rounding of them is the oracle.
    ASSERT_EQ(bits(__hmul(a, b)), f16c_from_float(fa * fb)) << fa << " * " << fb;
    const float sum = fa + fb;
    if (std::isfinite(sum) && static_cast<double>(sum) == static_cast<double>(fa) + fb) {  // exact in float
      ASSERT_EQ(bits(__hadd(a, b)), f16c_from_float(sum)) << fa << " + " << fb;
    }
    if (std::isfinite(sum) && static_cast<double>(fa - fb) == static_cast<double>(fa) - fb) {
      ASSERT_EQ(bits(__hsub(a, b)), f16c_from_float(fa - fb)) << fa << " - " << fb;
    }
  }
  EXPECT_EQ(bits(__hadd(from(0x7bff), __float2half(16.0f))), 0x7c00);  // 65520: tie rounds to infinity
  EXPECT_EQ(bits(__hadd(from(0x7bff), __float2half(8.0f))), 0x7bff);
  EXPECT_EQ(bits(__hadd(from(0x0001), from(0x8001))), 0x0000);
}

TEST(SimtHalf, FmaRoundsOnce) {
  // a*b+c where rounding to float first and then to half gives a different (wrong) answer;
  // the exact results were computed with rational arithmetic.
  struct Case {
    std::uint16_t a, b, c, fused;
  };
  const Case cases[] = {
      {0x54d9, 0x5a00, 0x8452, 0x7345},
      {0x52b8, 0x5e80, 0x81fe, 0x7575},
      {0x3a82, 0x5b17, 0x1d22, 0x59c5},
      {0x7580, 0x3d7c, 0x0d77, 0x778b},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(bits(__hfma(from(c.a), from(c.b), from(c.c))), c.fused) << std::hex << c.a << " " << c.b << " " << c.c;
    const __half2 r = __hfma2(__halves2half2(from(c.a), from(c.b)), __halves2half2(from(c.b), from(c.a)),
                              __halves2half2(from(c.c), from(c.c)));
    EXPECT_EQ(bits(__low2half(r)), c.fused);
    EXPECT_EQ(bits(__high2half(r)), c.fused);
    const float via_float = __half2float(from(c.a)) * __half2float(from(c.b)) + __half2float(from(c.c));
    EXPECT_NE(bits(__float2half(via_float)), c.fused) << "case does not exercise double rounding";
  }
  EXPECT_EQ(bits(__hfma(__float2half(2.0f), __float2half(3.0f), __float2half(1.0f))), bits(__float2half(7.0f)));
  const __half2 p = __hmul2(__floats2half2_rn(1.5f, 2.0f), __floats2half2_rn(2.0f, -0.5f));
  EXPECT_EQ(__low2float(p), 3.0f);
  EXPECT_EQ(__high2float(p), -1.0f);
  EXPECT_EQ(__low2float(__hadd2(p, p)), 6.0f);
}

}  // namespace
}  // namespace tarsier::simt_test
