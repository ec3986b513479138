// The demo models of models/demo through run, batch and eval. Their verdicts are not fixed
// (the models get retrained): only the output's shape and its internal consistency are.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "image/png_decode.hpp"

namespace tarsier::test {
namespace {

namespace fs = std::filesystem;

const fs::path kDemo = TARSIER_DEMO_DIR;

class DemoModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"demo_classifier.tsr", "demo_segmenter.tsr", "demo_part.png"}) {
      if (!fs::exists(kDemo / name)) GTEST_SKIP() << (kDemo / name) << " is missing";
    }
    part = decode_png(read_bytes(kDemo / "demo_part.png"), "demo_part.png");
  }

  nlohmann::json run_ok(const std::vector<std::string>& args) {
    const CliResult r = run_cli(args, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  ScratchDir dir;
  Image part;
  std::string classifier = (kDemo / "demo_classifier.tsr").string();
  std::string segmenter = (kDemo / "demo_segmenter.tsr").string();
  std::string image = (kDemo / "demo_part.png").string();
};

void expect_consistent_verdict(const nlohmann::json& j) {
  EXPECT_EQ(j["Source"]["Type"], "direct");
  const double score = j["AnomalyScore"].get<double>();
  const double threshold = j["AnomalyThreshold"].get<double>();
  EXPECT_EQ(j["IsAnomalous"].get<bool>(), score >= threshold);
  EXPECT_NEAR(j["Confidence"].get<double>(), j["IsAnomalous"].get<bool>() ? score : 1.0 - score, 1e-6);
}

TEST_F(DemoModelsTest, Classifier) {
  const auto j = run_ok({"run", classifier, image});
  expect_consistent_verdict(j);
  EXPECT_FALSE(j.contains("Anomalies"));
  EXPECT_FALSE(j.contains("AnomalyMask"));
  EXPECT_TRUE(j["Tarsier"]["Scores"].is_object());
}

TEST_F(DemoModelsTest, SegmenterMaskAndOverlayAtTheImageSize) {
  const auto mask = dir / "mask.png";
  const auto overlay = dir / "overlay.png";
  const auto j = run_ok({"run", segmenter, image, "--mask", mask.string(), "--overlay", overlay.string()});
  expect_consistent_verdict(j);
  ASSERT_GE(j["Anomalies"].size(), 1u);
  EXPECT_EQ(j["Anomalies"][0]["Name"], "background");
  double total = 0.0;
  for (const auto& a : j["Anomalies"]) total += a["PixelAnomaly"]["TotalPercentageArea"].get<double>();
  EXPECT_NEAR(total, 100.0, 1e-6);
  if (part.width >= j["Tarsier"]["MaskSize"]["Width"] && part.height >= j["Tarsier"]["MaskSize"]["Height"]) {
    // Sampling the output onto a larger image reaches every output pixel.
    EXPECT_EQ(j["Anomalies"].size() > 1, j["IsAnomalous"].get<bool>());
  }
  const Image embedded = decode_png(base64_decode(j["AnomalyMask"].get<std::string>()), "AnomalyMask");
  for (const auto& path : {mask, overlay}) {
    const Image written = decode_png(read_bytes(path), path.string());
    EXPECT_EQ(written.width, part.width) << path;
    EXPECT_EQ(written.height, part.height) << path;
  }
  EXPECT_EQ(embedded.width, part.width);
  EXPECT_EQ(embedded.height, part.height);
  EXPECT_EQ(decode_png(read_bytes(mask), "mask").pixels, embedded.pixels);
}

TEST_F(DemoModelsTest, EvalFiguresAgreeWithTheirCounts) {
  fs::create_directories(dir / "set" / "normal");
  fs::create_directories(dir / "set" / "anomaly");
  fs::copy_file(image, dir / "set" / "normal" / "p.png");
  fs::copy_file(image, dir / "set" / "anomaly" / "p.png");
  for (const std::string& model : {classifier, segmenter}) {
    const auto j = run_ok({"eval", model, (dir / "set").string(), "--json"});
    const auto& c = j["ConfusionMatrix"];
    const int tp = c["TruePositive"], fp = c["FalsePositive"], tn = c["TrueNegative"], fn = c["FalseNegative"];
    EXPECT_EQ(tp + fp + tn + fn, 2);
    EXPECT_EQ(tp + fn, 1);
    EXPECT_NEAR(j["Accuracy"].get<double>(), (tp + tn) / 2.0, 1e-12);
    // The same image in both classes: the scores tie, so the ROC-AUC is exactly one half.
    EXPECT_NEAR(j["RocAuc"].get<double>(), 0.5, 1e-12);
  }
}

}  // namespace
}  // namespace tarsier::test
