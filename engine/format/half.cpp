#include "format/half.hpp"

#include <bit>

namespace tarsier {

std::uint16_t float_to_half(float value) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
  const std::uint32_t magnitude = bits & 0x7fffffffu;

  if (magnitude >= 0x7f800000u) {  // inf or NaN
    if (magnitude == 0x7f800000u) return sign | 0x7c00u;
    return static_cast<std::uint16_t>(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu));
  }
  // 65520 is halfway between the largest half (65504, odd mantissa) and 2^16: ties go up.
  if (magnitude >= 0x477ff000u) return sign | 0x7c00u;

  const int exponent = static_cast<int>(magnitude >> 23) - 127;
  std::uint32_t kept;
  std::uint32_t dropped;
  std::uint32_t halfway;
  if (exponent >= -14) {  // normal half: rebias the exponent, keep 10 of 23 mantissa bits
    const std::uint32_t mantissa = magnitude & 0x7fffffu;
    kept = (static_cast<std::uint32_t>(exponent + 15) << 10) | (mantissa >> 13);
    dropped = mantissa & 0x1fffu;
    halfway = 0x1000u;
  } else {
    // Subnormal half: count units of 2^-24. Below 2^-25 everything rounds to zero
    // (exactly 2^-25 is a tie with the even 0 and is handled by the general path).
    if (exponent < -25) return sign;
    const std::uint32_t significand = (magnitude & 0x7fffffu) | 0x800000u;  // value = significand * 2^(exponent-23)
    const int shift = -(exponent + 1);                                      // 14..24
    kept = significand >> shift;
    dropped = significand & ((1u << shift) - 1);
    halfway = 1u << (shift - 1);
  }
  // A carry out of the mantissa correctly bumps the exponent (or turns the largest
  // subnormal into the smallest normal).
  if (dropped > halfway || (dropped == halfway && (kept & 1u))) ++kept;
  return static_cast<std::uint16_t>(sign | kept);
}

float half_to_float(std::uint16_t half) {
  const std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000u) << 16;
  int exponent = (half >> 10) & 0x1f;
  std::uint32_t mantissa = half & 0x3ffu;

  if (exponent == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0) return std::bit_cast<float>(sign);
    // Subnormal: shift the leading one up to the implicit position.
    exponent = 1;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    mantissa &= 0x3ffu;
  }
  // Rebias 15 -> 127 (the smallest subnormal ends at 1 - 10 + 112 = 103, still > 0).
  return std::bit_cast<float>(sign | (static_cast<std::uint32_t>(exponent + 112) << 23) | (mantissa << 13));
}

}  // namespace tarsier
