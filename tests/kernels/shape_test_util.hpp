#pragma once
// Per-element index helpers for the shape-generic kernel tests (deliberately not the
// kernels' stride/odometer walk: unravel every flat index, then ravel it again).
#include <cstdint>
#include <random>
#include <vector>

#include "kernel_test_util.hpp"

namespace tarsier::kernel_test {

using Shape = std::vector<std::int64_t>;

inline std::int64_t count(const Shape& s) {
  std::int64_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

inline Shape unravel(std::int64_t flat, const Shape& s) {
  Shape idx(s.size());
  for (std::size_t d = s.size(); d-- > 0;) {
    idx[d] = flat % s[d];
    flat /= s[d];
  }
  return idx;
}

inline std::int64_t ravel(const Shape& idx, const Shape& s) {
  std::int64_t flat = 0;
  for (std::size_t d = 0; d < s.size(); ++d) flat = flat * s[d] + idx[d];
  return flat;
}

inline Shape random_shape(std::mt19937& rng, std::int64_t min_rank, std::int64_t max_rank, std::int64_t max_dim) {
  Shape s(static_cast<std::size_t>(uniform_int(rng, min_rank, max_rank)));
  for (auto& d : s) d = uniform_int(rng, 1, max_dim);
  return s;
}

inline std::string shape_str(const Shape& s) {
  std::string r = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0) r += ',';
    r += std::to_string(s[i]);
  }
  return r + "]";
}

}  // namespace tarsier::kernel_test
