// Layout kernels (kernels/cuda/ops/layout.cu): NCHW <-> NHWC with every storage-type pair and
// pixel strides against a plain CPU loop, conversion, and general Transpose against
// ref::transpose, every block order. Exact: data movement plus one rounding to the output type.
// First: gtest and the standard headers must precede the emulator's macros.
#include "ops_test_util.hpp"

#include "kernels/cuda/ops/layout.hpp"

#include "kernels/ref/transpose.hpp"

namespace tarsier::ops_test {
namespace {

namespace dev = tarsier::cuda_emu;

template <class Tin, class Tout>
void run_layout() {
  std::mt19937 rng(51);
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 14);
    for (int trial = 0; trial < 5; ++trial) {
      // Tiles with tails on both axes (c and hw not multiples of 32), and 1-channel images.
      const std::int64_t n = pick(rng, 1, 2), c = trial == 0 ? 1 : pick(rng, 1, 40), hw = pick(rng, 1, 70);
      const std::int64_t stride = c + pick(rng, 0, 3);
      const auto x = representable<Tin>(simt_test::random_floats(rng, n * c * hw, -100.0f, 100.0f));
      const std::string what = std::string(kTypeName<Tin>) + "->" + kTypeName<Tout> + " " + std::to_string(c) + "x" +
                               std::to_string(hw) + " " + simt_test::order_name(order);
      DeviceBuffer<Tin> dx(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) dx[i] = from_f<Tin>(x[i]);
      DeviceBuffer<Tout> dy(n * hw * stride, from_f<Tout>(kSentinel));
      dev::nchw_to_nhwc<Tin, Tout>(n, c, hw, dx.data(), dy.data(), stride, &stream);
      expect_nhwc_matches<Tout>(dy, stride, x, n, c, hw, 0.0f, "nchw_to_nhwc " + what);

      auto dh = nhwc_from_nchw<Tin>(x, n, c, hw, stride);
      DeviceBuffer<Tout> dz(x.size(), from_f<Tout>(kSentinel));
      dev::nhwc_to_nchw<Tin, Tout>(n, c, hw, dh.data(), stride, dz.data(), &stream);
      expect_flat_matches<Tout>(dz.data(), x, 0.0f, "nhwc_to_nchw " + what);

      DeviceBuffer<Tout> dc(x.size(), from_f<Tout>(kSentinel));
      dev::convert<Tin, Tout>(static_cast<std::int64_t>(x.size()), dx.data(), dc.data(), &stream);
      expect_flat_matches<Tout>(dc.data(), x, 0.0f, "convert " + what);
    }
  }
}

TEST(OpsLayout, FloatToFloat) { run_layout<float, float>(); }
TEST(OpsLayout, FloatToHalf) { run_layout<float, __half>(); }
TEST(OpsLayout, HalfToFloat) { run_layout<__half, float>(); }
TEST(OpsLayout, HalfToHalf) { run_layout<__half, __half>(); }

template <class T>
void run_transpose() {
  std::mt19937 rng(52);
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 15);
    for (int trial = 0; trial < 10; ++trial) {
      const int rank = static_cast<int>(pick(rng, 1, 6));
      std::vector<std::int64_t> shape(rank), perm(rank);
      std::int64_t count = 1;
      for (int d = 0; d < rank; ++d) {
        shape[d] = pick(rng, 1, rank > 4 ? 3 : 5);
        perm[d] = d;
        count *= shape[d];
      }
      std::shuffle(perm.begin(), perm.end(), rng);
      const auto x = representable<T>(simt_test::random_floats(rng, count));
      std::vector<float> want(count);
      ref::transpose(shape, x.data(), perm, want.data());
      DeviceBuffer<T> dx(count), dy(count, from_f<T>(kSentinel));
      for (std::int64_t i = 0; i < count; ++i) dx[i] = from_f<T>(x[i]);
      dev::transpose<T>(rank, shape.data(), perm.data(), dx.data(), dy.data(), &stream);
      expect_flat_matches<T>(
          dy.data(), want, 0.0f,
          std::string(kTypeName<T>) + " transpose rank " + std::to_string(rank) + " " + simt_test::order_name(order));
    }
  }
}

TEST(OpsLayout, TransposeMatchesRefFloat) { run_transpose<float>(); }
TEST(OpsLayout, TransposeMatchesRefHalf) { run_transpose<__half>(); }

TEST(OpsLayout, TransposeRejectsBadPerm) {
  simt::Stream stream = simt_test::make_stream(simt::BlockOrder::Forward);
  const std::int64_t shape[] = {2, 3}, perm[] = {1, 1};
  DeviceBuffer<float> x(6), y(6);
  EXPECT_THROW(dev::transpose<float>(2, shape, perm, x.data(), y.data(), &stream), Error);
}

}  // namespace
}  // namespace tarsier::ops_test
