// Concat, Pad and Transpose: hand cases and per-element unravel/ravel references.
#include "kernels/ref/concat.hpp"
#include "kernels/ref/pad.hpp"
#include "kernels/ref/transpose.hpp"

#include "shape_test_util.hpp"

namespace tarsier {
namespace {

using kernel_test::Shape;

TEST(ConcatRef, HandChannelConcat) {
  // Two NCHW tensors [1,1,2,2] and [1,2,2,2] on axis 1 (U-Net skip join): outer 1, inner 4.
  const std::vector<float> a = {1, 2, 3, 4}, b = {5, 6, 7, 8, 9, 10, 11, 12};
  const float* inputs[] = {a.data(), b.data()};
  const std::int64_t sizes[] = {1, 2};
  std::vector<float> y(12);
  ref::concat(inputs, sizes, 1, 4, y.data());
  EXPECT_EQ(y, (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  // Same data as two [2,2] and [2,4] matrices joined on axis 1: outer 2, inner 1.
  const std::int64_t cols[] = {2, 4};
  ref::concat(inputs, cols, 2, 1, y.data());
  EXPECT_EQ(y, (std::vector<float>{1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12}));
}

TEST(ConcatRef, RandomMatchesPerElementLookup) {
  std::mt19937 rng(11);
  using kernel_test::uniform_int;
  for (int i = 0; i < 100; ++i) {
    const std::int64_t outer = uniform_int(rng, 1, 4), inner = uniform_int(rng, 1, 5);
    const auto k = static_cast<std::size_t>(uniform_int(rng, 1, 5));
    std::vector<std::vector<float>> data(k);
    std::vector<const float*> ptrs;
    std::vector<std::int64_t> sizes;
    std::int64_t total = 0;
    for (auto& d : data) {
      sizes.push_back(uniform_int(rng, 0, 4));  // empty inputs are legal
      total += sizes.back();
      d = kernel_test::random_vector(rng, outer * sizes.back() * inner);
      ptrs.push_back(d.data());
    }
    std::vector<float> y(static_cast<std::size_t>(outer * total * inner));
    ref::concat(ptrs, sizes, outer, inner, y.data());
    for (std::int64_t f = 0; f < static_cast<std::int64_t>(y.size()); ++f) {
      const Shape idx = kernel_test::unravel(f, {outer, total, inner});
      std::int64_t a = idx[1];
      std::size_t src = 0;
      while (a >= sizes[src]) a -= sizes[src++];
      const float want = data[src][static_cast<std::size_t>((idx[0] * sizes[src] + a) * inner + idx[2])];
      ASSERT_EQ(y[static_cast<std::size_t>(f)], want) << "case " << i << " element " << f;
    }
  }
}

TEST(PadRef, HandConstantPad) {
  // [2,2] padded with (top 1, left 0, bottom 0, right 2) in ONNX order {1, 0, 0, 2}.
  const std::vector<float> x = {1, 2, 3, 4};
  const Shape xs = {2, 2};
  const std::int64_t pads[] = {1, 0, 0, 2};
  std::vector<float> y(12);
  ref::pad_constant(xs, x.data(), pads, -1.0f, y.data());
  EXPECT_EQ(y, (std::vector<float>{-1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1}));
  // NCHW spatial pad only (the shape of PyTorch's F.pad before a U-Net concat).
  const Shape x4 = {1, 1, 1, 2};
  const std::int64_t p4[] = {0, 0, 1, 0, 0, 0, 0, 1};
  std::vector<float> y4(6);
  ref::pad_constant(x4, x.data(), p4, 0.0f, y4.data());
  EXPECT_EQ(y4, (std::vector<float>{0, 0, 0, 1, 2, 0}));
}

TEST(PadRef, RandomMatchesPerElementReference) {
  std::mt19937 rng(12);
  using kernel_test::uniform_int;
  for (int i = 0; i < 100; ++i) {
    const Shape xs = kernel_test::random_shape(rng, 1, 6, 4);
    const std::size_t rank = xs.size();
    std::vector<std::int64_t> pads(2 * rank);
    for (auto& p : pads) p = uniform_int(rng, 0, 2);
    Shape ys(rank);
    for (std::size_t d = 0; d < rank; ++d) ys[d] = xs[d] + pads[d] + pads[rank + d];
    const auto x = kernel_test::random_vector(rng, kernel_test::count(xs));
    std::vector<float> y(static_cast<std::size_t>(kernel_test::count(ys)));
    ref::pad_constant(xs, x.data(), pads, 7.5f, y.data());
    for (std::int64_t f = 0; f < kernel_test::count(ys); ++f) {
      Shape idx = kernel_test::unravel(f, ys);
      bool inside = true;
      for (std::size_t d = 0; d < rank; ++d) {
        idx[d] -= pads[d];
        inside = inside && idx[d] >= 0 && idx[d] < xs[d];
      }
      const float want = inside ? x[static_cast<std::size_t>(kernel_test::ravel(idx, xs))] : 7.5f;
      ASSERT_EQ(y[static_cast<std::size_t>(f)], want) << "case " << i << " x" << kernel_test::shape_str(xs);
    }
  }
}

TEST(TransposeRef, HandCases) {
  // 2x3 matrix transpose.
  const std::vector<float> x = {1, 2, 3, 4, 5, 6};
  const Shape xs = {2, 3};
  const std::int64_t perm[] = {1, 0};
  std::vector<float> y(6);
  ref::transpose(xs, x.data(), perm, y.data());
  EXPECT_EQ(y, (std::vector<float>{1, 4, 2, 5, 3, 6}));
  // NHWC [1,2,1,3] -> NCHW [1,3,2,1] (Keras input): channel-major afterwards.
  const Shape nhwc = {1, 2, 1, 3};
  const std::int64_t to_nchw[] = {0, 3, 1, 2};
  ref::transpose(nhwc, x.data(), to_nchw, y.data());
  EXPECT_EQ(y, (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

TEST(TransposeRef, RandomMatchesScatterReference) {
  std::mt19937 rng(13);
  for (int i = 0; i < 100; ++i) {
    const Shape xs = kernel_test::random_shape(rng, 1, 6, 4);
    std::vector<std::int64_t> perm(xs.size());
    for (std::size_t d = 0; d < perm.size(); ++d) perm[d] = static_cast<std::int64_t>(d);
    std::shuffle(perm.begin(), perm.end(), rng);
    Shape ys(xs.size());
    for (std::size_t d = 0; d < ys.size(); ++d) ys[d] = xs[static_cast<std::size_t>(perm[d])];
    const auto x = kernel_test::random_vector(rng, kernel_test::count(xs));
    std::vector<float> y(x.size()), want(x.size());
    ref::transpose(xs, x.data(), perm, y.data());
    // Scatter: walk x, send each element to its permuted position in y.
    for (std::int64_t f = 0; f < kernel_test::count(xs); ++f) {
      const Shape xi = kernel_test::unravel(f, xs);
      Shape yi(xs.size());
      for (std::size_t d = 0; d < yi.size(); ++d) yi[d] = xi[static_cast<std::size_t>(perm[d])];
      want[static_cast<std::size_t>(kernel_test::ravel(yi, ys))] = x[static_cast<std::size_t>(f)];
    }
    ASSERT_EQ(y, want) << "case " << i << " x" << kernel_test::shape_str(xs);
  }
}

}  // namespace
}  // namespace tarsier
