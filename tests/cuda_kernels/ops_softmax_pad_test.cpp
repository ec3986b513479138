// Softmax and constant Pad (kernels/cuda/ops/softmax.cu, pad.cu) against ref::softmax and
// ref::pad_constant, float and half, every block order.
// First: gtest and the standard headers must precede the emulator's macros.
#include "ops_test_util.hpp"

#include "kernels/cuda/ops/pad.hpp"
#include "kernels/cuda/ops/softmax.hpp"

#include "kernels/ref/pad.hpp"
#include "kernels/ref/softmax.hpp"

namespace tarsier::ops_test {
namespace {

namespace dev = tarsier::cuda_emu;

template <class T>
void run_softmax() {
  std::mt19937 rng(41);
  struct Shape {
    std::int64_t outer, len, inner;
  };
  // Classifier logits (inner 1, longer than a warp), NHWC channel softmax (inner 1, few
  // channels), NCHW channel softmax (inner = hw), a single-element axis.
  const std::vector<Shape> shapes{{1, 1000, 1}, {37, 3, 1}, {2, 5, 23}, {3, 1, 4}, {5, 33, 1}, {1, 7, 70}};
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 12);
    for (const Shape& s : shapes) {
      const auto x = representable<T>(simt_test::random_floats(rng, s.outer * s.len * s.inner, -8.0f, 8.0f));
      std::vector<float> want(x.size());
      ref::softmax(x.data(), want.data(), s.outer, s.len, s.inner);
      DeviceBuffer<T> d(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) d[i] = from_f<T>(x[i]);
      dev::softmax<T>(d.data(), d.data(), s.outer, s.len, s.inner, &stream);  // in place, as allowed
      // Relative bounds (probabilities go down to ~1e-7 here). The warp path sums the
      // exponentials in another order than the reference: a few fp32 ulps of relative error in
      // the sum and so in every output; 1e-5 covers 1000 terms. Half: the output's own rounding,
      // 2^-11 relative, dominates (1e-3), and below 2^-14 half is subnormal with absolute steps
      // of 2^-24 (6e-8), hence that absolute floor.
      const bool fp32 = std::is_same_v<T, float>;
      const float tol = fp32 ? 1e-5f : 1e-3f, abs_tol = fp32 ? 1e-30f : 6e-8f;
      expect_flat_matches<T>(d.data(), want, tol,
                             std::string(kTypeName<T>) + " softmax " + std::to_string(s.outer) + "x" +
                                 std::to_string(s.len) + "x" + std::to_string(s.inner) + " " +
                                 simt_test::order_name(order),
                             abs_tol);
    }
  }
}

TEST(OpsSoftmax, MatchesRefFloat) { run_softmax<float>(); }
TEST(OpsSoftmax, MatchesRefHalf) { run_softmax<__half>(); }

template <class T>
void run_pad() {
  std::mt19937 rng(42);
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 13);
    for (int trial = 0; trial < 12; ++trial) {
      const int rank = static_cast<int>(pick(rng, 1, 5));
      std::vector<std::int64_t> shape(rank), pads(2 * rank);
      std::int64_t count = 1, y_count = 1;
      for (int d = 0; d < rank; ++d) {
        shape[d] = pick(rng, trial == 0 ? 0 : 1, 5);  // trial 0 may hold an empty axis
        pads[d] = pick(rng, 0, 2);
        pads[rank + d] = pick(rng, 0, 2);
        count *= shape[d];
        y_count *= shape[d] + pads[d] + pads[rank + d];
      }
      const float value = trial % 3 == 0 ? 0.0f : 1.5f;
      const auto x = representable<T>(simt_test::random_floats(rng, count));
      std::vector<float> want(y_count);
      ref::pad_constant(shape, x.data(), pads, value, want.data());
      DeviceBuffer<T> dx(std::max<std::int64_t>(count, 1)), dy(want.size(), from_f<T>(kSentinel));
      for (std::int64_t i = 0; i < count; ++i) dx[i] = from_f<T>(x[i]);
      dev::pad_constant<T>(rank, shape.data(), dx.data(), pads.data(), value, dy.data(), &stream);
      expect_flat_matches<T>(
          dy.data(), want, 0.0f,
          std::string(kTypeName<T>) + " pad rank " + std::to_string(rank) + " " + simt_test::order_name(order));
    }
  }
}

TEST(OpsPad, ConstantMatchesRefFloat) { run_pad<float>(); }
TEST(OpsPad, ConstantMatchesRefHalf) { run_pad<__half>(); }

}  // namespace
}  // namespace tarsier::ops_test
