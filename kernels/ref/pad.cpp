#include "kernels/ref/pad.hpp"

#include <algorithm>

#include "kernels/ref/shape_util.hpp"

namespace tarsier::ref {

void pad_constant(std::span<const std::int64_t> x_shape, const float* x, std::span<const std::int64_t> pads,
                  float value, float* y) {
  constexpr int R = kernels::kMaxRank;
  const std::size_t rank = x_shape.size();
  const std::size_t lead = R - rank;
  detail::Dims xd = detail::right_aligned(x_shape);
  detail::Dims begin{}, yd = xd;
  for (std::size_t i = 0; i < rank; ++i) {
    begin[lead + i] = pads[i];
    yd[lead + i] += pads[i] + pads[rank + i];
  }
  const detail::Dims ys = detail::strides_of(yd, false);

  std::fill(y, y + detail::element_count(yd), value);
  const std::int64_t x_total = detail::element_count(xd);
  const std::int64_t row = xd[R - 1];
  if (x_total == 0) return;

  // Copy each innermost row of x to its place in y; an odometer walks the outer axes.
  detail::Dims idx{};
  for (std::int64_t done = 0; done < x_total; done += row) {
    std::int64_t off = 0;
    for (int d = 0; d < R; ++d) off += (idx[d] + begin[d]) * ys[d];
    std::copy(x + done, x + done + row, y + off);
    for (int d = R - 2; d >= 0; --d) {
      if (++idx[d] < xd[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace tarsier::ref
