// gemm and matmul: hand cases and Eigen (double) on random shapes.
#include "kernels/ref/gemm.hpp"

#include <Eigen/Dense>

#include "shape_test_util.hpp"

namespace tarsier {
namespace {

using kernel_test::expect_close;
using kernel_test::Shape;
using kernels::BiasKind;
using kernels::GemmParams;
using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::vector<float> run_gemm(const GemmParams& p, const std::vector<float>& a, const std::vector<float>& b,
                            const std::vector<float>& c) {
  std::vector<float> y(static_cast<std::size_t>(p.m * p.n), -999.0f);
  ref::gemm(p, a.data(), b.data(), c.empty() ? nullptr : c.data(), y.data());
  return y;
}

TEST(GemmRef, HandProducts) {
  GemmParams p;
  p.m = 2;
  p.n = 2;
  p.k = 3;
  const std::vector<float> a = {1, 2, 3, 4, 5, 6};        // [[1,2,3],[4,5,6]]
  const std::vector<float> b = {7, 8, 9, 10, 11, 12};     // [[7,8],[9,10],[11,12]]
  EXPECT_EQ(run_gemm(p, a, b, {}), (std::vector<float>{58, 64, 139, 154}));
  // transB: b stored as [n][k] = [[7,9,11],[8,10,12]].
  p.trans_b = true;
  EXPECT_EQ(run_gemm(p, a, {7, 9, 11, 8, 10, 12}, {}), (std::vector<float>{58, 64, 139, 154}));
  // transA too: a stored as [k][m] = [[1,4],[2,5],[3,6]].
  p.trans_a = true;
  EXPECT_EQ(run_gemm(p, {1, 4, 2, 5, 3, 6}, {7, 9, 11, 8, 10, 12}, {}), (std::vector<float>{58, 64, 139, 154}));
}

TEST(GemmRef, HandAlphaBetaBiasKindsAndEpilogue) {
  GemmParams p;
  p.m = 2;
  p.n = 2;
  p.k = 1;
  p.alpha = 2;
  p.beta = 0.5f;
  const std::vector<float> a = {1, -1}, b = {1, 2};  // a*b = [[1,2],[-1,-2]] -> alpha: [[2,4],[-2,-4]]
  p.bias = BiasKind::Scalar;
  EXPECT_EQ(run_gemm(p, a, b, {2}), (std::vector<float>{3, 5, -1, -3}));
  p.bias = BiasKind::Row;
  EXPECT_EQ(run_gemm(p, a, b, {2, 4}), (std::vector<float>{3, 6, -1, -2}));
  p.bias = BiasKind::Column;
  EXPECT_EQ(run_gemm(p, a, b, {2, 4}), (std::vector<float>{3, 5, 0, -2}));
  p.bias = BiasKind::Full;
  EXPECT_EQ(run_gemm(p, a, b, {2, 4, 6, 8}), (std::vector<float>{3, 6, 1, 0}));
  p.epilogue.act = kernels::Activation::Relu;
  EXPECT_EQ(run_gemm(p, a, b, {2, 4, 6, 8}), (std::vector<float>{3, 6, 1, 0}));
  p.bias = BiasKind::None;
  EXPECT_EQ(run_gemm(p, a, b, {}), (std::vector<float>{2, 4, 0, 0}));
}

TEST(GemmRef, RandomShapesMatchEigen) {
  std::mt19937 rng(555);
  using kernel_test::uniform_int;
  const BiasKind kinds[] = {BiasKind::None, BiasKind::Scalar, BiasKind::Row, BiasKind::Column, BiasKind::Full};
  for (int i = 0; i < 200; ++i) {
    GemmParams p;
    p.m = uniform_int(rng, 1, 17);
    p.n = uniform_int(rng, 1, 17);
    p.k = uniform_int(rng, 1, 40);
    p.trans_a = uniform_int(rng, 0, 1) == 1;
    p.trans_b = uniform_int(rng, 0, 1) == 1;
    p.alpha = i % 3 == 0 ? 1.0f : 0.75f;
    p.beta = i % 4 == 0 ? 1.0f : -1.5f;
    p.bias = kinds[uniform_int(rng, 0, 4)];
    p.epilogue = kernel_test::random_epilogue(rng);
    const auto a = kernel_test::random_vector(rng, p.m * p.k);
    const auto b = kernel_test::random_vector(rng, p.k * p.n);
    const std::int64_t c_count = p.bias == BiasKind::None     ? 0
                                 : p.bias == BiasKind::Scalar ? 1
                                 : p.bias == BiasKind::Row    ? p.n
                                 : p.bias == BiasKind::Column ? p.m
                                                              : p.m * p.n;
    const auto c = kernel_test::random_vector(rng, c_count);

    Mat am(p.trans_a ? p.k : p.m, p.trans_a ? p.m : p.k), bm(p.trans_b ? p.n : p.k, p.trans_b ? p.k : p.n);
    for (Eigen::Index r = 0; r < am.size(); ++r) am.data()[r] = a[static_cast<std::size_t>(r)];
    for (Eigen::Index r = 0; r < bm.size(); ++r) bm.data()[r] = b[static_cast<std::size_t>(r)];
    const Mat opa = p.trans_a ? Mat(am.transpose()) : am, opb = p.trans_b ? Mat(bm.transpose()) : bm;
    Mat cm = Mat::Zero(p.m, p.n);
    for (std::int64_t r = 0; r < p.m; ++r)
      for (std::int64_t s = 0; s < p.n; ++s) {
        switch (p.bias) {
          case BiasKind::None: break;
          case BiasKind::Scalar: cm(r, s) = c[0]; break;
          case BiasKind::Row: cm(r, s) = c[static_cast<std::size_t>(s)]; break;
          case BiasKind::Column: cm(r, s) = c[static_cast<std::size_t>(r)]; break;
          case BiasKind::Full: cm(r, s) = c[static_cast<std::size_t>(r * p.n + s)]; break;
        }
      }
    const Mat ym = double{p.alpha} * opa * opb + double{p.beta} * cm;
    std::vector<double> want;
    for (Eigen::Index r = 0; r < ym.size(); ++r) want.push_back(kernel_test::activate(p.epilogue, ym.data()[r]));
    expect_close(run_gemm(p, a, b, c), want,
                 kernel_test::describe({{"case", i}, {"m", p.m}, {"n", p.n}, {"k", p.k}, {"ta", p.trans_a},
                                        {"tb", p.trans_b}, {"bias", static_cast<int>(p.bias)}}));
    if (HasFailure()) return;
  }
}

std::vector<float> run_matmul(const Shape& as, const std::vector<float>& a, const Shape& bs,
                              const std::vector<float>& b, const Shape& ys) {
  std::vector<float> y(static_cast<std::size_t>(kernel_test::count(ys)), -999.0f);
  ref::matmul(as, a.data(), bs, b.data(), ys, y.data());
  return y;
}

TEST(MatmulRef, HandPromotionAndBroadcast) {
  const std::vector<float> m23 = {1, 2, 3, 4, 5, 6};
  // [3] x [3,2]: row vector times matrix -> [2].
  EXPECT_EQ(run_matmul({3}, {1, 1, 1}, {3, 2}, m23, {2}), (std::vector<float>{9, 12}));
  // [2,3] x [3]: matrix times column -> [2].
  EXPECT_EQ(run_matmul({2, 3}, m23, {3}, {1, 0, -1}, {2}), (std::vector<float>{-2, -2}));
  // [3] x [3]: dot product -> scalar.
  EXPECT_EQ(run_matmul({3}, {1, 2, 3}, {3}, {4, 5, 6}, {}), (std::vector<float>{32}));
  // [2,1,2] x [2,1]: batch of two rows times one shared column.
  EXPECT_EQ(run_matmul({2, 1, 2}, {1, 2, 3, 4}, {2, 1}, {10, 1}, {2, 1, 1}), (std::vector<float>{12, 34}));
  // [1,2] x [2,2,1]: one row broadcast against a batch of two columns.
  EXPECT_EQ(run_matmul({1, 2}, {1, 2}, {2, 2, 1}, {1, 1, 5, 7}, {2, 1, 1}), (std::vector<float>{3, 19}));
}

// Numpy matmul via Eigen: promote 1-D operands, broadcast batch dims per output batch index.
std::vector<double> eigen_matmul(Shape as, const std::vector<float>& a, Shape bs, const std::vector<float>& b) {
  if (as.size() == 1) as.insert(as.begin(), 1);
  if (bs.size() == 1) bs.push_back(1);
  const std::int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  const Shape ab(as.begin(), as.end() - 2), bb(bs.begin(), bs.end() - 2);
  const std::size_t rank = std::max(ab.size(), bb.size());
  Shape yb(rank, 1), ap(rank, 1), bp(rank, 1);
  std::copy(ab.begin(), ab.end(), ap.begin() + static_cast<std::ptrdiff_t>(rank - ab.size()));
  std::copy(bb.begin(), bb.end(), bp.begin() + static_cast<std::ptrdiff_t>(rank - bb.size()));
  for (std::size_t d = 0; d < rank; ++d) yb[d] = std::max(ap[d], bp[d]);
  std::vector<double> y;
  for (std::int64_t t = 0; t < kernel_test::count(yb); ++t) {
    const Shape yi = kernel_test::unravel(t, yb);
    Shape ai(rank), bi(rank);
    for (std::size_t d = 0; d < rank; ++d) {
      ai[d] = ap[d] == 1 ? 0 : yi[d];
      bi[d] = bp[d] == 1 ? 0 : yi[d];
    }
    const std::int64_t ao = kernel_test::ravel(ai, ap) * m * k, bo = kernel_test::ravel(bi, bp) * k * n;
    Mat am(m, k), bm(k, n);
    for (std::int64_t r = 0; r < m * k; ++r) am.data()[r] = a[static_cast<std::size_t>(ao + r)];
    for (std::int64_t r = 0; r < k * n; ++r) bm.data()[r] = b[static_cast<std::size_t>(bo + r)];
    const Mat ym = am * bm;
    y.insert(y.end(), ym.data(), ym.data() + ym.size());
  }
  return y;
}

TEST(MatmulRef, RandomShapesMatchEigen) {
  std::mt19937 rng(4242);
  using kernel_test::uniform_int;
  for (int i = 0; i < 200; ++i) {
    const std::int64_t m = uniform_int(rng, 1, 7), k = uniform_int(rng, 1, 9), n = uniform_int(rng, 1, 7);
    const Shape batch = kernel_test::random_shape(rng, 0, 3, 3);
    auto batch_of = [&] {
      Shape s(batch.end() - uniform_int(rng, 0, static_cast<std::int64_t>(batch.size())), batch.end());
      for (auto& d : s)
        if (uniform_int(rng, 0, 2) == 0) d = 1;
      return s;
    };
    Shape as = batch_of(), bs = batch_of();
    if (uniform_int(rng, 0, 1) == 0) as = batch; else bs = batch;
    as.push_back(m);
    as.push_back(k);
    bs.push_back(k);
    bs.push_back(n);
    const std::int64_t mode = uniform_int(rng, 0, 5);  // occasionally a 1-D operand
    if (mode == 0) as = {k};
    if (mode == 1) bs = {k};
    // Output shape by numpy's rule.
    Shape ap = as, bp = bs;
    if (ap.size() == 1) ap.insert(ap.begin(), 1);
    if (bp.size() == 1) bp.push_back(1);
    const std::size_t rank = std::max(ap.size(), bp.size());
    Shape ys(rank);
    for (std::size_t d = 0; d + 2 < rank; ++d) {
      const std::size_t da = d + ap.size() - rank, db = d + bp.size() - rank;
      const std::int64_t va = d + ap.size() >= rank ? ap[da] : 1, vb = d + bp.size() >= rank ? bp[db] : 1;
      ys[d] = std::max(va, vb);
    }
    ys[rank - 2] = ap[ap.size() - 2];
    ys[rank - 1] = bp.back();
    if (as.size() == 1) ys.erase(ys.end() - 2);
    if (bs.size() == 1) ys.pop_back();

    const auto a = kernel_test::random_vector(rng, kernel_test::count(as));
    const auto b = kernel_test::random_vector(rng, kernel_test::count(bs));
    expect_close(run_matmul(as, a, bs, b, ys), eigen_matmul(as, a, bs, b),
                 "case " + std::to_string(i) + " a" + kernel_test::shape_str(as) + " b" + kernel_test::shape_str(bs));
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace tarsier
