#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <tarsier/error.hpp>

#include "cli_fixture.hpp"
#include "format/tsr.hpp"
#include "image/image.hpp"
#include "image/jpeg_builder.hpp"
#include "image/npy.hpp"
#include "image/png_decode.hpp"
#include "image/png_encode.hpp"

namespace tarsier::test {
namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Exit code for a tarsier::Error of this code (tools/main.cpp: 2 + code).
int exit_code_of(ErrorCode code) { return 2 + static_cast<int>(code); }

// [1, 3, 4, 4] tensor with constant planes.
std::vector<float> planes(float r, float g, float b) {
  std::vector<float> v;
  for (float value : {r, g, b}) v.insert(v.end(), 16, value);
  return v;
}

Image solid(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Image img(w, h, 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      img.at(x, y, 0) = r;
      img.at(x, y, 1) = g;
      img.at(x, y, 2) = b;
    }
  }
  return img;
}

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    save_tsr(make_classifier(), classifier);
    save_tsr(make_segmenter(), segmenter);
    save_tsr(make_two_class_segmenter(), segmenter2);
  }

  nlohmann::json run_ok(const std::vector<std::string>& args) {
    const CliResult r = run_cli(args, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    try {
      return nlohmann::json::parse(r.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "stdout is not JSON: " << r.out;
      return {};
    }
  }

  void expect_failure(const std::vector<std::string>& args, int code, const std::string& fragment) {
    const CliResult r = run_cli(args, dir);
    EXPECT_TRUE(failed_cleanly(r)) << r.err;
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }

  ScratchDir dir;
  std::string classifier = (dir / "classifier.tsr").string();
  std::string segmenter = (dir / "segmenter.tsr").string();
  std::string segmenter2 = (dir / "segmenter2.tsr").string();
};

TEST_F(RunTest, ClassifierOnNpy) {
  const auto input = dir / "in.npy";
  write_npy(input, Shape{1, 3, 4, 4}, planes(1.0f, 3.0f, 7.0f));
  const auto out_npy = dir / "out.npy";
  const auto j = run_ok({"run", classifier, input.string(), "-o", out_npy.string()});
  const double p = sigmoid(3.0 - 1.0);  // softmax(1, 3)[1]
  EXPECT_EQ(j["Tarsier"]["Label"], "anomaly");
  EXPECT_EQ(j["IsAnomalous"], true);
  EXPECT_NEAR(j["Tarsier"]["Scores"]["anomaly"].get<double>(), p, 1e-5);
  EXPECT_NEAR(j["Tarsier"]["Scores"]["normal"].get<double>(), 1 - p, 1e-5);
  EXPECT_NEAR(j["Confidence"].get<double>(), p, 1e-5);
  const NpyArray raw = read_npy(out_npy);
  EXPECT_EQ(raw.shape, (Shape{1, 2}));
  ASSERT_EQ(raw.data.size(), 2u);
  EXPECT_NEAR(raw.data[0], 1.0f, 1e-5);
  EXPECT_NEAR(raw.data[1], 3.0f, 1e-5);
}

TEST_F(RunTest, ClassifierOnPngIsPreprocessed) {
  // scale 0.01: R = 250 -> 2.5, G = 50 -> 0.5; logits (2.5, 0.5): normal.
  const auto input = dir / "part.png";
  write_png(solid(4, 4, 250, 50, 0), input);
  const auto j = run_ok({"run", classifier, input.string()});
  const double p = sigmoid(0.5 - 2.5);
  EXPECT_EQ(j["Tarsier"]["Label"], "normal");
  EXPECT_EQ(j["IsAnomalous"], false);
  EXPECT_NEAR(j["Tarsier"]["Scores"]["anomaly"].get<double>(), p, 1e-5);
  EXPECT_NEAR(j["Confidence"].get<double>(), 1 - p, 1e-5);
}

TEST_F(RunTest, LargerImageIsResized) {
  // 8x8 -> 4x4 bilinear averages 2x2 blocks exactly, so plane means are kept: the R plane
  // alternates 0/200 (mean 100 -> 1.0), G is 40 -> 0.4.
  Image img = solid(8, 8, 0, 40, 0);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x) img.at(x, y, 0) = static_cast<std::uint8_t>((x + y) % 2 ? 200 : 0);
  }
  const auto input = dir / "big.png";
  write_png(img, input);
  const auto out_npy = dir / "out.npy";
  run_ok({"run", classifier, input.string(), "-o", out_npy.string()});
  const NpyArray raw = read_npy(out_npy);
  ASSERT_EQ(raw.data.size(), 2u);
  EXPECT_NEAR(raw.data[0], 1.0f, 1e-4);
  EXPECT_NEAR(raw.data[1], 0.4f, 1e-4);
}

TEST_F(RunTest, ClassifierOnJpegSniffedByContent) {
  const Image img = solid(16, 16, 60, 220, 10);
  const auto input = dir / "part.png";  // a JPEG with the wrong extension
  write_bytes(input, build_jpeg(16, 16, 3, img.pixels));
  const auto j = run_ok({"run", classifier, input.string()});
  EXPECT_EQ(j["Tarsier"]["Label"], "anomaly");
  EXPECT_NEAR(j["Tarsier"]["Scores"]["anomaly"].get<double>(), sigmoid(2.2 - 0.6), 0.01);
}

TEST_F(RunTest, SegmenterOnNpyWithMask) {
  // R plane = the logit map: first row +4, the rest -4.
  std::vector<float> input_values = planes(-4.0f, 0.0f, 0.0f);
  for (int x = 0; x < 4; ++x) input_values[static_cast<std::size_t>(x)] = 4.0f;
  const auto input = dir / "in.npy";
  write_npy(input, Shape{1, 3, 4, 4}, input_values);
  const auto mask_path = dir / "mask.png";
  const auto out_npy = dir / "out.npy";
  const auto j = run_ok({"run", segmenter, input.string(), "--mask", mask_path.string(), "-o", out_npy.string()});
  EXPECT_EQ(j["IsAnomalous"], true);
  EXPECT_NEAR(j["Anomalies"][1]["PixelAnomaly"]["TotalPercentageArea"].get<double>(), 25.0, 1e-9);
  EXPECT_NEAR(j["AnomalyScore"].get<double>(), sigmoid(4.0), 1e-5);
  EXPECT_NEAR(j["Confidence"].get<double>(), sigmoid(4.0), 1e-5);

  const Image mask = decode_png(read_bytes(mask_path), "mask.png");
  ASSERT_EQ(mask.width, 4);  // a tensor input has no image size: the output's
  ASSERT_EQ(mask.height, 4);
  ASSERT_EQ(mask.channels, 3);
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) {
      // anomalous: #23A436; background: white
      EXPECT_EQ(mask.at(x, y, 0), y == 0 ? 0x23 : 255) << x << "," << y;
      EXPECT_EQ(mask.at(x, y, 1), y == 0 ? 0xA4 : 255) << x << "," << y;
      EXPECT_EQ(mask.at(x, y, 2), y == 0 ? 0x36 : 255) << x << "," << y;
    }
  }
  const NpyArray raw = read_npy(out_npy);
  EXPECT_EQ(raw.shape, (Shape{1, 1, 4, 4}));
  ASSERT_EQ(raw.data.size(), 16u);
  for (std::size_t i = 0; i < 16; ++i) EXPECT_NEAR(raw.data[i], input_values[i], 1e-5);
}

TEST_F(RunTest, TwoClassSegmenterOnImage) {
  // Defect score G - background score R: left half (R 10, G 250) -> defect, right half normal.
  Image img = solid(8, 8, 250, 10, 0);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 4; ++x) {
      img.at(x, y, 0) = 10;
      img.at(x, y, 1) = 250;
    }
  }
  const auto input = dir / "part.png";
  write_png(img, input);
  const auto mask_path = dir / "mask.png";
  const auto j = run_ok({"run", segmenter2, input.string(), "--mask", mask_path.string()});
  EXPECT_EQ(j["IsAnomalous"], true);
  EXPECT_NEAR(j["Anomalies"][1]["PixelAnomaly"]["TotalPercentageArea"].get<double>(), 50.0, 1e-9);
  EXPECT_NEAR(j["AnomalyScore"].get<double>(), sigmoid(2.4), 1e-4);
  const Image mask = decode_png(read_bytes(mask_path), "mask.png");
  ASSERT_EQ(mask.width, 8);  // the image's size, not the model's output resolution
  ASSERT_EQ(mask.height, 8);
  EXPECT_EQ(mask.at(0, 0, 1), 0xA4);
  EXPECT_EQ(mask.at(3, 7, 1), 0xA4);
  EXPECT_EQ(mask.at(4, 0, 1), 255);
  EXPECT_EQ(mask.at(7, 7, 0), 255);
}

TEST_F(RunTest, NormalSegmentation) {
  const auto input = dir / "in.npy";
  write_npy(input, Shape{1, 3, 4, 4}, planes(-3.0f, 0.0f, 0.0f));
  const auto j = run_ok({"run", segmenter, input.string()});
  EXPECT_EQ(j["IsAnomalous"], false);
  ASSERT_EQ(j["Anomalies"].size(), 1u);
  EXPECT_EQ(j["Anomalies"][0]["PixelAnomaly"]["TotalPercentageArea"].get<double>(), 100.0);
  EXPECT_NEAR(j["Confidence"].get<double>(), 1.0 - sigmoid(-3.0), 1e-5);
}

TEST_F(RunTest, WrongNpyShapeNamesBothShapes) {
  const auto input = dir / "small.npy";
  write_npy(input, Shape{1, 3, 2, 2}, std::vector<float>(12, 0.0f));
  const CliResult r = run_cli({"run", classifier, input.string()}, dir);
  EXPECT_TRUE(failed_cleanly(r)) << r.err;
  EXPECT_EQ(r.exit_code, exit_code_of(ErrorCode::InvalidArgument)) << r.err;
  EXPECT_NE(r.err.find("[1x3x2x2]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[1x3x4x4]"), std::string::npos) << r.err;
}

TEST_F(RunTest, BadInputsFailCleanly) {
  expect_failure({"run", classifier, (dir / "missing.png").string()}, exit_code_of(ErrorCode::Io), "missing.png");
  expect_failure({"run", (dir / "missing.tsr").string(), (dir / "x.png").string()}, exit_code_of(ErrorCode::Io),
                 "missing.tsr");

  auto png = encode_png(solid(4, 4, 1, 2, 3));
  png.resize(png.size() / 2);
  write_bytes(dir / "cut.png", png);
  expect_failure({"run", classifier, (dir / "cut.png").string()}, exit_code_of(ErrorCode::InvalidImage), "cut.png");

  write_bytes(dir / "notes.txt", {'h', 'e', 'l', 'l', 'o', '\n'});
  expect_failure({"run", classifier, (dir / "notes.txt").string()}, exit_code_of(ErrorCode::InvalidImage),
                 "notes.txt");

  write_bytes(dir / "bad.npy", {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 4, 0, '{', '}', ' ', '\n'});
  expect_failure({"run", classifier, (dir / "bad.npy").string()}, exit_code_of(ErrorCode::InvalidArgument),
                 "bad.npy");

  write_npy(dir / "in.npy", Shape{1, 3, 4, 4}, planes(0, 0, 0));
  expect_failure({"run", classifier, (dir / "in.npy").string(), "--mask", (dir / "m.png").string()},
                 exit_code_of(ErrorCode::InvalidArgument), "segmentation");
}

TEST_F(RunTest, DamagedModelFailsCleanly) {
  const auto input = dir / "in.npy";
  write_npy(input, Shape{1, 3, 4, 4}, planes(0, 0, 0));
  const std::vector<std::uint8_t> good = read_bytes(classifier);
  const std::vector<std::size_t> cuts = {0, 10, good.size() / 2, good.size() - 1};
  for (const std::size_t keep : cuts) {
    write_bytes(dir / "cut.tsr", std::vector<std::uint8_t>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(keep)));
    const CliResult r = run_cli({"run", (dir / "cut.tsr").string(), input.string()}, dir);
    EXPECT_TRUE(failed_cleanly(r)) << "truncated to " << keep << ": " << r.err;
  }
  for (std::size_t at = 0; at < good.size(); at += 97) {
    auto damaged = good;
    damaged[at] ^= 0x5A;
    write_bytes(dir / "flip.tsr", damaged);
    const CliResult r = run_cli({"run", (dir / "flip.tsr").string(), input.string()}, dir);
    EXPECT_TRUE(failed_cleanly(r)) << "byte " << at << " flipped: exit " << r.exit_code << ": " << r.err;
  }
}

TEST_F(RunTest, ThreadsOptionIsValidated) {
  const auto input = dir / "in.npy";
  write_npy(input, Shape{1, 3, 4, 4}, planes(0, 0, 0));
  run_ok({"run", classifier, input.string(), "--threads", "2"});
  const CliResult r = run_cli({"run", classifier, input.string(), "--threads", "0"}, dir);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.err.find("Sanitizer"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tarsier::test
