// Winograd F(2x2, 3x3) and F(4x4, 3x3) on NHWC vs the NCHW reference
// convolution.
#include <gtest/gtest.h>

#include <cstdio>

#include "conv_test_util.hpp"
#include "kernels/common/conv_params.hpp"
#include "kernels/ref/conv2d.hpp"
#include "kernels/x86/conv_kernels.hpp"

namespace tarsier::x86_conv_test {
namespace {

using x86::WinogradTile;
using x86::WinogradWeights;
constexpr WinogradWeights kModes[] = {WinogradWeights::Stored, WinogradWeights::Streamed};

struct WinogradCase {
  kernels::Conv2dParams p;
  WinogradTile tile = WinogradTile::F4x4;
  WinogradWeights mode = WinogradWeights::Stored;
  std::int64_t ldy = 0, ld_residual = 0;
  bool bias = false, residual = false, in_place = false;

  std::string describe() const {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "F%d%s n=%ld %ldx%ld c_in=%ld c_out=%ld pads=(t%ld l%ld b%ld r%ld) "
                  "ldy=%ld%s%s%s act=%d",
                  tile == WinogradTile::F2x2 ? 2 : 4, mode == WinogradWeights::Streamed ? " streamed" : "",
                  static_cast<long>(p.n), static_cast<long>(p.h_in), static_cast<long>(p.w_in),
                  static_cast<long>(p.c_in), static_cast<long>(p.c_out), static_cast<long>(p.pad_top),
                  static_cast<long>(p.pad_left), static_cast<long>(p.pad_bottom), static_cast<long>(p.pad_right),
                  static_cast<long>(ldy), bias ? " +bias" : "", residual ? " +residual" : "",
                  in_place ? "(in place)" : "", static_cast<int>(p.epilogue.act));
    return buf;
  }
};

kernels::Conv2dParams conv3x3(std::int64_t n, std::int64_t c_in, std::int64_t h, std::int64_t w, std::int64_t c_out,
                              std::int64_t pt, std::int64_t pl, std::int64_t pb, std::int64_t pr) {
  kernels::Conv2dParams p;
  p.n = n;
  p.c_in = c_in;
  p.h_in = h;
  p.w_in = w;
  p.c_out = c_out;
  p.kernel_h = p.kernel_w = 3;
  p.pad_top = pt;
  p.pad_left = pl;
  p.pad_bottom = pb;
  p.pad_right = pr;
  p.h_out = h + pt + pb - 2;
  p.w_out = w + pl + pr - 2;
  return p;
}

struct WinogradResult {
  ErrorStats err;
  std::vector<float> y_nhwc;  // with gaps
};

// Runs the case with tiles split at the given points (sorted, inside [0,
// tiles]) and checks the gap columns; returns the error against the reference.
WinogradResult run_case(Isa isa, const WinogradCase& wc, std::mt19937& rng, std::vector<std::int64_t> splits = {},
                        std::vector<std::int64_t> oc_splits = {}) {
  const kernels::Conv2dParams& p = wc.p;
  const std::int64_t hw_in = p.h_in * p.w_in, hw_out = p.h_out * p.w_out;
  const auto x = random_vector(static_cast<std::size_t>(p.n * p.c_in * hw_in), rng);
  const auto w = random_vector(static_cast<std::size_t>(p.c_out * p.c_in * 9), rng, -0.5f, 0.5f);
  const auto bias = random_vector(static_cast<std::size_t>(p.c_out), rng);
  const auto res = random_vector(static_cast<std::size_t>(p.n * p.c_out * hw_out), rng);

  std::vector<float> want(static_cast<std::size_t>(p.n * p.c_out * hw_out));
  ref::conv2d(p, x.data(), w.data(), wc.bias ? bias.data() : nullptr, wc.residual ? res.data() : nullptr, want.data());

  std::vector<float> packed(x86::winograd_weight_floats(isa, wc.tile, wc.mode, p.c_in, p.c_out), kSentinel);
  x86::winograd_prepare_weights(isa, wc.tile, wc.mode, w.data(), p.c_in, p.c_out, packed.data());
  std::vector<float> ws(x86::winograd_workspace_floats(isa, wc.tile, p, wc.mode), kSentinel);
  const auto x_nhwc = to_nhwc(x, p.n, p.c_in, hw_in, p.c_in);
  std::vector<float> y(static_cast<std::size_t>(p.n * hw_out * wc.ldy), kSentinel);
  std::vector<float> res_nhwc;
  const float* res_ptr = nullptr;
  std::int64_t ld_res = 0;
  if (wc.residual && wc.in_place) {
    const auto r = to_nhwc(res, p.n, p.c_out, hw_out, wc.ldy, kSentinel);
    y = r;
    res_ptr = y.data();
    ld_res = wc.ldy;
  } else if (wc.residual) {
    res_nhwc = to_nhwc(res, p.n, p.c_out, hw_out, wc.ld_residual);
    res_ptr = res_nhwc.data();
    ld_res = wc.ld_residual;
  }

  const std::int64_t tiles = x86::winograd_tiles(wc.tile, p);
  splits.insert(splits.begin(), 0);
  splits.push_back(tiles);
  oc_splits.insert(oc_splits.begin(), 0);
  oc_splits.push_back(-1);
  for (std::size_t i = 0; i + 1 < splits.size(); ++i)
    for (std::size_t j = 0; j + 1 < oc_splits.size(); ++j)
      x86::winograd_conv(isa, wc.tile, p, x_nhwc.data(), packed.data(), wc.bias ? bias.data() : nullptr, res_ptr,
                         ld_res, y.data(), wc.ldy, ws.data(), splits[i], splits[i + 1], oc_splits[j], oc_splits[j + 1],
                         wc.mode);

  EXPECT_TRUE(gaps_untouched(y, p.n * hw_out, p.c_out, wc.ldy)) << wc.describe();
  return {compare(to_nchw(y, p.n, p.c_out, hw_out, wc.ldy), want), std::move(y)};
}

// Tolerance relative to max|y|: the transforms' rounding grows with the tile
// (F(4x4) scales inputs by up to 5x5 and weights by 1/24-ish before the
// products); measured maxima on these shapes: F(2x2) 2.1e-6, F(4x4) 1.3e-5 (C =
// 256, 512).
double tolerance(WinogradTile t) { return t == WinogradTile::F2x2 ? 5e-6 : 5e-5; }

class WinogradTest : public testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!x86::has_isa(GetParam())) GTEST_SKIP() << x86::isa_name(GetParam()) << " not supported by this CPU";
  }
};

TEST_P(WinogradTest, OddShapesPadsAndEpilogues) {
  const Isa isa = GetParam();
  std::mt19937 rng(1234);
  const std::int64_t sizes[][2] = {{1, 1}, {2, 3}, {7, 5}, {13, 17}, {6, 9}, {4, 4}};
  const std::int64_t channels[] = {1, 3, 5, 17, 33, 64};
  int cases = 0, variant = 0;
  double worst[2] = {0.0, 0.0};
  for (const WinogradWeights mode : kModes)
    for (const auto& hw : sizes)
      for (std::int64_t c_in : channels)
        for (std::int64_t c_out : channels) {
          ++variant;
          WinogradCase wc;
          std::uniform_int_distribution<int> pad(0, 2);
          std::int64_t pt = pad(rng), pl = pad(rng), pb = pad(rng), pr = pad(rng);
          // Output must be at least 1x1.
          if (hw[0] + pt + pb < 3) pt = pb = 1 + (hw[0] < 1);
          if (hw[1] + pl + pr < 3) pl = pr = 1 + (hw[1] < 1);
          wc.p = conv3x3(1 + variant % 2, c_in, hw[0], hw[1], c_out, pt, pl, pb, pr);
          if (wc.p.h_out < 1 || wc.p.w_out < 1) continue;
          wc.p.epilogue = activation(variant);
          wc.tile = variant % 3 == 0 ? WinogradTile::F2x2 : WinogradTile::F4x4;
          wc.ldy = c_out + (variant % 4 == 1 ? 3 : 0);
          wc.bias = variant % 2 == 0;
          wc.residual = variant % 3 != 1;
          wc.in_place = wc.residual && variant % 5 == 0;
          wc.ld_residual = c_out + variant % 7;
          wc.mode = mode;
          const auto r = run_case(isa, wc, rng);
          const int ti = wc.tile == WinogradTile::F2x2 ? 0 : 1;
          worst[ti] = std::max(worst[ti], r.err.relative());
          EXPECT_LE(r.err.relative(), tolerance(wc.tile)) << wc.describe() << " max err " << r.err.max_abs_err;
          ++cases;
        }
  std::printf("[ %s ] %d cases, worst relative error F2x2 %.2e, F4x4 %.2e\n", x86::isa_name(isa), cases, worst[0],
              worst[1]);
}

TEST_P(WinogradTest, AllPadCombinations) {
  const Isa isa = GetParam();
  std::mt19937 rng(99);
  for (const WinogradWeights mode : kModes)
    for (WinogradTile t : {WinogradTile::F2x2, WinogradTile::F4x4})
      for (int pads = 0; pads < 81; ++pads) {
        WinogradCase wc;
        wc.mode = mode;
        wc.p = conv3x3(1, 5, 9, 10, 19, pads % 3, pads / 3 % 3, pads / 9 % 3, pads / 27 % 3);
        wc.tile = t;
        wc.ldy = 21;
        wc.bias = true;
        const auto r = run_case(isa, wc, rng);
        EXPECT_LE(r.err.relative(), tolerance(t)) << wc.describe();
      }
}

// Splitting the tiles or the output channels between calls (as threads do)
// gives bit-identical results. 140 channels: streamed, two whole chunks of U
// and a partial one.
TEST_P(WinogradTest, TileAndChannelRangesConcatenate) {
  const Isa isa = GetParam();
  for (const WinogradWeights mode : kModes)
    for (WinogradTile t : {WinogradTile::F2x2, WinogradTile::F4x4}) {
      WinogradCase wc;
      wc.mode = mode;
      wc.p = conv3x3(2, 17, 23, 21, 140, 1, 1, 1, 1);
      wc.p.epilogue = activation(1);
      wc.tile = t;
      wc.ldy = 145;
      wc.bias = wc.residual = true;
      wc.ld_residual = 140;
      std::mt19937 rng_a(7), rng_b(7), rng_c(7), rng_d(7);
      const std::int64_t tiles = x86::winograd_tiles(t, wc.p);
      const std::int64_t align = x86::winograd_oc_align(isa, wc.p, mode);
      ASSERT_LT(align, 140);
      const auto whole = run_case(isa, wc, rng_a);
      const auto split = run_case(isa, wc, rng_b, {1, tiles / 3, tiles / 2 + 1, tiles - 1});
      const auto split2 = run_case(isa, wc, rng_c, {tiles / 2}, {align});
      const auto split3 = run_case(isa, wc, rng_d, {}, {align, 2 * align < 140 ? 2 * align : align});
      EXPECT_EQ(whole.y_nhwc, split.y_nhwc);
      EXPECT_EQ(whole.y_nhwc, split2.y_nhwc);
      EXPECT_EQ(whole.y_nhwc, split3.y_nhwc);
      EXPECT_LE(whole.err.relative(), tolerance(t));
    }
}

// The accuracy figures quoted in conv_kernels.hpp: ResNet18's 3x3 layers (and a
// U-Net one), unit-range inputs, He-scaled weights, bias and Relu as after a
// folded BatchNorm.
TEST_P(WinogradTest, ResNetLayersAccuracy) {
  const Isa isa = GetParam();
  struct Layer {
    std::int64_t c, h;
  };
  for (const Layer l : {Layer{64, 56}, Layer{128, 28}, Layer{256, 14}, Layer{512, 7}, Layer{64, 40}})
    for (const WinogradWeights mode : kModes)
      for (WinogradTile t : {WinogradTile::F2x2, WinogradTile::F4x4}) {
        WinogradCase wc;
        wc.mode = mode;
        wc.p = conv3x3(1, l.c, l.h, l.h, l.c, 1, 1, 1, 1);
        wc.tile = t;
        wc.ldy = l.c;
        wc.bias = true;
        std::mt19937 rng(static_cast<unsigned>(l.c));
        const auto r = run_case(isa, wc, rng);
        std::printf(
            "[ %s ] F%d%s %ldx%ldx%ld: max|err| %.3e, max|y| %.3e, "
            "relative %.2e\n",
            x86::isa_name(isa), t == WinogradTile::F2x2 ? 2 : 4, mode == WinogradWeights::Streamed ? " streamed" : "",
            static_cast<long>(l.h), static_cast<long>(l.h), static_cast<long>(l.c), r.err.max_abs_err,
            r.err.max_abs_ref, r.err.relative());
        EXPECT_LE(r.err.relative(), tolerance(t)) << wc.describe();
      }
}

INSTANTIATE_TEST_SUITE_P(Isas, WinogradTest, testing::ValuesIn(kIsas), isa_param_name);

}  // namespace
}  // namespace tarsier::x86_conv_test
