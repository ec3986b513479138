#include "kernels/ref/concat.hpp"

#include <algorithm>

namespace tarsier::ref {

void concat(std::span<const float* const> inputs, std::span<const std::int64_t> axis_sizes,
            std::int64_t outer, std::int64_t inner, float* y) {
  std::int64_t total_axis = 0;
  for (std::int64_t s : axis_sizes) total_axis += s;
  for (std::int64_t o = 0; o < outer; ++o) {
    float* yo = y + o * total_axis * inner;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::int64_t block = axis_sizes[i] * inner;
      const float* src = inputs[i] + o * block;
      yo = std::copy(src, src + block, yo);
    }
  }
}

}  // namespace tarsier::ref
