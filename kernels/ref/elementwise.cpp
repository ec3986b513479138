#include "kernels/ref/elementwise.hpp"

#include "kernels/ref/shape_util.hpp"

namespace tarsier::ref {

namespace {

inline float combine(kernels::BinaryOp op, float a, float b) {
  return op == kernels::BinaryOp::Add ? a + b : a * b;
}

}  // namespace

void binary_broadcast(kernels::BinaryOp op, std::span<const std::int64_t> a_shape, const float* a,
                      std::span<const std::int64_t> b_shape, const float* b,
                      std::span<const std::int64_t> y_shape, float* y, const kernels::Epilogue& e) {
  constexpr int R = kernels::kMaxRank;
  const detail::Dims yd = detail::right_aligned(y_shape);
  const detail::Dims as = detail::strides_of(detail::right_aligned(a_shape), true);
  const detail::Dims bs = detail::strides_of(detail::right_aligned(b_shape), true);
  const std::int64_t total = detail::element_count(y_shape);
  if (total == 0) return;

  // Walk y in row-major order; the innermost axis is a plain loop with fixed strides
  // (0 or 1 for a and b), the outer axes an odometer.
  const std::int64_t inner = yd[R - 1];
  const std::int64_t sa = as[R - 1], sb = bs[R - 1];
  detail::Dims idx{};
  std::int64_t a_off = 0, b_off = 0;
  for (std::int64_t done = 0; done < total; done += inner) {
    float* yr = y + done;
    const float* ar = a + a_off;
    const float* br = b + b_off;
    for (std::int64_t i = 0; i < inner; ++i) {
      yr[i] = kernels::apply_activation(e, combine(op, ar[i * sa], br[i * sb]));
    }
    for (int d = R - 2; d >= 0; --d) {
      if (++idx[d] < yd[d]) {
        a_off += as[d];
        b_off += bs[d];
        break;
      }
      a_off -= as[d] * (yd[d] - 1);
      b_off -= bs[d] * (yd[d] - 1);
      idx[d] = 0;
    }
  }
}

void activation(const kernels::Epilogue& e, const float* x, float* y, std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) y[i] = kernels::apply_activation(e, x[i]);
}

void channel_affine(std::int64_t n, std::int64_t c, std::int64_t hw, const float* x, const float* mul,
                    const float* add, float* y) {
  for (std::int64_t b = 0; b < n; ++b) {
    for (std::int64_t ch = 0; ch < c; ++ch) {
      const std::int64_t off = (b * c + ch) * hw;
      const float m = mul[ch], s = add[ch];
      for (std::int64_t i = 0; i < hw; ++i) y[off + i] = x[off + i] * m + s;
    }
  }
}

}  // namespace tarsier::ref
