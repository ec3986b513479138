// Elementwise kernels: hand cases and numpy broadcasting checked per element by unravelling
// the output index and reducing it onto each operand.
#include "kernels/ref/elementwise.hpp"

#include "shape_test_util.hpp"

namespace tarsier {
namespace {

using kernel_test::expect_close;
using kernel_test::Shape;
using kernels::Activation;
using kernels::BinaryOp;
using kernels::Epilogue;

std::vector<float> binary(BinaryOp op, const Shape& as, const std::vector<float>& a, const Shape& bs,
                          const std::vector<float>& b, const Shape& ys, Epilogue e = {}) {
  std::vector<float> y(static_cast<std::size_t>(kernel_test::count(ys)), -999.0f);
  ref::binary_broadcast(op, as, a.data(), bs, b.data(), ys, y.data(), e);
  return y;
}

TEST(ElementwiseRef, HandBroadcasts) {
  // [2,3] + [3]: row vector added to each row.
  EXPECT_EQ(binary(BinaryOp::Add, {2, 3}, {1, 2, 3, 4, 5, 6}, {3}, {10, 20, 30}, {2, 3}),
            (std::vector<float>{11, 22, 33, 14, 25, 36}));
  // [2,1] * [1,3]: outer product.
  EXPECT_EQ(binary(BinaryOp::Mul, {2, 1}, {2, 3}, {1, 3}, {1, 10, 100}, {2, 3}),
            (std::vector<float>{2, 20, 200, 3, 30, 300}));
  // Per-channel scale [1,2,1,1] on NCHW [1,2,2,2] (a squeeze-excitation style Mul).
  EXPECT_EQ(binary(BinaryOp::Mul, {1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}, {1, 2, 1, 1}, {2, -1}, {1, 2, 2, 2}),
            (std::vector<float>{2, 4, 6, 8, -5, -6, -7, -8}));
  // Scalar (rank 0) operand.
  EXPECT_EQ(binary(BinaryOp::Add, {}, {0.5f}, {2}, {1, 2}, {2}), (std::vector<float>{1.5f, 2.5f}));
}

TEST(ElementwiseRef, HandAddWithEpilogue) {
  // A fused Add+Relu (ResNet's residual join) and the other activations.
  const std::vector<float> a = {-2, -0.5f, 0.5f, 7}, b = {1, 0, 0, 0};  // sums -1, -0.5, 0.5, 7
  Epilogue e;
  e.act = Activation::Relu;
  EXPECT_EQ(binary(BinaryOp::Add, {4}, a, {4}, b, {4}, e), (std::vector<float>{0, 0, 0.5f, 7}));
  e.act = Activation::Clip;
  e.clip_min = 0;
  e.clip_max = 6;
  EXPECT_EQ(binary(BinaryOp::Add, {4}, a, {4}, b, {4}, e), (std::vector<float>{0, 0, 0.5f, 6}));
  e.act = Activation::LeakyRelu;
  e.alpha = 0.25f;
  EXPECT_EQ(binary(BinaryOp::Add, {4}, a, {4}, b, {4}, e), (std::vector<float>{-0.25f, -0.125f, 0.5f, 7}));
}

TEST(ElementwiseRef, OutputMayAliasAnOperand) {
  std::vector<float> a = {1, 2, 3, 4, 5, 6};
  const std::vector<float> b = {10, 20, 30};
  const Shape as = {2, 3}, bs = {3};
  ref::binary_broadcast(BinaryOp::Add, as, a.data(), bs, b.data(), as, a.data(), {});
  EXPECT_EQ(a, (std::vector<float>{11, 22, 33, 14, 25, 36}));
  std::vector<float> c = {2, 3};
  const std::vector<float> d = {5, 7};
  const Shape cs = {2};
  ref::binary_broadcast(BinaryOp::Mul, cs, d.data(), cs, c.data(), cs, c.data(), {});
  EXPECT_EQ(c, (std::vector<float>{10, 21}));
}

TEST(ElementwiseRef, HandActivations) {
  const std::vector<float> x = {-4, -1, 0, 2, 8};
  std::vector<float> y(5);
  Epilogue e;
  e.act = Activation::Relu;
  ref::activation(e, x.data(), y.data(), 5);
  EXPECT_EQ(y, (std::vector<float>{0, 0, 0, 2, 8}));
  e = {};
  e.act = Activation::Clip;
  e.clip_min = -1;
  e.clip_max = 6;
  ref::activation(e, x.data(), y.data(), 5);
  EXPECT_EQ(y, (std::vector<float>{-1, -1, 0, 2, 6}));
  e = {};
  e.act = Activation::Clip;  // absent max: unbounded above
  e.clip_min = 0;
  ref::activation(e, x.data(), y.data(), 5);
  EXPECT_EQ(y, (std::vector<float>{0, 0, 0, 2, 8}));
  e = {};
  e.act = Activation::LeakyRelu;  // default slope 0.01
  ref::activation(e, x.data(), y.data(), 5);
  EXPECT_EQ(y, (std::vector<float>{-0.04f, -0.01f, 0, 2, 8}));
  e.act = Activation::Sigmoid;
  ref::activation(e, x.data(), y.data(), 5);
  EXPECT_NEAR(y[0], 0.0179862100, 1e-8);
  EXPECT_NEAR(y[1], 0.2689414214, 1e-7);
  EXPECT_EQ(y[2], 0.5f);
  EXPECT_NEAR(y[3], 0.8807970780, 1e-7);
  EXPECT_NEAR(y[4], 0.9996646499, 1e-7);
  // In place.
  std::vector<float> z = x;
  e.act = Activation::None;
  ref::activation(e, z.data(), z.data(), 5);
  EXPECT_EQ(z, x);
  e.act = Activation::Relu;
  ref::activation(e, z.data(), z.data(), 5);
  EXPECT_EQ(z, (std::vector<float>{0, 0, 0, 2, 8}));
}

TEST(ElementwiseRef, HandChannelAffineIsBatchNorm) {
  // BatchNorm with scale=2, B=1, mean=3, var=3, eps=1 -> mul = 2/sqrt(4) = 1, add = 1 - 3 = -2 (c0);
  // c1: scale=1, B=0, mean=0, var=0.25, eps=0 -> mul=2, add=0.
  const std::vector<float> x = {3, 5, 1, -1, 10, 20, 30, 40};  // n=2, c=2, hw=2
  const std::vector<float> mul = {1, 2}, add = {-2, 0};
  std::vector<float> y(8);
  ref::channel_affine(2, 2, 2, x.data(), mul.data(), add.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{1, 3, 2, -2, 8, 18, 60, 80}));
}

// Right-align the operand shape against the output; broadcast dims read index 0.
std::int64_t operand_index(const Shape& y_idx, const Shape& s) {
  Shape idx(s.size());
  const std::size_t lead = y_idx.size() - s.size();
  for (std::size_t d = 0; d < s.size(); ++d) idx[d] = s[d] == 1 ? 0 : y_idx[lead + d];
  return kernel_test::ravel(idx, s);
}

TEST(ElementwiseRef, RandomBroadcastsMatchPerElementIndexing) {
  std::mt19937 rng(1234);
  using kernel_test::uniform_int;
  for (int i = 0; i < 300; ++i) {
    const Shape ys = kernel_test::random_shape(rng, 0, 6, 4);
    // Each operand: a random suffix of y's shape with random dims set to 1.
    auto operand = [&] {
      Shape s(ys.end() - uniform_int(rng, 0, static_cast<std::int64_t>(ys.size())), ys.end());
      for (auto& d : s)
        if (uniform_int(rng, 0, 2) == 0) d = 1;
      return s;
    };
    Shape as = operand(), bs = operand();
    // Make sure some operand spans y's full rank and extent so ys is the broadcast result.
    if (uniform_int(rng, 0, 1) == 0) as = ys; else bs = ys;
    const auto a = kernel_test::random_vector(rng, kernel_test::count(as));
    const auto b = kernel_test::random_vector(rng, kernel_test::count(bs));
    const BinaryOp op = i % 2 == 0 ? BinaryOp::Add : BinaryOp::Mul;
    const Epilogue e = kernel_test::random_epilogue(rng);

    std::vector<double> want;
    for (std::int64_t f = 0; f < kernel_test::count(ys); ++f) {
      const Shape yi = kernel_test::unravel(f, ys);
      const double av = a[static_cast<std::size_t>(operand_index(yi, as))];
      const double bv = b[static_cast<std::size_t>(operand_index(yi, bs))];
      want.push_back(kernel_test::activate(e, op == BinaryOp::Add ? av + bv : av * bv));
    }
    expect_close(binary(op, as, a, bs, b, ys, e), want,
                 "case " + std::to_string(i) + " a" + kernel_test::shape_str(as) + " b" + kernel_test::shape_str(bs) +
                     " y" + kernel_test::shape_str(ys));
    if (HasFailure()) return;
  }
}

TEST(ElementwiseRef, RandomChannelAffineMatchesDouble) {
  std::mt19937 rng(8);
  for (int i = 0; i < 50; ++i) {
    const std::int64_t n = kernel_test::uniform_int(rng, 1, 2), c = kernel_test::uniform_int(rng, 1, 7),
                       hw = kernel_test::uniform_int(rng, 1, 40);
    const auto x = kernel_test::random_vector(rng, n * c * hw);
    const auto mul = kernel_test::random_vector(rng, c), add = kernel_test::random_vector(rng, c);
    std::vector<float> y(x.size());
    ref::channel_affine(n, c, hw, x.data(), mul.data(), add.data(), y.data());
    std::vector<double> want;
    for (std::size_t f = 0; f < x.size(); ++f) {
      const auto ch = static_cast<std::size_t>((static_cast<std::int64_t>(f) / hw) % c);
      want.push_back(double{x[f]} * mul[ch] + add[ch]);
    }
    expect_close(y, want, "affine case " + std::to_string(i));
  }
}

}  // namespace
}  // namespace tarsier
