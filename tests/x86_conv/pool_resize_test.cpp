// Max / average / global pooling and resize on NHWC vs the NCHW references. The kernels use
// the reference's float operations in its order: pooling agrees to the last bit; bilinear
// resize may differ by an ulp where the compiler fuses a multiply-add (C++ allows it).
#include <gtest/gtest.h>

#include <cstdio>

#include "conv_test_util.hpp"
#include "kernels/common/pool_params.hpp"
#include "kernels/common/resize_params.hpp"
#include "kernels/ref/pool2d.hpp"
#include "kernels/ref/resize.hpp"
#include "kernels/x86/conv_kernels.hpp"

namespace tarsier::x86_conv_test {
namespace {

constexpr double kTolerance = 1e-6;

class PoolResizeTest : public testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!x86::has_isa(GetParam())) GTEST_SKIP() << x86::isa_name(GetParam()) << " not supported by this CPU";
  }
};

std::string describe(const kernels::Pool2dParams& p, std::int64_t ldy) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "n=%ld c=%ld %ldx%ld -> %ldx%ld k=%ldx%ld s=%ldx%ld d=%ldx%ld pads=(%ld %ld %ld %ld) cip=%d ldy=%ld",
                static_cast<long>(p.n), static_cast<long>(p.c), static_cast<long>(p.h_in), static_cast<long>(p.w_in),
                static_cast<long>(p.h_out), static_cast<long>(p.w_out), static_cast<long>(p.kernel_h),
                static_cast<long>(p.kernel_w), static_cast<long>(p.stride_h), static_cast<long>(p.stride_w),
                static_cast<long>(p.dilation_h), static_cast<long>(p.dilation_w), static_cast<long>(p.pad_top),
                static_cast<long>(p.pad_left), static_cast<long>(p.pad_bottom), static_cast<long>(p.pad_right),
                p.count_include_pad ? 1 : 0, static_cast<long>(ldy));
  return buf;
}

// ONNX output length, with ceil_mode's rule that the last window starts inside the input or
// its leading padding.
std::int64_t pool_out(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t d, std::int64_t pa,
                      std::int64_t pb, bool ceil_mode) {
  const std::int64_t span = in + pa + pb - (d * (k - 1) + 1);
  if (span < 0) return 0;
  std::int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  if (ceil_mode && (out - 1) * s >= in + pa) --out;
  return out;
}

enum class PoolKind { Max, Avg };

void check_pool(Isa isa, PoolKind kind, const kernels::Pool2dParams& p, std::int64_t ldy, std::mt19937& rng,
                std::vector<std::int64_t> splits = {}) {
  const std::int64_t hw_in = p.h_in * p.w_in, hw_out = p.h_out * p.w_out;
  const auto x = random_vector(static_cast<std::size_t>(p.n * p.c * hw_in), rng);
  std::vector<float> want(static_cast<std::size_t>(p.n * p.c * hw_out));
  if (kind == PoolKind::Max)
    ref::max_pool2d(p, x.data(), want.data());
  else
    ref::avg_pool2d(p, x.data(), want.data());
  const auto xn = to_nhwc(x, p.n, p.c, hw_in, p.c);
  std::vector<float> y(static_cast<std::size_t>(p.n * hw_out * ldy), kSentinel);
  splits.insert(splits.begin(), 0);
  splits.push_back(x86::pool_rows(p));
  for (std::size_t i = 0; i + 1 < splits.size(); ++i) {
    if (kind == PoolKind::Max)
      x86::max_pool2d_nhwc(isa, p, xn.data(), y.data(), ldy, splits[i], splits[i + 1]);
    else
      x86::avg_pool2d_nhwc(isa, p, xn.data(), y.data(), ldy, splits[i], splits[i + 1]);
  }
  ASSERT_TRUE(gaps_untouched(y, p.n * hw_out, p.c, ldy)) << describe(p, ldy);
  const auto got = to_nchw(y, p.n, p.c, hw_out, ldy);
  // -inf (max over an all-padding window) compares equal; everything else within tolerance.
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (got[i] != want[i]) {
      ASSERT_NEAR(got[i], want[i], kTolerance * (1.0 + std::fabs(want[i]))) << describe(p, ldy) << " at " << i;
    }
  }
}

TEST_P(PoolResizeTest, MaxAndAvgPoolRandomShapes) {
  const Isa isa = GetParam();
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> kd(1, 4), sd(1, 3), pd(0, 2), hd(1, 19), cd(1, 40), dd(1, 2);
  int checked = 0;
  for (int i = 0; i < 600; ++i) {
    kernels::Pool2dParams p;
    p.n = 1 + i % 2;
    p.c = i % 7 == 0 ? 64 : cd(rng);
    p.h_in = hd(rng);
    p.w_in = hd(rng);
    p.kernel_h = kd(rng);
    p.kernel_w = kd(rng);
    p.stride_h = sd(rng);
    p.stride_w = sd(rng);
    // ONNX requires pads smaller than the kernel.
    p.pad_top = std::min<std::int64_t>(pd(rng), p.kernel_h - 1);
    p.pad_bottom = std::min<std::int64_t>(pd(rng), p.kernel_h - 1);
    p.pad_left = std::min<std::int64_t>(pd(rng), p.kernel_w - 1);
    p.pad_right = std::min<std::int64_t>(pd(rng), p.kernel_w - 1);
    const PoolKind kind = i % 2 == 0 ? PoolKind::Max : PoolKind::Avg;
    if (kind == PoolKind::Max) {
      p.dilation_h = dd(rng);
      p.dilation_w = dd(rng);
    }
    p.count_include_pad = i % 4 == 1;
    const bool ceil_mode = i % 3 == 0;
    p.h_out = pool_out(p.h_in, p.kernel_h, p.stride_h, p.dilation_h, p.pad_top, p.pad_bottom, ceil_mode);
    p.w_out = pool_out(p.w_in, p.kernel_w, p.stride_w, p.dilation_w, p.pad_left, p.pad_right, ceil_mode);
    if (p.h_out < 1 || p.w_out < 1) continue;
    check_pool(isa, kind, p, p.c + i % 5, rng);
    if (HasFatalFailure()) return;
    ++checked;
  }
  EXPECT_GT(checked, 300);
}

TEST_P(PoolResizeTest, ResNetStemMaxPoolAndRowSplits) {
  const Isa isa = GetParam();
  std::mt19937 rng(12);
  kernels::Pool2dParams p;
  p.n = 2;
  p.c = 67;
  p.h_in = p.w_in = 23;
  p.kernel_h = p.kernel_w = 3;
  p.stride_h = p.stride_w = 2;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  p.h_out = p.w_out = 12;
  check_pool(isa, PoolKind::Max, p, 70, rng, {1, 5, 13, 23});
  check_pool(isa, PoolKind::Avg, p, 67, rng, {11});
}

TEST_P(PoolResizeTest, GlobalAveragePool) {
  const Isa isa = GetParam();
  std::mt19937 rng(13);
  for (std::int64_t c : {1, 5, 17, 64, 100, 512})
    for (std::int64_t hw : {1, 7, 49, 200}) {
      const std::int64_t n = 3, ldy = c + 3;
      const auto x = random_vector(static_cast<std::size_t>(n * c * hw), rng);
      std::vector<float> want(static_cast<std::size_t>(n * c));
      ref::global_avg_pool(n, c, hw, x.data(), want.data());
      const auto xn = to_nhwc(x, n, c, hw, c);
      std::vector<float> y(static_cast<std::size_t>(n * ldy), kSentinel);
      x86::global_avg_pool_nhwc(isa, c, hw, xn.data(), y.data(), ldy, 0, 1);
      x86::global_avg_pool_nhwc(isa, c, hw, xn.data(), y.data(), ldy, 1, n);
      ASSERT_TRUE(gaps_untouched(y, n, c, ldy));
      const auto got = to_nchw(y, n, c, 1, ldy);
      const ErrorStats e = compare(got, want);
      EXPECT_LE(e.relative(), kTolerance) << "c=" << c << " hw=" << hw;
    }
}

TEST_P(PoolResizeTest, ResizeEveryModeAndTransform) {
  const Isa isa = GetParam();
  std::mt19937 rng(14);
  using kernels::CoordinateTransform;
  using kernels::NearestRounding;
  using kernels::ResizeMode;
  const CoordinateTransform transforms[] = {CoordinateTransform::HalfPixel, CoordinateTransform::PytorchHalfPixel,
                                            CoordinateTransform::AlignCorners, CoordinateTransform::Asymmetric};
  const NearestRounding roundings[] = {NearestRounding::RoundPreferFloor, NearestRounding::RoundPreferCeil,
                                       NearestRounding::Floor, NearestRounding::Ceil};
  // (in, out) per axis: upsampling x2 (U-Net), odd factors, downsampling, size 1.
  const std::int64_t dims[][4] = {{4, 4, 8, 8}, {5, 7, 10, 14}, {3, 5, 7, 4}, {9, 8, 3, 5}, {1, 1, 3, 1}, {6, 5, 1, 2},
                                  {13, 17, 26, 34}};
  int variant = 0;
  for (const auto& d : dims)
    for (std::int64_t c : {1, 3, 17, 64})
      for (ResizeMode mode : {ResizeMode::Nearest, ResizeMode::Linear})
        for (CoordinateTransform t : transforms)
          for (int ri = 0; ri < (mode == ResizeMode::Nearest ? 4 : 1); ++ri) {
            ++variant;
            kernels::ResizeParams p;
            p.n = 1 + variant % 2;
            p.c = c;
            p.h_in = d[0];
            p.w_in = d[1];
            p.h_out = d[2];
            p.w_out = d[3];
            // Half the cases with sizes given (scale = out / in), half with a rounder scale.
            p.scale_h = variant % 2 == 0 ? static_cast<float>(p.h_out) / static_cast<float>(p.h_in)
                                         : static_cast<float>(p.h_out / p.h_in > 0 ? p.h_out / p.h_in : 0.5);
            p.scale_w = static_cast<float>(p.w_out) / static_cast<float>(p.w_in);
            p.mode = mode;
            p.transform = t;
            p.rounding = roundings[ri];
            const std::int64_t hw_in = p.h_in * p.w_in, hw_out = p.h_out * p.w_out, ldy = c + variant % 3;
            const auto x = random_vector(static_cast<std::size_t>(p.n * c * hw_in), rng);
            std::vector<float> want(static_cast<std::size_t>(p.n * c * hw_out));
            ref::resize2d(p, x.data(), want.data());
            const auto xn = to_nhwc(x, p.n, c, hw_in, c);
            std::vector<float> y(static_cast<std::size_t>(p.n * hw_out * ldy), kSentinel);
            const std::int64_t rows = x86::resize_rows(p), mid = rows / 3;
            x86::resize2d_nhwc(isa, p, xn.data(), y.data(), ldy, 0, mid);
            x86::resize2d_nhwc(isa, p, xn.data(), y.data(), ldy, mid, rows);
            ASSERT_TRUE(gaps_untouched(y, p.n * hw_out, c, ldy));
            const ErrorStats e = compare(to_nchw(y, p.n, c, hw_out, ldy), want);
            ASSERT_LE(e.relative(), kTolerance)
                << "variant " << variant << " mode " << static_cast<int>(mode) << " transform "
                << static_cast<int>(t) << " rounding " << ri << " c=" << c;
          }
}

INSTANTIATE_TEST_SUITE_P(Isas, PoolResizeTest, testing::ValuesIn(kIsas), isa_param_name);

}  // namespace
}  // namespace tarsier::x86_conv_test
