// softmax: hand cases (including inputs that overflow exp without the max shift) and a
// double-precision exp-and-normalise reference on random shapes.
#include "kernels/ref/softmax.hpp"

#include <cmath>

#include "kernel_test_util.hpp"

namespace tarsier {
namespace {

using kernel_test::expect_close;

TEST(SoftmaxRef, HandValues) {
  // softmax([0, 1, 2]) = e^k / (1 + e + e^2).
  const double z = 1 + std::exp(1.0) + std::exp(2.0);
  const std::vector<double> want = {1 / z, std::exp(1.0) / z, std::exp(2.0) / z};
  const std::vector<float> x = {0, 1, 2};
  std::vector<float> y(3);
  ref::softmax(x.data(), y.data(), 1, 3, 1);
  expect_close(y, want, "0,1,2");
  // Shifted by 1000: exp(1000) overflows float, the stable form must give the same answer.
  const std::vector<float> big = {1000, 1001, 1002};
  ref::softmax(big.data(), y.data(), 1, 3, 1);
  expect_close(y, want, "1000,1001,1002");
  const std::vector<float> neg = {-1000, -999, -998};
  ref::softmax(neg.data(), y.data(), 1, 3, 1);
  expect_close(y, want, "-1000,-999,-998");
}

TEST(SoftmaxRef, HandStridedAxisAndInPlace) {
  // [outer=1][axis=2][inner=2]: columns {0, ln 3} and {5, 5} normalise independently.
  std::vector<float> x = {0, 5, static_cast<float>(std::log(3.0)), 5};
  ref::softmax(x.data(), x.data(), 1, 2, 2);
  EXPECT_FLOAT_EQ(x[0], 0.25f);
  EXPECT_FLOAT_EQ(x[2], 0.75f);
  EXPECT_FLOAT_EQ(x[1], 0.5f);
  EXPECT_FLOAT_EQ(x[3], 0.5f);
}

TEST(SoftmaxRef, RandomShapesMatchDouble) {
  std::mt19937 rng(77);
  for (int i = 0; i < 100; ++i) {
    const std::int64_t outer = kernel_test::uniform_int(rng, 1, 4), len = kernel_test::uniform_int(rng, 1, 20),
                       inner = kernel_test::uniform_int(rng, 1, 6);
    const auto x = kernel_test::random_vector(rng, outer * len * inner, -8.0f, 8.0f);
    std::vector<float> y(x.size());
    ref::softmax(x.data(), y.data(), outer, len, inner);
    std::vector<double> want(x.size());
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t j = 0; j < inner; ++j) {
        auto at = [&](std::int64_t k) { return static_cast<std::size_t>((o * len + k) * inner + j); };
        double sum = 0.0;
        for (std::int64_t k = 0; k < len; ++k) sum += std::exp(double{x[at(k)]});
        for (std::int64_t k = 0; k < len; ++k) want[at(k)] = std::exp(double{x[at(k)]}) / sum;
      }
    expect_close(y, want, kernel_test::describe({{"case", i}, {"outer", outer}, {"len", len}, {"inner", inner}}));
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace tarsier
