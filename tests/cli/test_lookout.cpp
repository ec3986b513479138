// `tarsier run` output in the Lookout for Vision DetectAnomalies shape, --mask and --overlay.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "format/tsr.hpp"
#include "image/jpeg_builder.hpp"
#include "image/npy.hpp"
#include "image/png_builder.hpp"
#include "image/png_decode.hpp"
#include "image/png_encode.hpp"

namespace tarsier::test {
namespace {

struct Rgb {
  int r, g, b;
};
constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kFirstAnomaly{0x23, 0xA4, 0x36};   // Lookout's default, the palette's first colour
constexpr Rgb kSecondAnomaly{0xE0, 0x11, 0x5F};  // the palette's second colour

void expect_pixel(const Image& img, int x, int y, Rgb c) {
  ASSERT_EQ(img.channels, 3);
  EXPECT_EQ(img.at(x, y, 0), c.r) << x << "," << y;
  EXPECT_EQ(img.at(x, y, 1), c.g) << x << "," << y;
  EXPECT_EQ(img.at(x, y, 2), c.b) << x << "," << y;
}

// Columns [x0, x1) of every row set to this colour.
void paint_columns(Image& img, int x0, int x1, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  for (int y = 0; y < img.height; ++y) {
    for (int x = x0; x < x1; ++x) {
      img.at(x, y, 0) = r;
      img.at(x, y, 1) = g;
      img.at(x, y, 2) = b;
    }
  }
}

class LookoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    save_tsr(make_classifier(), classifier);
    save_tsr(make_two_class_segmenter(), segmenter2);
    save_tsr(make_three_class_segmenter(), segmenter3);
  }

  nlohmann::json run_ok(const std::vector<std::string>& args) {
    const CliResult r = run_cli(args, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    try {
      return nlohmann::json::parse(r.out);
    } catch (const std::exception&) {
      ADD_FAILURE() << "stdout is not JSON: " << r.out;
      return {};
    }
  }

  ScratchDir dir;
  std::string classifier = (dir / "classifier.tsr").string();
  std::string segmenter2 = (dir / "segmenter2.tsr").string();
  std::string segmenter3 = (dir / "segmenter3.tsr").string();
};

std::vector<std::string> keys_of(const nlohmann::json& j) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST_F(LookoutTest, ClassificationHasExactlyTheApiKeys) {
  const auto input = dir / "part.png";
  write_png(solid_image(4, 4, 10, 200, 0), input);  // logits (0.1, 2.0): anomaly
  const auto j = run_ok({"run", classifier, input.string()});
  EXPECT_EQ(keys_of(j), (std::vector<std::string>{"AnomalyScore", "AnomalyThreshold", "Confidence", "IsAnomalous",
                                                  "Source", "Tarsier"}));
  EXPECT_EQ(j["Source"], nlohmann::json({{"Type", "direct"}}));
  const double p = 1.0 / (1.0 + std::exp(-(2.0 - 0.1)));
  EXPECT_EQ(j["IsAnomalous"], true);
  EXPECT_NEAR(j["AnomalyScore"].get<double>(), p, 1e-5);
  EXPECT_NEAR(j["Confidence"].get<double>(), p, 1e-5);
  EXPECT_NEAR(j["AnomalyThreshold"].get<double>(), 0.5, 1e-9);
  EXPECT_EQ(j["Tarsier"]["Label"], "anomaly");
  EXPECT_TRUE(j["Tarsier"]["LatencyMs"].is_number());
  // The order of the API's own keys is kept: Source first, Tarsier's additions last.
  const CliResult r = run_cli({"run", classifier, input.string()}, dir);
  EXPECT_LT(r.out.find("\"Source\""), r.out.find("\"IsAnomalous\""));
  EXPECT_LT(r.out.find("\"AnomalyThreshold\""), r.out.find("\"Tarsier\""));
}

TEST_F(LookoutTest, ThresholdOptionOverridesTheModel) {
  const auto input = dir / "part.png";
  write_png(solid_image(4, 4, 10, 200, 0), input);  // anomaly score ~0.87
  const auto j = run_ok({"run", classifier, input.string(), "--threshold", "0.95"});
  EXPECT_EQ(j["IsAnomalous"], false);
  EXPECT_NEAR(j["AnomalyThreshold"].get<double>(), 0.95, 1e-6);
}

TEST_F(LookoutTest, SegmentationMaskAtOriginalSize) {
  // 8x6 image, left half defect (G >> R): the 4x4 output is sampled back onto 8x6.
  Image img = solid_image(8, 6, 250, 10, 0);
  paint_columns(img, 0, 4, 10, 250, 0);
  const auto input = dir / "part.png";
  write_png(img, input);
  const auto mask_path = dir / "mask.png";
  const auto overlay_path = dir / "overlay.png";
  const auto j =
      run_ok({"run", segmenter2, input.string(), "--mask", mask_path.string(), "--overlay", overlay_path.string()});
  EXPECT_EQ(keys_of(j), (std::vector<std::string>{"Anomalies", "AnomalyMask", "AnomalyScore", "AnomalyThreshold",
                                                  "Confidence", "IsAnomalous", "Source", "Tarsier"}));
  EXPECT_EQ(j["IsAnomalous"], true);
  ASSERT_EQ(j["Anomalies"].size(), 2u);
  EXPECT_EQ(j["Anomalies"][0]["Name"], "background");
  EXPECT_EQ(j["Anomalies"][0]["PixelAnomaly"]["Color"], "#FFFFFF");
  EXPECT_NEAR(j["Anomalies"][0]["PixelAnomaly"]["TotalPercentageArea"].get<double>(), 50.0, 1e-9);
  EXPECT_EQ(j["Anomalies"][1]["Name"], "defect");
  EXPECT_EQ(j["Anomalies"][1]["PixelAnomaly"]["Color"], "#23A436");
  EXPECT_NEAR(j["Anomalies"][1]["PixelAnomaly"]["TotalPercentageArea"].get<double>(), 50.0, 1e-9);

  const std::vector<std::uint8_t> png = base64_decode(j["AnomalyMask"].get<std::string>());
  ASSERT_FALSE(png.empty());
  const Image embedded = decode_png(png, "AnomalyMask");
  ASSERT_EQ(embedded.width, 8);
  ASSERT_EQ(embedded.height, 6);
  for (int y = 0; y < 6; ++y) {
    for (int x = 0; x < 8; ++x) expect_pixel(embedded, x, y, x < 4 ? kFirstAnomaly : kWhite);
  }
  // --mask writes the same picture.
  const Image mask = decode_png(read_bytes(mask_path), "mask.png");
  EXPECT_EQ(mask.pixels, embedded.pixels);

  // Overlay: original size, anomalous pixels half image half class colour, others untouched.
  const Image overlay = decode_png(read_bytes(overlay_path), "overlay.png");
  ASSERT_EQ(overlay.width, 8);
  ASSERT_EQ(overlay.height, 6);
  expect_pixel(overlay, 1, 2, {(10 + 0x23 + 1) / 2, (250 + 0xA4 + 1) / 2, (0 + 0x36 + 1) / 2});
  expect_pixel(overlay, 6, 5, {250, 10, 0});
}

TEST_F(LookoutTest, MultiClassAnomaliesInLabelOrderWithOwnColours) {
  // Three vertical bands of a 12x4 image: scratch (G), background (R), crack (B).
  Image img = solid_image(12, 4, 250, 0, 0);
  paint_columns(img, 0, 3, 0, 250, 0);
  paint_columns(img, 6, 12, 0, 0, 250);
  const auto input = dir / "part.png";
  write_png(img, input);
  const auto j = run_ok({"run", segmenter3, input.string()});
  ASSERT_EQ(j["Anomalies"].size(), 3u);
  EXPECT_EQ(j["Anomalies"][0]["Name"], "background");
  EXPECT_EQ(j["Anomalies"][1]["Name"], "scratch");
  EXPECT_EQ(j["Anomalies"][1]["PixelAnomaly"]["Color"], "#23A436");
  EXPECT_EQ(j["Anomalies"][2]["Name"], "crack");
  EXPECT_EQ(j["Anomalies"][2]["PixelAnomaly"]["Color"], "#E0115F");
  double total = 0.0;
  for (const auto& a : j["Anomalies"]) total += a["PixelAnomaly"]["TotalPercentageArea"].get<double>();
  EXPECT_NEAR(total, 100.0, 1e-9);
  const Image mask = decode_png(base64_decode(j["AnomalyMask"].get<std::string>()), "AnomalyMask");
  ASSERT_EQ(mask.width, 12);
  expect_pixel(mask, 0, 0, kFirstAnomaly);
  expect_pixel(mask, 11, 3, kSecondAnomaly);

  // Only crack present: it keeps its own colour (by class, not by rank in the list).
  Image crack_only = solid_image(12, 4, 250, 0, 0);
  paint_columns(crack_only, 6, 12, 0, 0, 250);
  write_png(crack_only, input);
  const auto k = run_ok({"run", segmenter3, input.string()});
  ASSERT_EQ(k["Anomalies"].size(), 2u);
  EXPECT_EQ(k["Anomalies"][1]["Name"], "crack");
  EXPECT_EQ(k["Anomalies"][1]["PixelAnomaly"]["Color"], "#E0115F");
}

TEST_F(LookoutTest, NormalSegmentationListsOnlyBackground) {
  const auto input = dir / "part.png";
  write_png(solid_image(5, 7, 250, 10, 0), input);
  const auto j = run_ok({"run", segmenter2, input.string()});
  EXPECT_EQ(j["IsAnomalous"], false);
  ASSERT_EQ(j["Anomalies"].size(), 1u);
  EXPECT_EQ(j["Anomalies"][0]["Name"], "background");
  EXPECT_NEAR(j["Anomalies"][0]["PixelAnomaly"]["TotalPercentageArea"].get<double>(), 100.0, 1e-9);
  const Image mask = decode_png(base64_decode(j["AnomalyMask"].get<std::string>()), "AnomalyMask");
  EXPECT_EQ(mask.width, 5);
  EXPECT_EQ(mask.height, 7);
}

TEST_F(LookoutTest, LetterboxPaddingIsCutFromTheMask) {
  // 8x4 image padded to 8x8 (rows 2..5); the padding (all zero) scores exactly 0.5 and would
  // count as anomalous if it were stretched back onto the image.
  Model m = make_two_class_segmenter();
  m.info.input.letterbox = true;
  const auto model = dir / "letterbox.tsr";
  save_tsr(m, model);
  Image img = solid_image(8, 4, 250, 10, 0);
  paint_columns(img, 0, 4, 10, 250, 0);
  const auto input = dir / "wide.png";
  write_png(img, input);
  const auto mask_path = dir / "mask.png";
  const auto j = run_ok({"run", model.string(), input.string(), "--mask", mask_path.string()});
  EXPECT_NEAR(j["Anomalies"][1]["PixelAnomaly"]["TotalPercentageArea"].get<double>(), 50.0, 1e-9);
  const Image mask = decode_png(read_bytes(mask_path), "mask.png");
  ASSERT_EQ(mask.width, 8);
  ASSERT_EQ(mask.height, 4);
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 8; ++x) expect_pixel(mask, x, y, x < 4 ? kFirstAnomaly : kWhite);
  }
}

TEST_F(LookoutTest, MaskAndOverlayErrors) {
  const auto input = dir / "part.png";
  write_png(solid_image(4, 4, 1, 2, 3), input);
  for (const std::string option : {"--mask", "--overlay"}) {
    const CliResult r = run_cli({"run", classifier, input.string(), option, (dir / "m.png").string()}, dir);
    EXPECT_TRUE(failed_cleanly(r)) << r.err;
    EXPECT_EQ(r.exit_code, exit_code_for(ErrorCode::InvalidArgument));
    EXPECT_NE(r.err.find(option), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("segmentation"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "m.png"));
  }
  const auto npy = dir / "in.npy";
  write_npy(npy, Shape{1, 3, 4, 4}, std::vector<float>(48, 0.0f));
  const CliResult r = run_cli({"run", segmenter2, npy.string(), "--overlay", (dir / "o.png").string()}, dir);
  EXPECT_TRUE(failed_cleanly(r)) << r.err;
  EXPECT_NE(r.err.find("--overlay needs an image"), std::string::npos) << r.err;

  const CliResult unwritable =
      run_cli({"run", segmenter2, input.string(), "--mask", (dir / "no_such_dir" / "m.png").string()}, dir);
  EXPECT_TRUE(failed_cleanly(unwritable)) << unwritable.err;
  EXPECT_EQ(unwritable.exit_code, exit_code_for(ErrorCode::Io));
}

TEST_F(LookoutTest, HostileAndDamagedImagesFailCleanly) {
  // A valid PNG header declaring 100000 x 100000 pixels: refused before decoding.
  std::vector<std::uint8_t> bomb = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  put_chunk(bomb, "IHDR", ihdr(100000, 100000, 8, 2));
  put_chunk(bomb, "IDAT", {0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
  put_chunk(bomb, "IEND", {});
  write_bytes(dir / "bomb.png", bomb);
  auto jpeg = build_jpeg(16, 16, 3, solid_image(16, 16, 9, 99, 199).pixels);
  jpeg.resize(jpeg.size() * 2 / 3);
  write_bytes(dir / "cut.jpg", jpeg);
  for (const std::string name : {"bomb.png", "cut.jpg"}) {
    for (const std::string& model : {classifier, segmenter2}) {
      const CliResult r = run_cli({"run", model, (dir / name).string()}, dir);
      EXPECT_TRUE(failed_cleanly(r)) << name << ": " << r.err;
      EXPECT_EQ(r.exit_code, exit_code_for(ErrorCode::InvalidImage)) << name << ": " << r.err;
      EXPECT_NE(r.err.find(name), std::string::npos) << r.err;
      EXPECT_TRUE(r.out.empty());
    }
  }
  const CliResult bomb_run = run_cli({"run", classifier, (dir / "bomb.png").string()}, dir);
  EXPECT_NE(bomb_run.err.find("100000x100000"), std::string::npos) << bomb_run.err;
}

TEST_F(LookoutTest, NeitherOrBothInputsIsAnError) {
  const CliResult none = run_cli({"run", classifier}, dir);
  EXPECT_TRUE(failed_cleanly(none)) << none.err;
  EXPECT_EQ(none.exit_code, exit_code_for(ErrorCode::InvalidArgument));
  const CliResult root_alone = run_cli({"run", classifier, (dir / "x.png").string(), "--root", dir.path.string()}, dir);
  EXPECT_TRUE(failed_cleanly(root_alone)) << root_alone.err;
  EXPECT_NE(root_alone.err.find("--root"), std::string::npos);
}

}  // namespace
}  // namespace tarsier::test
