#include <gtest/gtest.h>

#include "image/resize.hpp"

namespace tarsier {
namespace {

// A one-row gray image, so each case is a hand-computable 1-D resampling.
Image row(std::vector<std::uint8_t> values) {
  Image img(static_cast<int>(values.size()), 1, 1);
  img.pixels = std::move(values);
  return img;
}

std::vector<float> resized_row(const Image& img, int width, ResizeKind kind) {
  return resize_image(img, width, 1, kind).pixels;
}

void expect_floats(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-4) << "at " << i;
}

TEST(Resize, BilinearDownscaleByTwoAveragesPairs) {
  // Centres map to 0.5 and 2.5: the means of (0,1) and (2,3).
  expect_floats(resized_row(row({10, 20, 30, 50}), 2, ResizeKind::Bilinear), {15, 40});
}

TEST(Resize, BilinearUpscaleClampsAtBorders) {
  // 2 -> 4: source coords -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
  expect_floats(resized_row(row({0, 100}), 4, ResizeKind::Bilinear), {0, 25, 75, 100});
}

TEST(Resize, BilinearNonIntegerRatio) {
  // 3 -> 2: scale 1.5, coords 0.25 and 1.75.
  expect_floats(resized_row(row({0, 100, 200}), 2, ResizeKind::Bilinear), {25, 175});
}

TEST(Resize, BilinearTwoDimensions) {
  // 2x2 -> 3x3: coords per axis -1/6 (clamped 0), 0.5, 7/6 (clamped 1).
  Image img(2, 2, 1);
  img.pixels = {0, 60, 120, 180};
  const FloatImage out = resize_image(img, 3, 3, ResizeKind::Bilinear);
  expect_floats(out.pixels, {0, 30, 60, 60, 90, 120, 120, 150, 180});
}

TEST(Resize, IdentityKeepsPixels) {
  for (ResizeKind kind : {ResizeKind::Bilinear, ResizeKind::Nearest, ResizeKind::Area}) {
    expect_floats(resized_row(row({3, 1, 4, 1, 5}), 5, kind), {3, 1, 4, 1, 5});
  }
}

TEST(Resize, NearestUsesPixelCentres) {
  // 4 -> 3: scale 4/3, floor((d + 0.5) * 4/3) = 0, 2, 3.
  expect_floats(resized_row(row({10, 20, 30, 40}), 3, ResizeKind::Nearest), {10, 30, 40});
  // 2 -> 4: floor((d + 0.5) / 2) = 0, 0, 1, 1.
  expect_floats(resized_row(row({10, 20}), 4, ResizeKind::Nearest), {10, 10, 20, 20});
}

TEST(Resize, AreaAveragesCoveredPixels) {
  expect_floats(resized_row(row({10, 20, 30, 50}), 2, ResizeKind::Area), {15, 40});
  // 3 -> 2: intervals [0, 1.5) and [1.5, 3): weights 2/3 and 1/3.
  expect_floats(resized_row(row({0, 90, 180}), 2, ResizeKind::Area), {30, 150});
  // 6 -> 1: the plain mean.
  expect_floats(resized_row(row({1, 2, 3, 4, 5, 9}), 1, ResizeKind::Area), {4});
}

TEST(Resize, AreaEnlargingFallsBackToBilinear) {
  expect_floats(resized_row(row({0, 100}), 4, ResizeKind::Area), {0, 25, 75, 100});
}

TEST(Resize, ChannelsAreIndependent) {
  Image img(2, 1, 3);
  img.pixels = {0, 10, 200, 100, 30, 0};
  const FloatImage out = resize_image(img, 1, 1, ResizeKind::Bilinear);
  expect_floats(out.pixels, {50, 20, 100});
}

}  // namespace
}  // namespace tarsier
