#include "kernels/ref/softmax.hpp"

#include <algorithm>
#include <cmath>

namespace tarsier::ref {

void softmax(const float* x, float* y, std::int64_t outer, std::int64_t axis_len, std::int64_t inner) {
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t i = 0; i < inner; ++i) {
      const std::int64_t base = o * axis_len * inner + i;
      float m = x[base];
      for (std::int64_t k = 1; k < axis_len; ++k) m = std::max(m, x[base + k * inner]);
      float sum = 0.0f;
      for (std::int64_t k = 0; k < axis_len; ++k) {
        const float v = std::exp(x[base + k * inner] - m);
        y[base + k * inner] = v;
        sum += v;
      }
      const float inv = 1.0f / sum;
      for (std::int64_t k = 0; k < axis_len; ++k) y[base + k * inner] *= inv;
    }
  }
}

}  // namespace tarsier::ref
