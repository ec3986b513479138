#pragma once
// Index helpers shared by the reference convolution-like kernels.
#include <algorithm>
#include <cstdint>

namespace tarsier::ref::detail {

struct Range {
  std::int64_t begin = 0, end = 0;  // half-open; empty when begin >= end
};

// The outputs o in [0, out_len) whose input index o*stride + offset lies in [0, in_len).
// Computing this once per kernel tap keeps bounds checks out of the inner loops.
inline Range valid_outputs(std::int64_t out_len, std::int64_t in_len, std::int64_t stride,
                           std::int64_t offset) {
  // o*stride + offset >= 0  <=>  o >= ceil(-offset / stride)
  const std::int64_t lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  // o*stride + offset <= in_len - 1  <=>  o <= floor((in_len - 1 - offset) / stride)
  const std::int64_t last = in_len - 1 - offset;
  if (last < 0) return {0, 0};
  const std::int64_t hi = std::min(out_len, last / stride + 1);
  return {lo, std::max(lo, hi)};
}

}  // namespace tarsier::ref::detail
