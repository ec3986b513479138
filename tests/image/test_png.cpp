#include <random>

#include <png.h>

#include <gtest/gtest.h>

#include <tarsier/error.hpp>

#include "image/image_file.hpp"
#include "image/png_decode.hpp"
#include "image/png_encode.hpp"
#include "image/png_builder.hpp"

namespace tarsier {
namespace {

using test::build_png;

void expect_invalid_image(const std::vector<std::uint8_t>& bytes, const std::string& fragment = "") {
  try {
    decode_png(bytes, "bad.png");
    FAIL() << "decoding should have failed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidImage) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.png"), std::string::npos) << e.what();
    if (!fragment.empty()) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
}

TEST(PngDecode, Rgb8) {
  const auto png = build_png(2, 2, 8, 2, {{10, 20, 30, 40, 50, 60}, {70, 80, 90, 100, 110, 120}});
  const Image img = decode_png(png, "t.png");
  ASSERT_EQ(img.width, 2);
  ASSERT_EQ(img.height, 2);
  ASSERT_EQ(img.channels, 3);
  EXPECT_EQ(img.pixels, (std::vector<std::uint8_t>{10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120}));
}

TEST(PngDecode, GrayStaysOneChannel) {
  const auto png = build_png(3, 1, 8, 0, {{0, 128, 255}});
  const Image img = decode_png(png, "t.png");
  ASSERT_EQ(img.channels, 1);
  EXPECT_EQ(img.pixels, (std::vector<std::uint8_t>{0, 128, 255}));
}

TEST(PngDecode, Gray1BitIsExpandedTo0And255) {
  // 8 pixels 10110001 in one byte.
  const auto png = build_png(8, 1, 1, 0, {{0b10110001}});
  const Image img = decode_png(png, "t.png");
  ASSERT_EQ(img.channels, 1);
  EXPECT_EQ(img.pixels, (std::vector<std::uint8_t>{255, 0, 255, 255, 0, 0, 0, 255}));
}

TEST(PngDecode, RgbaDropsAlpha) {
  const auto png = build_png(2, 1, 8, 6, {{1, 2, 3, 0, 4, 5, 6, 255}});
  const Image img = decode_png(png, "t.png");
  ASSERT_EQ(img.channels, 3);
  EXPECT_EQ(img.pixels, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6}));
}

TEST(PngDecode, GrayAlphaDropsAlpha) {
  const auto png = build_png(2, 1, 8, 4, {{7, 0, 9, 200}});
  const Image img = decode_png(png, "t.png");
  ASSERT_EQ(img.channels, 1);
  EXPECT_EQ(img.pixels, (std::vector<std::uint8_t>{7, 9}));
}

TEST(PngDecode, PaletteBecomesRgb) {
  const std::vector<std::uint8_t> palette = {255, 0, 0, 0, 255, 0, 0, 0, 255};
  const auto png = build_png(3, 1, 8, 3, {{2, 0, 1}}, palette);
  const Image img = decode_png(png, "t.png");
  ASSERT_EQ(img.channels, 3);
  EXPECT_EQ(img.pixels, (std::vector<std::uint8_t>{0, 0, 255, 255, 0, 0, 0, 255, 0}));
}

TEST(PngDecode, Sixteen_bitIsScaledWithRounding) {
  // Samples as big-endian 16-bit: 0, 65535, 257*100, 32896 (=128.5*256 -> rounds).
  const std::vector<std::uint16_t> samples = {0, 65535, 25700, 32896, 1000, 40000};
  std::vector<std::uint8_t> row;
  for (auto s : samples) {
    row.push_back(static_cast<std::uint8_t>(s >> 8));
    row.push_back(static_cast<std::uint8_t>(s & 0xFF));
  }
  const auto png = build_png(2, 1, 16, 2, {row});
  const Image img = decode_png(png, "t.png");
  ASSERT_EQ(img.channels, 3);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double expected = samples[i] * 255.0 / 65535.0;
    EXPECT_NEAR(img.pixels[i], expected, 0.5 + 1e-9) << "sample " << i;
  }
}

// Writes an Adam7-interlaced RGB PNG with libpng's own writer (interlacing is easy to get
// wrong on the read side: each pass refines the same rows).
std::vector<std::uint8_t> interlaced_png(const Image& img) {
  std::vector<std::uint8_t> out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep data, png_size_t n) {
        auto* v = static_cast<std::vector<std::uint8_t>*>(png_get_io_ptr(p));
        v->insert(v->end(), data, data + n);
      },
      nullptr);
  png_set_IHDR(png, info, static_cast<png_uint_32>(img.width), static_cast<png_uint_32>(img.height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_ADAM7, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  std::vector<png_bytep> rows(static_cast<std::size_t>(img.height));
  for (int y = 0; y < img.height; ++y) {
    rows[static_cast<std::size_t>(y)] = const_cast<png_bytep>(img.pixels.data() + static_cast<std::size_t>(y) * img.width * 3);
  }
  png_set_rows(png, info, rows.data());
  png_write_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

TEST(PngDecode, Adam7Interlaced) {
  std::mt19937 rng(9);
  Image img(11, 9, 3);
  for (auto& p : img.pixels) p = static_cast<std::uint8_t>(rng());
  const auto bytes = interlaced_png(img);
  ASSERT_EQ(bytes[8 + 8 + 12], 1) << "the test file should be interlaced";
  const Image back = decode_png(bytes, "adam7.png");
  EXPECT_EQ(back.pixels, img.pixels);
}

TEST(PngEncode, RoundTripsGrayAndRgb) {
  std::mt19937 rng(7);
  for (int channels : {1, 3}) {
    Image img(13, 7, channels);
    for (auto& p : img.pixels) p = static_cast<std::uint8_t>(rng());
    const Image back = decode_png(encode_png(img), "round.png");
    EXPECT_EQ(back.width, 13);
    EXPECT_EQ(back.height, 7);
    EXPECT_EQ(back.channels, channels);
    EXPECT_EQ(back.pixels, img.pixels);
  }
}

TEST(PngEncode, RejectsUnsupportedChannelCount) {
  Image img(2, 2, 2);
  EXPECT_THROW(encode_png(img), Error);
}

TEST(PngDecode, TruncatedFilesFail) {
  const auto png = build_png(4, 4, 8, 2, std::vector<std::vector<std::uint8_t>>(4, std::vector<std::uint8_t>(12, 9)));
  for (std::size_t keep : {std::size_t{0}, std::size_t{8}, std::size_t{20}, std::size_t{33}, png.size() / 2,
                           png.size() - 13}) {
    expect_invalid_image(std::vector<std::uint8_t>(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(keep)));
  }
}

TEST(PngDecode, CorruptedChunkCrcFails) {
  auto png = build_png(2, 2, 8, 0, {{1, 2}, {3, 4}});
  png[8 + 8 + 3] ^= 0x01;  // width byte inside IHDR: CRC no longer matches
  expect_invalid_image(png);
}

TEST(PngDecode, RandomBytesAfterSignatureFail) {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<std::uint8_t> bytes = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    for (int i = 0; i < 200; ++i) bytes.push_back(static_cast<std::uint8_t>(rng()));
    expect_invalid_image(bytes);
  }
}

TEST(PngDecode, BitFlipsNeverCrash) {
  const auto png = build_png(5, 3, 8, 2, std::vector<std::vector<std::uint8_t>>(3, std::vector<std::uint8_t>(15, 77)));
  for (std::size_t i = 8; i < png.size(); ++i) {
    auto damaged = png;
    damaged[i] ^= 0x40;
    try {
      const Image img = decode_png(damaged, "flip.png");
      EXPECT_EQ(img.pixels.size(), static_cast<std::size_t>(img.width) * img.height * img.channels);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidImage);
    }
  }
}

TEST(PngDecode, HugeDeclaredSizeIsRefusedBeforeAllocating) {
  // A valid header claiming 100000 x 100000 pixels followed by a tiny IDAT.
  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  test::put_chunk(png, "IHDR", test::ihdr(100000, 100000, 8, 2));
  test::put_chunk(png, "IDAT", {0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
  test::put_chunk(png, "IEND", {});
  expect_invalid_image(png, "100000x100000");
}

TEST(ImageFile, SniffsByContentNotName) {
  const auto png = build_png(1, 1, 8, 0, {{5}});
  EXPECT_EQ(sniff_file_kind(png), FileKind::Png);
  const Image img = decode_image(png, "actually_a_png.jpg");
  EXPECT_EQ(img.pixels, std::vector<std::uint8_t>{5});
  const std::vector<std::uint8_t> text = {'h', 'e', 'l', 'l', 'o'};
  EXPECT_EQ(sniff_file_kind(text), FileKind::Unknown);
  try {
    decode_image(text, "notes.png");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidImage);
    EXPECT_NE(std::string(e.what()).find("notes.png"), std::string::npos);
  }
}

TEST(ImageFile, MissingFileIsAnIoError) {
  try {
    read_image("/nonexistent/dir/part.png");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Io);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/part.png"), std::string::npos);
  }
}

}  // namespace
}  // namespace tarsier
