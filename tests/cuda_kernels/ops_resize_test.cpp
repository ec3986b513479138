// Resize kernel (kernels/cuda/ops/resize.cu) against ref::resize2d: every coordinate transform
// and nearest rounding, up and down, integer and fractional scales, NHWC with pixel strides,
// float and half, every block order. Exact: the kernel computes coordinates in double and
// interpolates without FMA exactly as the reference.
// First: gtest and the standard headers must precede the emulator's macros.
#include "ops_test_util.hpp"

#include "kernels/cuda/ops/resize.hpp"

#include "kernels/ref/resize.hpp"

namespace tarsier::ops_test {
namespace {

namespace dev = tarsier::cuda_emu;
using kernels::CoordinateTransform;
using kernels::NearestRounding;
using kernels::ResizeMode;

constexpr CoordinateTransform kTransforms[] = {CoordinateTransform::HalfPixel, CoordinateTransform::PytorchHalfPixel,
                                               CoordinateTransform::AlignCorners, CoordinateTransform::Asymmetric};
constexpr NearestRounding kRoundings[] = {NearestRounding::RoundPreferFloor, NearestRounding::RoundPreferCeil,
                                          NearestRounding::Floor, NearestRounding::Ceil};

kernels::ResizeParams random_params(std::mt19937& rng) {
  kernels::ResizeParams p;
  p.n = pick(rng, 1, 2);
  p.c = pick(rng, 1, 9);
  p.h_in = pick(rng, 1, 7);
  p.w_in = pick(rng, 1, 7);
  switch (pick(rng, 0, 2)) {
    case 0:  // integer upsampling by scales (nn.Upsample(scale_factor=k))
      p.scale_h = static_cast<float>(pick(rng, 1, 3));
      p.scale_w = static_cast<float>(pick(rng, 1, 3));
      p.h_out = static_cast<std::int64_t>(p.h_in * p.scale_h);
      p.w_out = static_cast<std::int64_t>(p.w_in * p.scale_w);
      break;
    default:  // sizes given, up or down: scale = out / in
      p.h_out = pick(rng, 1, 13);
      p.w_out = pick(rng, 1, 13);
      p.scale_h = static_cast<float>(p.h_out) / static_cast<float>(p.h_in);
      p.scale_w = static_cast<float>(p.w_out) / static_cast<float>(p.w_in);
      break;
  }
  return p;
}

template <class T>
void run_resize(ResizeMode mode) {
  std::mt19937 rng(mode == ResizeMode::Nearest ? 21 : 22);
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 9);
    for (CoordinateTransform t : kTransforms) {
      for (NearestRounding r : kRoundings) {
        if (mode == ResizeMode::Linear && r != NearestRounding::RoundPreferFloor) continue;  // unused by linear
        const int trials = mode == ResizeMode::Linear ? 6 : 3;
        for (int trial = 0; trial < trials; ++trial) {
          kernels::ResizeParams p = random_params(rng);
          if (trial == 0) {  // the U-Net decoder shape: x2, one more than 32 output columns (two tiles)
            p.h_in = 3, p.w_in = 17, p.c = 3, p.scale_h = p.scale_w = 2.0f, p.h_out = 6, p.w_out = 34;
          }
          p.mode = mode;
          p.transform = t;
          p.rounding = r;
          const std::int64_t xs = p.c + pick(rng, 0, 2), ys = p.c + pick(rng, 0, 2);
          const auto x = representable<T>(simt_test::random_floats(rng, p.n * p.c * p.h_in * p.w_in, -3.0f, 3.0f));
          std::vector<float> want(p.n * p.c * p.h_out * p.w_out);
          ref::resize2d(p, x.data(), want.data());
          auto dx = nhwc_from_nchw<T>(x, p.n, p.c, p.h_in * p.w_in, xs);
          DeviceBuffer<T> dy(p.n * p.h_out * p.w_out * ys, from_f<T>(kSentinel));
          dev::resize2d_nhwc<T>(p, dx.data(), xs, dy.data(), ys, &stream);
          expect_nhwc_matches<T>(dy, ys, want, p.n, p.c, p.h_out * p.w_out, 0.0f,
                                 std::string(kTypeName<T>) + " " + simt_test::order_name(order) + " transform " +
                                     std::to_string(static_cast<int>(t)) + " rounding " +
                                     std::to_string(static_cast<int>(r)) + " " + std::to_string(p.h_in) + "x" +
                                     std::to_string(p.w_in) + "->" + std::to_string(p.h_out) + "x" +
                                     std::to_string(p.w_out));
        }
      }
    }
  }
}

TEST(OpsResize, NearestMatchesRefFloat) { run_resize<float>(ResizeMode::Nearest); }
TEST(OpsResize, NearestMatchesRefHalf) { run_resize<__half>(ResizeMode::Nearest); }
TEST(OpsResize, BilinearMatchesRefFloat) { run_resize<float>(ResizeMode::Linear); }
TEST(OpsResize, BilinearMatchesRefHalf) { run_resize<__half>(ResizeMode::Linear); }

// Round-half cases: asymmetric x1.5 downsample puts source coordinates on exact .5 ties, where
// round_prefer_floor and round_prefer_ceil differ; both must match the reference.
TEST(OpsResize, NearestTiesMatchRef) {
  simt::Stream stream = simt_test::make_stream(simt::BlockOrder::Random, 3);
  for (NearestRounding r : kRoundings) {
    kernels::ResizeParams p;
    p.c = 1, p.h_in = 1, p.w_in = 9, p.h_out = 1, p.w_out = 6, p.scale_h = 1.0f, p.scale_w = 6.0f / 9.0f;
    p.mode = ResizeMode::Nearest, p.transform = CoordinateTransform::Asymmetric, p.rounding = r;
    std::vector<float> x(9);
    for (int i = 0; i < 9; ++i) x[i] = static_cast<float>(i);
    std::vector<float> want(6);
    ref::resize2d(p, x.data(), want.data());
    DeviceBuffer<float> dx(x), dy(6);
    dev::resize2d_nhwc<float>(p, dx.data(), 1, dy.data(), 1, &stream);
    expect_flat_matches<float>(dy.data(), want, 0.0f, "ties rounding " + std::to_string(static_cast<int>(r)));
  }
}

}  // namespace
}  // namespace tarsier::ops_test
