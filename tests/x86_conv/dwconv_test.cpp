// Depthwise convolution on NHWC vs the NCHW reference convolution (groups = channels).
#include <gtest/gtest.h>

#include <cstdio>

#include "conv_test_util.hpp"
#include "kernels/common/conv_params.hpp"
#include "kernels/ref/conv2d.hpp"
#include "kernels/x86/conv_kernels.hpp"

namespace tarsier::x86_conv_test {
namespace {

struct DwCase {
  kernels::Conv2dParams p;
  std::int64_t ldy = 0, ld_residual = 0;
  bool bias = false, residual = false, in_place = false;

  std::string describe() const {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "n=%ld c=%ld %ldx%ld k=%ldx%ld s=%ldx%ld d=%ldx%ld pads=(t%ld l%ld b%ld r%ld) ldy=%ld%s%s%s act=%d",
                  static_cast<long>(p.n), static_cast<long>(p.c_in), static_cast<long>(p.h_in),
                  static_cast<long>(p.w_in), static_cast<long>(p.kernel_h), static_cast<long>(p.kernel_w),
                  static_cast<long>(p.stride_h), static_cast<long>(p.stride_w), static_cast<long>(p.dilation_h),
                  static_cast<long>(p.dilation_w), static_cast<long>(p.pad_top), static_cast<long>(p.pad_left),
                  static_cast<long>(p.pad_bottom), static_cast<long>(p.pad_right), static_cast<long>(ldy),
                  bias ? " +bias" : "", residual ? " +residual" : "", in_place ? "(in place)" : "",
                  static_cast<int>(p.epilogue.act));
    return buf;
  }
};

// Output size as shape inference computes it; false when it would be empty.
bool finish_params(kernels::Conv2dParams& p) {
  const std::int64_t eh = p.dilation_h * (p.kernel_h - 1) + 1, ew = p.dilation_w * (p.kernel_w - 1) + 1;
  const std::int64_t hp = p.h_in + p.pad_top + p.pad_bottom, wp = p.w_in + p.pad_left + p.pad_right;
  if (hp < eh || wp < ew) return false;
  p.h_out = (hp - eh) / p.stride_h + 1;
  p.w_out = (wp - ew) / p.stride_w + 1;
  p.groups = p.c_out = p.c_in;
  return true;
}

struct DwResult {
  ErrorStats err;
  std::vector<float> y;
};

DwResult run_case(Isa isa, const DwCase& dc, std::mt19937& rng, std::vector<std::int64_t> splits = {}) {
  const kernels::Conv2dParams& p = dc.p;
  const std::int64_t c = p.c_in, hw_in = p.h_in * p.w_in, hw_out = p.h_out * p.w_out;
  const auto x = random_vector(static_cast<std::size_t>(p.n * c * hw_in), rng);
  const auto w = random_vector(static_cast<std::size_t>(c * p.kernel_h * p.kernel_w), rng);
  const auto bias = random_vector(static_cast<std::size_t>(c), rng);
  const auto res = random_vector(static_cast<std::size_t>(p.n * c * hw_out), rng);
  std::vector<float> want(static_cast<std::size_t>(p.n * c * hw_out));
  ref::conv2d(p, x.data(), w.data(), dc.bias ? bias.data() : nullptr, dc.residual ? res.data() : nullptr, want.data());

  std::vector<float> packed(x86::dwconv_packed_floats(p));
  x86::dwconv_pack_weights(p, w.data(), packed.data());
  const auto xn = to_nhwc(x, p.n, c, hw_in, c);
  std::vector<float> y(static_cast<std::size_t>(p.n * hw_out * dc.ldy), kSentinel);
  std::vector<float> rn;
  const float* rp = nullptr;
  std::int64_t ldr = 0;
  if (dc.residual && dc.in_place) {
    y = to_nhwc(res, p.n, c, hw_out, dc.ldy, kSentinel);
    rp = y.data();
    ldr = dc.ldy;
  } else if (dc.residual) {
    rn = to_nhwc(res, p.n, c, hw_out, dc.ld_residual);
    rp = rn.data();
    ldr = dc.ld_residual;
  }
  splits.insert(splits.begin(), 0);
  splits.push_back(x86::conv_rows(p));
  for (std::size_t i = 0; i + 1 < splits.size(); ++i)
    x86::dwconv_nhwc(isa, p, xn.data(), packed.data(), dc.bias ? bias.data() : nullptr, rp, ldr, y.data(), dc.ldy,
                     splits[i], splits[i + 1]);
  EXPECT_TRUE(gaps_untouched(y, p.n * hw_out, c, dc.ldy)) << dc.describe();
  return {compare(to_nchw(y, p.n, c, hw_out, dc.ldy), want), std::move(y)};
}

class DwconvTest : public testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!x86::has_isa(GetParam())) GTEST_SKIP() << x86::isa_name(GetParam()) << " not supported by this CPU";
  }
};

// Sums of at most kh * kw products in another order than the reference: a few ulps.
constexpr double kTolerance = 1e-6;

TEST_P(DwconvTest, MobileNetShapesAllPads) {
  const Isa isa = GetParam();
  std::mt19937 rng(5);
  int variant = 0;
  const std::int64_t sizes[][2] = {{1, 1}, {2, 3}, {7, 5}, {13, 17}, {56, 56}};
  for (const auto& hw : sizes)
    for (std::int64_t c : {1, 3, 5, 17, 33, 64})
      for (std::int64_t stride : {1, 2})
        for (int pads = 0; pads < 16; pads += hw[0] == 56 ? 5 : 1) {
          ++variant;
          DwCase dc;
          dc.p.n = 1 + variant % 2;
          dc.p.c_in = c;
          dc.p.h_in = hw[0];
          dc.p.w_in = hw[1];
          dc.p.kernel_h = dc.p.kernel_w = 3;
          dc.p.stride_h = dc.p.stride_w = stride;
          dc.p.pad_top = pads % 2;
          dc.p.pad_left = pads / 2 % 2;
          dc.p.pad_bottom = pads / 4 % 2;
          dc.p.pad_right = pads / 8 % 2;
          dc.p.epilogue = activation(variant);
          if (!finish_params(dc.p)) continue;
          dc.ldy = c + variant % 3 * 5;
          dc.bias = variant % 2 == 0;
          dc.residual = variant % 3 == 0;
          dc.in_place = dc.residual && variant % 2 == 0;
          dc.ld_residual = c + variant % 4;
          const auto r = run_case(isa, dc, rng);
          ASSERT_LE(r.err.relative(), kTolerance) << dc.describe();
        }
}

TEST_P(DwconvTest, GeneralKernelsStridesDilations) {
  const Isa isa = GetParam();
  std::mt19937 rng(8);
  std::uniform_int_distribution<int> kd(1, 5), sd(1, 3), dd(1, 2), pd(0, 3), hd(1, 20), cd(1, 40);
  for (int i = 0; i < 300; ++i) {
    DwCase dc;
    dc.p.n = 1 + i % 2;
    dc.p.c_in = cd(rng);
    dc.p.h_in = hd(rng);
    dc.p.w_in = hd(rng);
    dc.p.kernel_h = kd(rng);
    dc.p.kernel_w = kd(rng);
    dc.p.stride_h = sd(rng);
    dc.p.stride_w = sd(rng);
    dc.p.dilation_h = dd(rng);
    dc.p.dilation_w = dd(rng);
    dc.p.pad_top = pd(rng);
    dc.p.pad_left = pd(rng);
    dc.p.pad_bottom = pd(rng);
    dc.p.pad_right = pd(rng);
    dc.p.epilogue = activation(i);
    if (!finish_params(dc.p)) continue;
    dc.ldy = dc.p.c_in + i % 3;
    dc.bias = i % 2 == 1;
    dc.residual = i % 4 == 0;
    dc.ld_residual = dc.p.c_in;
    const auto r = run_case(isa, dc, rng);
    ASSERT_LE(r.err.relative(), kTolerance) << dc.describe();
  }
}

TEST_P(DwconvTest, RowRangesConcatenate) {
  const Isa isa = GetParam();
  DwCase dc;
  dc.p.n = 2;
  dc.p.c_in = 37;
  dc.p.h_in = 15;
  dc.p.w_in = 14;
  dc.p.kernel_h = dc.p.kernel_w = 3;
  dc.p.pad_top = dc.p.pad_left = dc.p.pad_bottom = dc.p.pad_right = 1;
  ASSERT_TRUE(finish_params(dc.p));
  dc.ldy = 40;
  dc.bias = true;
  std::mt19937 a(3), b(3);
  const std::int64_t rows = x86::conv_rows(dc.p);
  const auto whole = run_case(isa, dc, a);
  const auto split = run_case(isa, dc, b, {1, rows / 2, rows / 2 + 3, rows - 1});
  EXPECT_EQ(whole.y, split.y);
}

INSTANTIATE_TEST_SUITE_P(Isas, DwconvTest, testing::ValuesIn(kIsas), isa_param_name);

}  // namespace
}  // namespace tarsier::x86_conv_test
