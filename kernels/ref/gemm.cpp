#include "kernels/ref/gemm.hpp"

#include "kernels/ref/shape_util.hpp"

namespace tarsier::ref {

namespace {

// y[m][n] = a[m][k] * b[k][n], all dense row-major. i-k-j order: the innermost loop runs along contiguous rows of b and y.
void plain_matmul(std::int64_t m, std::int64_t n, std::int64_t k, const float* a, const float* b, float* y) {
  for (std::int64_t i = 0; i < m; ++i) {
    float* __restrict yr = y + i * n;
    for (std::int64_t j = 0; j < n; ++j) yr[j] = 0.0f;
    for (std::int64_t kk = 0; kk < k; ++kk) {
      const float av = a[i * k + kk];
      const float* __restrict br = b + kk * n;
      for (std::int64_t j = 0; j < n; ++j) yr[j] += av * br[j];
    }
  }
}

float bias_at(const kernels::GemmParams& p, const float* c, std::int64_t i, std::int64_t j) {
  switch (p.bias) {
    case kernels::BiasKind::None: return 0.0f;
    case kernels::BiasKind::Scalar: return c[0];
    case kernels::BiasKind::Row: return c[j];
    case kernels::BiasKind::Column: return c[i];
    case kernels::BiasKind::Full: return c[i * p.n + j];
  }
  return 0.0f;
}

}  // namespace

void gemm(const kernels::GemmParams& p, const float* a, const float* b, const float* c, float* y) {
  // Element (i, kk) of op(a) and (kk, j) of op(b) in their stored layouts.
  const std::int64_t a_si = p.trans_a ? 1 : p.k, a_sk = p.trans_a ? p.m : 1;
  for (std::int64_t i = 0; i < p.m; ++i) {
    float* __restrict yr = y + i * p.n;
    for (std::int64_t j = 0; j < p.n; ++j) yr[j] = 0.0f;
    if (p.trans_b) {
      // b stored [n][k]: a dot product along contiguous rows of b.
      for (std::int64_t j = 0; j < p.n; ++j) {
        const float* br = b + j * p.k;
        float acc = 0.0f;
        for (std::int64_t kk = 0; kk < p.k; ++kk) acc += a[i * a_si + kk * a_sk] * br[kk];
        yr[j] = acc;
      }
    } else {
      for (std::int64_t kk = 0; kk < p.k; ++kk) {
        const float av = a[i * a_si + kk * a_sk];
        const float* __restrict br = b + kk * p.n;
        for (std::int64_t j = 0; j < p.n; ++j) yr[j] += av * br[j];
      }
    }
    for (std::int64_t j = 0; j < p.n; ++j) {
      const float v = p.alpha * yr[j] + (p.bias != kernels::BiasKind::None ? p.beta * bias_at(p, c, i, j) : 0.0f);
      yr[j] = kernels::apply_activation(p.epilogue, v);
    }
  }
}

void matmul(std::span<const std::int64_t> a_shape, const float* a, std::span<const std::int64_t> b_shape,
            const float* b, std::span<const std::int64_t> /*y_shape*/, float* y) {
  constexpr int R = kernels::kMaxRank;
  // Promote 1-D operands; y's memory layout is the same whether or not the unit axis is kept.
  const bool a_vec = a_shape.size() == 1, b_vec = b_shape.size() == 1;
  const std::int64_t m = a_vec ? 1 : a_shape[a_shape.size() - 2];
  const std::int64_t k = a_shape.back();
  const std::int64_t n = b_vec ? 1 : b_shape.back();
  const auto a_batch = a_vec ? std::span<const std::int64_t>{} : a_shape.first(a_shape.size() - 2);
  const auto b_batch = b_vec ? std::span<const std::int64_t>{} : b_shape.first(b_shape.size() - 2);

  const detail::Dims ad = detail::right_aligned(a_batch), bd = detail::right_aligned(b_batch);
  const detail::Dims as = detail::strides_of(ad, true), bs = detail::strides_of(bd, true);
  detail::Dims yd;
  std::int64_t batches = 1;
  for (int d = 0; d < R; ++d) {
    yd[d] = ad[d] == 1 ? bd[d] : ad[d];
    batches *= yd[d];
  }

  detail::Dims idx{};
  for (std::int64_t t = 0; t < batches; ++t) {
    std::int64_t ai = 0, bi = 0;
    for (int d = 0; d < R; ++d) {
      ai += idx[d] * as[d];
      bi += idx[d] * bs[d];
    }
    plain_matmul(m, n, k, a + ai * m * k, b + bi * k * n, y + t * m * n);
    for (int d = R - 1; d >= 0; --d) {
      if (++idx[d] < yd[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace tarsier::ref
