#pragma once
// IEEE binary16 for the emulator build: __half / __half2 with the cuda_fp16.h
// functions the kernels use. Every operation is computed exactly in double and
// rounded once to nearest-even, as the hardware does (double has enough bits
// for +, -, *, / of halves to be exact or to round innocuously; fma uses
// round-to-odd to avoid double rounding).
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/cuda/simt/vector_types.hpp"

namespace tarsier::simt::detail {

// Round-to-nearest-even conversion of a double to binary16 bits (NaN -> 0x7fff
// like CUDA).
inline std::uint16_t double_to_half_bits(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  const auto sign = static_cast<std::uint16_t>((b >> 48) & 0x8000u);
  const int biased = static_cast<int>((b >> 52) & 0x7ff);
  const std::uint64_t frac = b & ((std::uint64_t{1} << 52) - 1);
  if (biased == 0x7ff) return frac != 0 ? std::uint16_t{0x7fff} : static_cast<std::uint16_t>(sign | 0x7c00u);
  const int e = biased - 1023;
  if (biased == 0 || e < -25) return sign;  // below half the smallest subnormal: rounds to zero
  if (e > 15) return static_cast<std::uint16_t>(sign | 0x7c00u);
  const std::uint64_t m = frac | (std::uint64_t{1} << 52);  // value = m * 2^(e - 52)
  // Normal halves keep 11 significant bits; subnormals are counted in units of
  // 2^-24.
  const int shift = e >= -14 ? 42 : 42 + (-14 - e);
  std::uint64_t q = m >> shift;
  const std::uint64_t rem = m & ((std::uint64_t{1} << shift) - 1);
  const std::uint64_t halfway = std::uint64_t{1} << (shift - 1);
  if (rem > halfway || (rem == halfway && (q & 1))) ++q;
  // For normals q carries the implicit bit at 2^10, so adding it to (e + 14) <<
  // 10 yields the biased exponent; a carry out of the significand rolls into
  // the exponent (up to infinity).
  std::uint32_t bits = e >= -14 ? static_cast<std::uint32_t>(((e + 14) << 10) + q) : static_cast<std::uint32_t>(q);
  if (bits >= 0x7c00u) bits = 0x7c00u;
  return static_cast<std::uint16_t>(sign | bits);
}

inline float half_bits_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const int exp = (h >> 10) & 0x1f;
  const std::uint32_t mant = h & 0x3ffu;
  std::uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp == 0) {
    const float v = std::ldexp(static_cast<float>(mant), -24);  // exact
    return sign ? -v : v;
  } else {
    bits = sign | (static_cast<std::uint32_t>(exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// a*b + c rounded to odd in double: a product of halves is exact, and when the
// sum is not, forcing the last bit to 1 keeps the final rounding to half
// correct (no false ties).
inline double fma_round_to_odd(double a, double b, double c) {
  const double p = a * b;
  const double s = p + c;
  if (!std::isfinite(s)) return s;
  const double bb = s - p;
  const double err = (p - (s - bb)) + (c - bb);
  if (err == 0) return s;
  std::uint64_t bits;
  std::memcpy(&bits, &s, sizeof bits);
  if ((bits & 1) == 0) return std::nextafter(s, err > 0 ? INFINITY : -INFINITY);
  return s;
}

}  // namespace tarsier::simt::detail

struct __half_raw {
  unsigned short x;
};

struct __half {
  __half() = default;
  __half(__half_raw r) : bits_(r.x) {}
  __half(float f) : bits_(tarsier::simt::detail::double_to_half_bits(f)) {}
  __half(double d) : bits_(tarsier::simt::detail::double_to_half_bits(d)) {}
  __half(int i) : bits_(tarsier::simt::detail::double_to_half_bits(i)) {}
  operator float() const { return tarsier::simt::detail::half_bits_to_float(bits_); }
  operator __half_raw() const { return {bits_}; }

  unsigned short bits_ = 0;
};

struct alignas(4) __half2 {
  __half x, y;
};

using half = __half;
using half2 = __half2;

inline __half __ushort_as_half(unsigned short bits) { return __half_raw{bits}; }
inline unsigned short __half_as_ushort(__half h) { return h.bits_; }
inline short __half_as_short(__half h) { return static_cast<short>(h.bits_); }

inline __half __float2half(float f) { return __half(f); }
inline __half __float2half_rn(float f) { return __half(f); }
inline float __half2float(__half h) { return static_cast<float>(h); }
inline __half __int2half_rn(int i) { return __half(static_cast<double>(i)); }
inline __half2 __float2half2_rn(float f) { return {__half(f), __half(f)}; }
inline __half2 __floats2half2_rn(float lo, float hi) { return {__half(lo), __half(hi)}; }
inline __half2 __float22half2_rn(float2 f) { return {__half(f.x), __half(f.y)}; }
inline __half2 __halves2half2(__half lo, __half hi) { return {lo, hi}; }
inline __half2 __half2half2(__half h) { return {h, h}; }
inline float __low2float(__half2 h) { return static_cast<float>(h.x); }
inline float __high2float(__half2 h) { return static_cast<float>(h.y); }
inline __half __low2half(__half2 h) { return h.x; }
inline __half __high2half(__half2 h) { return h.y; }
inline __half2 make_half2(__half x, __half y) { return {x, y}; }
inline __half2 __low2half2(__half2 h) { return {h.x, h.x}; }
inline __half2 __high2half2(__half2 h) { return {h.y, h.y}; }
inline __half2 __lows2half2(__half2 a, __half2 b) { return {a.x, b.x}; }
inline __half2 __highs2half2(__half2 a, __half2 b) { return {a.y, b.y}; }
inline float2 __half22float2(__half2 h) { return {static_cast<float>(h.x), static_cast<float>(h.y)}; }

inline __half __hadd(__half a, __half b) { return __half(double(float(a)) + double(float(b))); }
inline __half __hsub(__half a, __half b) { return __half(double(float(a)) - double(float(b))); }
inline __half __hmul(__half a, __half b) { return __half(double(float(a)) * double(float(b))); }
inline __half __hdiv(__half a, __half b) { return __half(double(float(a)) / double(float(b))); }
inline __half __hfma(__half a, __half b, __half c) {
  return __half(tarsier::simt::detail::fma_round_to_odd(float(a), float(b), float(c)));
}
inline __half __hneg(__half a) { return __ushort_as_half(static_cast<unsigned short>(a.bits_ ^ 0x8000u)); }
inline __half __habs(__half a) { return __ushort_as_half(static_cast<unsigned short>(a.bits_ & 0x7fffu)); }

inline bool __heq(__half a, __half b) { return float(a) == float(b); }
inline bool __hne(__half a, __half b) { return float(a) != float(b); }
inline bool __hlt(__half a, __half b) { return float(a) < float(b); }
inline bool __hle(__half a, __half b) { return float(a) <= float(b); }
inline bool __hgt(__half a, __half b) { return float(a) > float(b); }
inline bool __hge(__half a, __half b) { return float(a) >= float(b); }
inline bool __hisnan(__half a) { return std::isnan(float(a)); }
inline int __hisinf(__half a) {
  const float f = float(a);
  return std::isinf(f) ? (f > 0 ? 1 : -1) : 0;
}

inline __half2 __hadd2(__half2 a, __half2 b) { return {__hadd(a.x, b.x), __hadd(a.y, b.y)}; }
inline __half2 __hsub2(__half2 a, __half2 b) { return {__hsub(a.x, b.x), __hsub(a.y, b.y)}; }
inline __half2 __hmul2(__half2 a, __half2 b) { return {__hmul(a.x, b.x), __hmul(a.y, b.y)}; }
inline __half2 __h2div(__half2 a, __half2 b) { return {__hdiv(a.x, b.x), __hdiv(a.y, b.y)}; }
inline __half2 __hfma2(__half2 a, __half2 b, __half2 c) { return {__hfma(a.x, b.x, c.x), __hfma(a.y, b.y, c.y)}; }
inline __half2 __hneg2(__half2 a) { return {__hneg(a.x), __hneg(a.y)}; }
inline __half2 __habs2(__half2 a) { return {__habs(a.x), __habs(a.y)}; }

// The operators cuda_fp16.hpp defines for device code.
inline __half operator+(const __half& a, const __half& b) { return __hadd(a, b); }
inline __half operator-(const __half& a, const __half& b) { return __hsub(a, b); }
inline __half operator*(const __half& a, const __half& b) { return __hmul(a, b); }
inline __half operator/(const __half& a, const __half& b) { return __hdiv(a, b); }
inline __half operator-(const __half& a) { return __hneg(a); }
inline __half& operator+=(__half& a, const __half& b) { return a = __hadd(a, b); }
inline __half& operator-=(__half& a, const __half& b) { return a = __hsub(a, b); }
inline __half& operator*=(__half& a, const __half& b) { return a = __hmul(a, b); }
inline bool operator==(const __half& a, const __half& b) { return __heq(a, b); }
inline bool operator!=(const __half& a, const __half& b) { return __hne(a, b); }
inline bool operator<(const __half& a, const __half& b) { return __hlt(a, b); }
inline bool operator<=(const __half& a, const __half& b) { return __hle(a, b); }
inline bool operator>(const __half& a, const __half& b) { return __hgt(a, b); }
inline bool operator>=(const __half& a, const __half& b) { return __hge(a, b); }
inline __half2 operator+(const __half2& a, const __half2& b) { return __hadd2(a, b); }
inline __half2 operator-(const __half2& a, const __half2& b) { return __hsub2(a, b); }
inline __half2 operator*(const __half2& a, const __half2& b) { return __hmul2(a, b); }
inline __half2& operator+=(__half2& a, const __half2& b) { return a = __hadd2(a, b); }
inline __half2& operator*=(__half2& a, const __half2& b) { return a = __hmul2(a, b); }
