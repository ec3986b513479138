#pragma once
// IEEE 754 binary16 <-> binary32 conversion, written out so that storage does not
// depend on compiler or CPU support for _Float16 / F16C.
#include <cstdint>

namespace tarsier {

// Round to nearest, ties to even. Overflow gives +-inf, values below half the smallest
// subnormal give +-0, NaN stays NaN (quiet, upper payload bits kept).
std::uint16_t float_to_half(float value);
// Exact: every half is representable as a float.
float half_to_float(std::uint16_t half);

}  // namespace tarsier
