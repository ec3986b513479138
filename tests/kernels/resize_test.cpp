// resize2d against values PyTorch's F.interpolate produces (hand-checkable) and a per-pixel
// double-precision transcription of the ONNX Resize formulas.
#include "kernels/ref/resize.hpp"

#include <cmath>

#include "kernel_test_util.hpp"

namespace tarsier {
namespace {

using kernel_test::expect_close;
using kernels::CoordinateTransform;
using kernels::NearestRounding;
using kernels::ResizeMode;
using kernels::ResizeParams;

ResizeParams make(std::int64_t h_in, std::int64_t w_in, std::int64_t h_out, std::int64_t w_out, ResizeMode mode,
                  CoordinateTransform t, NearestRounding r = NearestRounding::Floor) {
  ResizeParams p;
  p.c = 1;
  p.h_in = h_in;
  p.w_in = w_in;
  p.h_out = h_out;
  p.w_out = w_out;
  p.scale_h = static_cast<float>(h_out) / static_cast<float>(h_in);
  p.scale_w = static_cast<float>(w_out) / static_cast<float>(w_in);
  p.mode = mode;
  p.transform = t;
  p.rounding = r;
  return p;
}

std::vector<float> run(const ResizeParams& p, const std::vector<float>& x) {
  std::vector<float> y(static_cast<std::size_t>(p.n * p.c * p.h_out * p.w_out), -999.0f);
  ref::resize2d(p, x.data(), y.data());
  return y;
}

const std::vector<float> q2x2 = {1, 2, 3, 4};
const std::vector<float> r0to4 = {0, 1, 2, 3, 4};

TEST(ResizeRef, HandPytorchNearestUpsample) {
  // nn.Upsample(scale_factor=2, mode='nearest') exports asymmetric + floor.
  const auto p = make(2, 2, 4, 4, ResizeMode::Nearest, CoordinateTransform::Asymmetric);
  EXPECT_EQ(run(p, q2x2), (std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
  // Downsampling 5 -> 2: x_original = 2.5 * x -> {0, 2.5} -> floor {0, 2}.
  EXPECT_EQ(run(make(1, 5, 1, 2, ResizeMode::Nearest, CoordinateTransform::Asymmetric), r0to4),
            (std::vector<float>{0, 2}));
}

TEST(ResizeRef, HandPytorchBilinear) {
  // F.interpolate(size=(4,4), mode='bilinear', align_corners=False) on [[1,2],[3,4]].
  const std::vector<float> want = {1,   1.25f, 1.75f, 2,   1.5f, 1.75f, 2.25f, 2.5f,
                                   2.5f, 2.75f, 3.25f, 3.5f, 3,    3.25f, 3.75f, 4};
  EXPECT_EQ(run(make(2, 2, 4, 4, ResizeMode::Linear, CoordinateTransform::HalfPixel), q2x2), want);
  EXPECT_EQ(run(make(2, 2, 4, 4, ResizeMode::Linear, CoordinateTransform::PytorchHalfPixel), q2x2), want);
  // align_corners=True, 2x2 -> 3x3.
  EXPECT_EQ(run(make(2, 2, 3, 3, ResizeMode::Linear, CoordinateTransform::AlignCorners), q2x2),
            (std::vector<float>{1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4}));
  // Downsampling 5 -> 2 and 5 -> 3, half pixel: x_original = (x + 0.5) / 0.4 - 0.5 = {0.75, 3.25}.
  const auto y2 = run(make(1, 5, 1, 2, ResizeMode::Linear, CoordinateTransform::HalfPixel), r0to4);
  EXPECT_FLOAT_EQ(y2[0], 0.75f);
  EXPECT_FLOAT_EQ(y2[1], 3.25f);
  const auto y3 = run(make(1, 5, 1, 3, ResizeMode::Linear, CoordinateTransform::HalfPixel), r0to4);
  EXPECT_FLOAT_EQ(y3[0], 1.0f / 3);
  EXPECT_FLOAT_EQ(y3[1], 2.0f);
  EXPECT_FLOAT_EQ(y3[2], 11.0f / 3);
}

TEST(ResizeRef, HandOutputLengthOne) {
  // pytorch_half_pixel and align_corners map a length-1 output to coordinate 0; half_pixel
  // maps it to the centre ((0 + 0.5) / 0.2 - 0.5 = 2).
  EXPECT_EQ(run(make(1, 5, 1, 1, ResizeMode::Linear, CoordinateTransform::PytorchHalfPixel), r0to4),
            (std::vector<float>{0}));
  EXPECT_EQ(run(make(1, 5, 1, 1, ResizeMode::Linear, CoordinateTransform::AlignCorners), r0to4),
            (std::vector<float>{0}));
  EXPECT_FLOAT_EQ(run(make(1, 5, 1, 1, ResizeMode::Linear, CoordinateTransform::HalfPixel), r0to4)[0], 2.0f);
}

TEST(ResizeRef, HandNearestRoundingModes) {
  // 4 -> 8 half_pixel: x_original = (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, ...: no ties.
  // 2 -> 4 asymmetric gives ties: x_original = x / 2 = 0, 0.5, 1, 1.5.
  const std::vector<float> x = {10, 20};
  auto p = make(1, 2, 1, 4, ResizeMode::Nearest, CoordinateTransform::Asymmetric);
  p.rounding = NearestRounding::RoundPreferFloor;
  EXPECT_EQ(run(p, x), (std::vector<float>{10, 10, 20, 20}));
  p.rounding = NearestRounding::RoundPreferCeil;
  EXPECT_EQ(run(p, x), (std::vector<float>{10, 20, 20, 20}));  // 1.5 -> 2, clamped to 1
  p.rounding = NearestRounding::Floor;
  EXPECT_EQ(run(p, x), (std::vector<float>{10, 10, 20, 20}));
  p.rounding = NearestRounding::Ceil;
  EXPECT_EQ(run(p, x), (std::vector<float>{10, 20, 20, 20}));
  // half_pixel 3 -> 2: x_original = (x + 0.5) * 1.5 - 0.5 = 0.25, 1.75.
  const std::vector<float> x3 = {10, 20, 30};
  auto q = make(1, 3, 1, 2, ResizeMode::Nearest, CoordinateTransform::HalfPixel, NearestRounding::RoundPreferFloor);
  EXPECT_EQ(run(q, x3), (std::vector<float>{10, 30}));
  q.rounding = NearestRounding::Floor;
  EXPECT_EQ(run(q, x3), (std::vector<float>{10, 20}));
  q.rounding = NearestRounding::Ceil;
  EXPECT_EQ(run(q, x3), (std::vector<float>{20, 30}));
}

// The ONNX spec formulas transcribed per output pixel in double. Nearest ties use the
// identities round_prefer_floor(c) = ceil(c - 1/2), round_prefer_ceil(c) = floor(c + 1/2);
// linear uses the explicit four-neighbour weights.
double onnx_coordinate(CoordinateTransform t, double xr, double scale, double in_len, double out_len) {
  switch (t) {
    case CoordinateTransform::HalfPixel: return (xr + 0.5) / scale - 0.5;
    case CoordinateTransform::PytorchHalfPixel: return out_len > 1 ? (xr + 0.5) / scale - 0.5 : 0.0;
    case CoordinateTransform::AlignCorners: return out_len == 1 ? 0.0 : xr * (in_len - 1) / (out_len - 1);
    case CoordinateTransform::Asymmetric: return xr / scale;
  }
  return 0;
}

std::int64_t onnx_nearest(NearestRounding r, double c, std::int64_t len) {
  double v = 0;
  switch (r) {
    case NearestRounding::RoundPreferFloor: v = std::ceil(c - 0.5); break;
    case NearestRounding::RoundPreferCeil: v = std::floor(c + 0.5); break;
    case NearestRounding::Floor: v = std::floor(c); break;
    case NearestRounding::Ceil: v = std::ceil(c); break;
  }
  const auto i = static_cast<std::int64_t>(v);
  return i < 0 ? 0 : (i >= len ? len - 1 : i);
}

std::vector<double> onnx_resize(const ResizeParams& p, const std::vector<float>& x) {
  std::vector<double> y;
  for (std::int64_t pl = 0; pl < p.n * p.c; ++pl)
    for (std::int64_t oh = 0; oh < p.h_out; ++oh)
      for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
        const double ch = onnx_coordinate(p.transform, static_cast<double>(oh), p.scale_h,
                                          static_cast<double>(p.h_in), static_cast<double>(p.h_out));
        const double cw = onnx_coordinate(p.transform, static_cast<double>(ow), p.scale_w,
                                          static_cast<double>(p.w_in), static_cast<double>(p.w_out));
        auto at = [&](std::int64_t ih, std::int64_t iw) {
          return double{x[static_cast<std::size_t>((pl * p.h_in + ih) * p.w_in + iw)]};
        };
        if (p.mode == ResizeMode::Nearest) {
          y.push_back(at(onnx_nearest(p.rounding, ch, p.h_in), onnx_nearest(p.rounding, cw, p.w_in)));
          continue;
        }
        // Sample positions outside the input take the edge value (clamp the coordinate).
        const double hc = std::min(std::max(ch, 0.0), static_cast<double>(p.h_in - 1));
        const double wc = std::min(std::max(cw, 0.0), static_cast<double>(p.w_in - 1));
        const auto h0 = static_cast<std::int64_t>(hc), w0 = static_cast<std::int64_t>(wc);
        const std::int64_t h1 = std::min(h0 + 1, p.h_in - 1), w1 = std::min(w0 + 1, p.w_in - 1);
        const double dh = hc - static_cast<double>(h0), dw = wc - static_cast<double>(w0);
        y.push_back((1 - dh) * (1 - dw) * at(h0, w0) + (1 - dh) * dw * at(h0, w1) + dh * (1 - dw) * at(h1, w0) +
                    dh * dw * at(h1, w1));
      }
  return y;
}

TEST(ResizeRef, RandomShapesMatchOnnxFormula) {
  std::mt19937 rng(2718);
  using kernel_test::uniform_int;
  const CoordinateTransform transforms[] = {CoordinateTransform::HalfPixel, CoordinateTransform::PytorchHalfPixel,
                                            CoordinateTransform::AlignCorners, CoordinateTransform::Asymmetric};
  const NearestRounding roundings[] = {NearestRounding::RoundPreferFloor, NearestRounding::RoundPreferCeil,
                                       NearestRounding::Floor, NearestRounding::Ceil};
  for (int i = 0; i < 400; ++i) {
    ResizeParams p;
    p.n = uniform_int(rng, 1, 2);
    p.c = uniform_int(rng, 1, 3);
    p.h_in = uniform_int(rng, 1, 9);
    p.w_in = uniform_int(rng, 1, 9);
    p.mode = i % 2 == 0 ? ResizeMode::Nearest : ResizeMode::Linear;
    p.transform = transforms[uniform_int(rng, 0, 3)];
    p.rounding = roundings[uniform_int(rng, 0, 3)];
    if (uniform_int(rng, 0, 1) == 0) {
      // Scales given (like nn.Upsample(scale_factor)): output = floor(input * scale).
      const float scales[] = {0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 0.75f};
      p.scale_h = scales[uniform_int(rng, 0, 5)];
      p.scale_w = scales[uniform_int(rng, 0, 5)];
      p.h_out = static_cast<std::int64_t>(std::floor(static_cast<float>(p.h_in) * p.scale_h));
      p.w_out = static_cast<std::int64_t>(std::floor(static_cast<float>(p.w_in) * p.scale_w));
      if (p.h_out < 1 || p.w_out < 1) continue;
    } else {
      // Sizes given: the scale is output / input.
      p.h_out = uniform_int(rng, 1, 12);
      p.w_out = uniform_int(rng, 1, 12);
      p.scale_h = static_cast<float>(p.h_out) / static_cast<float>(p.h_in);
      p.scale_w = static_cast<float>(p.w_out) / static_cast<float>(p.w_in);
    }
    const auto x = kernel_test::random_vector(rng, p.n * p.c * p.h_in * p.w_in);
    expect_close(run(p, x), onnx_resize(p, x),
                 kernel_test::describe({{"case", i}, {"mode", static_cast<int>(p.mode)},
                                        {"transform", static_cast<int>(p.transform)},
                                        {"rounding", static_cast<int>(p.rounding)}, {"h", p.h_in}, {"w", p.w_in},
                                        {"ho", p.h_out}, {"wo", p.w_out}}));
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace tarsier
