#include "kernels/ref/transpose.hpp"

#include "kernels/ref/shape_util.hpp"

namespace tarsier::ref {

void transpose(std::span<const std::int64_t> x_shape, const float* x, std::span<const std::int64_t> perm,
               float* y) {
  constexpr int R = kernels::kMaxRank;
  const std::size_t rank = x_shape.size();
  const std::size_t lead = R - rank;
  const detail::Dims xs_full = detail::strides_of(detail::right_aligned(x_shape), false);

  // y axes right-aligned; the leading unit axes get stride 0 and are never advanced.
  detail::Dims yd, xs;
  yd.fill(1);
  xs.fill(0);
  for (std::size_t d = 0; d < rank; ++d) {
    yd[lead + d] = x_shape[perm[d]];
    xs[lead + d] = xs_full[lead + perm[d]];
  }
  const std::int64_t total = detail::element_count(x_shape);

  // Walk y in order; x_off follows through the permuted strides.
  detail::Dims idx{};
  std::int64_t x_off = 0;
  for (std::int64_t t = 0; t < total; ++t) {
    y[t] = x[x_off];
    for (int d = R - 1; d >= 0; --d) {
      if (++idx[d] < yd[d]) {
        x_off += xs[d];
        break;
      }
      x_off -= xs[d] * (yd[d] - 1);
      idx[d] = 0;
    }
  }
}

}  // namespace tarsier::ref
