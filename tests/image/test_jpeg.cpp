#include <cstdlib>
#include <random>

#include <gtest/gtest.h>

#include <tarsier/error.hpp>

#include "image/image_file.hpp"
#include "image/jpeg_decode.hpp"
#include "image/jpeg_builder.hpp"

namespace tarsier {
namespace {

// 16x16 image made of four flat 8x8 blocks (one per JPEG block), which JPEG at quality
// 100 without subsampling reproduces to within a couple of levels.
std::vector<std::uint8_t> four_blocks(int channels) {
  const std::uint8_t colors[4][3] = {{200, 30, 40}, {20, 180, 60}, {10, 40, 220}, {128, 128, 128}};
  std::vector<std::uint8_t> px(16 * 16 * channels);
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) {
      const int block = (y / 8) * 2 + x / 8;
      for (int c = 0; c < channels; ++c) px[(y * 16 + x) * channels + c] = colors[block][channels == 1 ? 0 : c];
    }
  }
  return px;
}

void expect_close(const Image& img, const std::vector<std::uint8_t>& expected, int tolerance) {
  ASSERT_EQ(img.pixels.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_NEAR(img.pixels[i], expected[i], tolerance) << "at byte " << i;
  }
}

void expect_invalid_image(const std::vector<std::uint8_t>& bytes, const std::string& fragment = "") {
  try {
    decode_jpeg(bytes, "bad.jpg");
    FAIL() << "decoding should have failed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidImage) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.jpg"), std::string::npos) << e.what();
    if (!fragment.empty()) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
}

TEST(JpegDecode, RgbBlocks) {
  const auto px = four_blocks(3);
  const Image img = decode_jpeg(test::build_jpeg(16, 16, 3, px), "t.jpg");
  EXPECT_EQ(img.width, 16);
  EXPECT_EQ(img.height, 16);
  EXPECT_EQ(img.channels, 3);
  expect_close(img, px, 3);
}

TEST(JpegDecode, ProgressiveRgb) {
  const auto px = four_blocks(3);
  const Image img = decode_jpeg(test::build_jpeg(16, 16, 3, px, 100, true), "t.jpg");
  expect_close(img, px, 3);
}

TEST(JpegDecode, GrayStaysOneChannel) {
  const auto px = four_blocks(1);
  const Image img = decode_jpeg(test::build_jpeg(16, 16, 1, px), "t.jpg");
  EXPECT_EQ(img.channels, 1);
  expect_close(img, px, 2);
}

TEST(JpegDecode, CmykIsConvertedAsAdobeInverted) {
  // Adobe CMYK stores 255 for "no ink": RGB = (C * K / 255, M * K / 255, Y * K / 255).
  const std::uint8_t cmyk[2][4] = {{255, 255, 255, 255}, {40, 200, 255, 128}};
  std::vector<std::uint8_t> px(16 * 8 * 4);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 16; ++x) {
      for (int c = 0; c < 4; ++c) px[(y * 16 + x) * 4 + c] = cmyk[x / 8][c];
    }
  }
  const Image img = decode_jpeg(test::build_jpeg(16, 8, 4, px), "cmyk.jpg");
  ASSERT_EQ(img.channels, 3);
  std::vector<std::uint8_t> expected(16 * 8 * 3);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 16; ++x) {
      const auto* k = cmyk[x / 8];
      for (int c = 0; c < 3; ++c) expected[(y * 16 + x) * 3 + c] = static_cast<std::uint8_t>(k[c] * k[3] / 255.0 + 0.5);
    }
  }
  expect_close(img, expected, 3);
}

TEST(JpegDecode, OddSizes) {
  std::vector<std::uint8_t> px(13 * 5 * 3, 90);
  const Image img = decode_jpeg(test::build_jpeg(13, 5, 3, px), "t.jpg");
  EXPECT_EQ(img.width, 13);
  EXPECT_EQ(img.height, 5);
  expect_close(img, px, 2);
}

TEST(JpegDecode, TruncatedFilesFail) {
  std::mt19937 rng(3);
  std::vector<std::uint8_t> px(64 * 64 * 3);
  for (auto& p : px) p = static_cast<std::uint8_t>(rng());
  const auto jpg = test::build_jpeg(64, 64, 3, px, 90);
  for (std::size_t keep : {std::size_t{0}, std::size_t{2}, std::size_t{3}, std::size_t{100}, jpg.size() / 2,
                           jpg.size() - 10}) {
    expect_invalid_image(std::vector<std::uint8_t>(jpg.begin(), jpg.begin() + static_cast<std::ptrdiff_t>(keep)));
  }
}

TEST(JpegDecode, RandomBytesAfterSoiFail) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<std::uint8_t> bytes = {0xFF, 0xD8, 0xFF};
    for (int i = 0; i < 300; ++i) bytes.push_back(static_cast<std::uint8_t>(rng()));
    expect_invalid_image(bytes);
  }
}

TEST(JpegDecode, ByteCorruptionNeverCrashes) {
  const auto jpg = test::build_jpeg(16, 16, 3, four_blocks(3), 90);
  std::mt19937 rng(5);
  for (int trial = 0; trial < 300; ++trial) {
    auto damaged = jpg;
    const std::size_t at = 2 + rng() % (damaged.size() - 2);
    damaged[at] = static_cast<std::uint8_t>(rng());
    try {
      const Image img = decode_jpeg(damaged, "flip.jpg");
      EXPECT_EQ(img.pixels.size(), static_cast<std::size_t>(img.width) * img.height * img.channels);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidImage);
    }
  }
}

TEST(JpegDecode, HugeDeclaredSizeIsRefusedBeforeAllocating) {
  auto jpg = test::build_jpeg(16, 16, 3, four_blocks(3));
  // Patch the frame header (SOF0: FF C0, length, precision, height, width) to 60000x60000.
  bool patched = false;
  for (std::size_t i = 2; i + 9 < jpg.size(); ++i) {
    if (jpg[i] == 0xFF && jpg[i + 1] == 0xC0) {
      jpg[i + 5] = 60000 >> 8;
      jpg[i + 6] = 60000 & 0xFF;
      jpg[i + 7] = 60000 >> 8;
      jpg[i + 8] = 60000 & 0xFF;
      patched = true;
      break;
    }
  }
  ASSERT_TRUE(patched);
  expect_invalid_image(jpg, "60000x60000");
}

TEST(ImageFile, SniffsJpeg) {
  const auto jpg = test::build_jpeg(16, 16, 1, four_blocks(1));
  EXPECT_EQ(sniff_file_kind(jpg), FileKind::Jpeg);
  EXPECT_EQ(decode_image(jpg, "named.png").channels, 1);
}

}  // namespace
}  // namespace tarsier
