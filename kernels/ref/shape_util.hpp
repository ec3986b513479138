#pragma once
// Rank-bounded index math for the shape-generic reference kernels: fixed-size arrays,
// never a heap allocation.
#include <array>
#include <cstdint>
#include <span>

#include "kernels/common/elementwise_params.hpp"

namespace tarsier::ref::detail {

using Dims = std::array<std::int64_t, kernels::kMaxRank>;

// shape right-aligned into kMaxRank dims, leading dims 1 (numpy broadcasting alignment).
inline Dims right_aligned(std::span<const std::int64_t> shape) {
  Dims d;
  d.fill(1);
  const std::size_t lead = kernels::kMaxRank - shape.size();
  for (std::size_t i = 0; i < shape.size(); ++i) d[lead + i] = shape[i];
  return d;
}

// Row-major element strides of d; a dim of size 1 gets stride 0 when broadcast is set,
// so that the same index walks the whole output while repeating the input.
inline Dims strides_of(const Dims& d, bool broadcast) {
  Dims s;
  std::int64_t acc = 1;
  for (int i = kernels::kMaxRank - 1; i >= 0; --i) {
    s[i] = broadcast && d[i] == 1 ? 0 : acc;
    acc *= d[i];
  }
  return s;
}

inline std::int64_t element_count(std::span<const std::int64_t> shape) {
  std::int64_t n = 1;
  for (std::int64_t v : shape) n *= v;
  return n;
}

}  // namespace tarsier::ref::detail
