// Unit tests of the CLI's data-set readers (tools/manifest.*) and base64 (tools/base64.*).
#include <fstream>

#include <gtest/gtest.h>

#include <tarsier/error.hpp>

#include "base64.hpp"
#include "cli_fixture.hpp"
#include "image/png_encode.hpp"
#include "manifest.hpp"

namespace tarsier::test {
namespace {

namespace fs = std::filesystem;
using cli::DatasetEntry;

std::string b64(const std::string& s) {
  return cli::base64_encode(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(b64(""), "");
  EXPECT_EQ(b64("f"), "Zg==");
  EXPECT_EQ(b64("fo"), "Zm8=");
  EXPECT_EQ(b64("foo"), "Zm9v");
  EXPECT_EQ(b64("foob"), "Zm9vYg==");
  EXPECT_EQ(b64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(b64("foobar"), "Zm9vYmFy");
  std::vector<std::uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(base64_decode(cli::base64_encode(all)), all);
}

class ManifestTest : public ::testing::Test {
 protected:
  void write_text(const fs::path& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
  }
  ScratchDir dir;
};

TEST_F(ManifestTest, LabelsColourMapAndKeyOrder) {
  write_png(solid_image(2, 2, 0, 0, 0), dir / "a.png");
  write_png(solid_image(2, 2, 255, 255, 255), dir / "a_mask.png");
  write_text(
      dir / "m.manifest",
      R"({"defect-metadata": {"class-name": "Anomaly"}, "defect": 1, "source-ref": "a.png", "anomaly-mask-ref": "a_mask.png", "anomaly-mask-ref-metadata": {"internal-color-map": {"1": {"class-name": "scratch", "hex-color": "#23a436"}, "2": {"class-name": "BACKGROUND", "hex-color": "#ffffff"}, "0": {"class-name": "crack", "hex-color": "#0000FF"}}}})"
      "\n"
      R"({"source-ref": "a.png", "x": 0, "x-metadata": {"class-name": "normal"}})"
      "\n"
      R"({"source-ref": "a.png"})"
      "\n");
  const std::vector<DatasetEntry> entries = cli::read_manifest(dir / "m.manifest", std::nullopt);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].is_anomaly, true);
  EXPECT_EQ(entries[0].image, dir / "a.png");
  ASSERT_TRUE(entries[0].mask.has_value());
  ASSERT_EQ(entries[0].mask_classes.size(), 3u);
  EXPECT_EQ(entries[0].mask_classes[0].name, "BACKGROUND");  // background first
  EXPECT_EQ(entries[0].mask_classes[0].color, (cli::Rgb{255, 255, 255}));
  EXPECT_EQ(entries[0].mask_classes[1].name, "crack");
  EXPECT_EQ(entries[0].mask_classes[2].color, (cli::Rgb{0x23, 0xA4, 0x36}));
  EXPECT_EQ(entries[1].is_anomaly, false);
  EXPECT_FALSE(entries[2].is_anomaly.has_value());
  EXPECT_EQ(entries[2].line, 3u);
}

TEST_F(ManifestTest, TruthMasks) {
  // Lookout colours: white background, anything else anomalous.
  Image rgb = solid_image(3, 1, 255, 255, 255);
  rgb.at(1, 0, 0) = 0x23;
  rgb.at(1, 0, 1) = 0xA4;
  rgb.at(1, 0, 2) = 0x36;
  write_png(rgb, dir / "rgb.png");
  const std::vector<cli::MaskClass> lookout = {{"BACKGROUND", {255, 255, 255}}, {"scratch", {0x23, 0xA4, 0x36}}};
  EXPECT_EQ(cli::read_truth_mask(dir / "rgb.png", lookout).anomaly, (std::vector<std::uint8_t>{0, 1, 0}));
  EXPECT_EQ(cli::read_truth_mask(dir / "rgb.png", {}).anomaly, (std::vector<std::uint8_t>{0, 1, 0}));

  // A black-and-white RGB mask without a colour map: white is the defect.
  Image bw = solid_image(3, 1, 0, 0, 0);
  bw.at(2, 0, 0) = bw.at(2, 0, 1) = bw.at(2, 0, 2) = 255;
  write_png(bw, dir / "bw.png");
  EXPECT_EQ(cli::read_truth_mask(dir / "bw.png", {}).anomaly, (std::vector<std::uint8_t>{0, 0, 1}));

  // Gray: nonzero is the defect.
  Image gray(3, 1, 1);
  gray.pixels = {0, 255, 7};
  write_png(gray, dir / "gray.png");
  const cli::BinaryMask g = cli::read_truth_mask(dir / "gray.png", {});
  EXPECT_EQ(g.width, 3);
  EXPECT_EQ(g.anomaly, (std::vector<std::uint8_t>{0, 1, 1}));
}

TEST_F(ManifestTest, LabelledFolder) {
  fs::create_directories(dir / "set" / "normal");
  fs::create_directories(dir / "set" / "anomaly");
  fs::create_directories(dir / "set" / "masks");
  write_png(solid_image(2, 2, 0, 0, 0), dir / "set" / "normal" / "n1.png");
  write_png(solid_image(2, 2, 0, 0, 0), dir / "set" / "anomaly" / "b.png");
  write_png(solid_image(2, 2, 0, 0, 0), dir / "set" / "anomaly" / "a.png");
  write_png(solid_image(2, 2, 0, 0, 0), dir / "set" / "masks" / "a.png");
  const std::vector<DatasetEntry> entries = cli::read_labelled_folder(dir / "set");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].is_anomaly, false);
  EXPECT_EQ(entries[1].image.filename(), "a.png");
  EXPECT_EQ(entries[1].is_anomaly, true);
  EXPECT_EQ(entries[1].mask, dir / "set" / "masks" / "a.png");
  EXPECT_FALSE(entries[2].mask.has_value());
  EXPECT_THROW(cli::read_labelled_folder(dir / "set" / "masks"), Error);
  EXPECT_THROW(cli::list_image_folder(dir / "nothing"), Error);
}

}  // namespace
}  // namespace tarsier::test
