#include <gtest/gtest.h>

#include <tarsier/error.hpp>

#include "image/preprocess.hpp"

namespace tarsier {
namespace {

// 2x1 RGB image: left pixel (10, 20, 30), right pixel (40, 50, 60).
Image two_pixels() {
  Image img(2, 1, 3);
  img.pixels = {10, 20, 30, 40, 50, 60};
  return img;
}

InputSpec spec(Layout layout, ColorOrder color, std::vector<std::int64_t> shape) {
  InputSpec s;
  s.name = "input";
  s.shape = std::move(shape);
  s.layout = layout;
  s.color = color;
  s.resize = ResizeKind::Bilinear;
  s.scale = 0.5f;
  s.mean = {1.0f, 2.0f, 3.0f};
  s.std = {2.0f, 4.0f, 5.0f};
  return s;
}

void expect_floats(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5) << "at " << i;
}

TEST(Preprocess, NchwRgbNormalises) {
  // (p * 0.5 - mean[c]) / std[c] for each channel plane.
  const auto out = preprocess(two_pixels(), spec(Layout::NCHW, ColorOrder::RGB, {1, 3, 1, 2}));
  expect_floats(out, {(5 - 1) / 2.0f, (20 - 1) / 2.0f,      // R plane
                      (10 - 2) / 4.0f, (25 - 2) / 4.0f,     // G plane
                      (15 - 3) / 5.0f, (30 - 3) / 5.0f});   // B plane
}

TEST(Preprocess, NhwcBgrSwapsChannelsAndIndexesMeanByTensorChannel) {
  const auto out = preprocess(two_pixels(), spec(Layout::NHWC, ColorOrder::BGR, {1, 1, 2, 3}));
  // Tensor channel 0 is blue (30 -> 15), normalised with mean[0], std[0].
  expect_floats(out, {(15 - 1) / 2.0f, (10 - 2) / 4.0f, (5 - 3) / 5.0f,
                      (30 - 1) / 2.0f, (25 - 2) / 4.0f, (20 - 3) / 5.0f});
}

TEST(Preprocess, GrayModelGetsLuma) {
  InputSpec s = spec(Layout::NCHW, ColorOrder::Gray, {1, 1, 1, 2});
  s.scale = 1.0f;
  s.mean = {0.0f};
  s.std = {1.0f};
  const auto out = preprocess(two_pixels(), s);
  expect_floats(out, {0.299f * 10 + 0.587f * 20 + 0.114f * 30, 0.299f * 40 + 0.587f * 50 + 0.114f * 60});
}

TEST(Preprocess, GrayImageIsReplicatedForRgbModel) {
  Image img(1, 1, 1);
  img.pixels = {100};
  const auto out = preprocess(img, spec(Layout::NCHW, ColorOrder::RGB, {1, 3, 1, 1}));
  expect_floats(out, {(50 - 1) / 2.0f, (50 - 2) / 4.0f, (50 - 3) / 5.0f});
}

TEST(Preprocess, ResizesBeforeNormalising) {
  // 2x1 -> 1x1 bilinear: the mean of both pixels, (25, 35, 45).
  const auto out = preprocess(two_pixels(), spec(Layout::NCHW, ColorOrder::RGB, {1, 3, 1, 1}));
  expect_floats(out, {(12.5f - 1) / 2.0f, (17.5f - 2) / 4.0f, (22.5f - 3) / 5.0f});
}

TEST(Preprocess, LetterboxPadsToSquareWithBlack) {
  // 2x1 padded to 2x2: the image sits on row 0 (odd padding goes to the bottom), row 1 black.
  InputSpec s = spec(Layout::NCHW, ColorOrder::RGB, {1, 3, 2, 2});
  s.letterbox = true;
  s.resize = ResizeKind::Nearest;
  s.scale = 1.0f;
  s.mean = {};
  s.std = {};
  const auto out = preprocess(two_pixels(), s);
  expect_floats(out, {10, 40, 0, 0, 20, 50, 0, 0, 30, 60, 0, 0});
}

TEST(Preprocess, PadToSquareCentres) {
  Image img(1, 3, 1);
  img.pixels = {7, 8, 9};
  const Image sq = pad_to_square(img);
  ASSERT_EQ(sq.width, 3);
  ASSERT_EQ(sq.height, 3);
  EXPECT_EQ(sq.pixels, (std::vector<std::uint8_t>{0, 7, 0, 0, 8, 0, 0, 9, 0}));
}

TEST(Preprocess, SingleMeanAppliesToAllChannels) {
  InputSpec s = spec(Layout::NCHW, ColorOrder::RGB, {1, 3, 1, 2});
  s.mean = {5.0f};
  s.std = {0.5f};
  const auto out = preprocess(two_pixels(), s);
  expect_floats(out, {0, 30, 10, 40, 20, 50});
}

TEST(Preprocess, RejectsShapesItCannotFill) {
  EXPECT_THROW(preprocess(two_pixels(), spec(Layout::NCHW, ColorOrder::RGB, {1, 1, 4, 4})), Error);
  EXPECT_THROW(preprocess(two_pixels(), spec(Layout::NCHW, ColorOrder::RGB, {2, 3, 4, 4})), Error);
  EXPECT_THROW(preprocess(two_pixels(), spec(Layout::NCHW, ColorOrder::RGB, {3, 4, 4})), Error);
  InputSpec bad_mean = spec(Layout::NCHW, ColorOrder::RGB, {1, 3, 2, 2});
  bad_mean.mean = {1.0f, 2.0f};
  EXPECT_THROW(preprocess(two_pixels(), bad_mean), Error);
  InputSpec zero_std = spec(Layout::NCHW, ColorOrder::RGB, {1, 3, 2, 2});
  zero_std.std = {1.0f, 0.0f, 1.0f};
  EXPECT_THROW(preprocess(two_pixels(), zero_std), Error);
}

TEST(Preprocess, OutputSpanMustMatch) {
  std::vector<float> small(5);
  EXPECT_THROW(preprocess(two_pixels(), spec(Layout::NCHW, ColorOrder::RGB, {1, 3, 1, 2}), small), Error);
}

}  // namespace
}  // namespace tarsier
