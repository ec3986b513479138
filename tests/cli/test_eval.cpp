// `tarsier eval`: figures checked against an independent computation in the test.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "format/tsr.hpp"
#include "image/png_encode.hpp"

namespace tarsier::test {
namespace {

namespace fs = std::filesystem;

struct Sample {
  std::string name;
  std::uint8_t r, g;  // solid colour; the tiny classifier's anomaly logit is (g - r) / 100
  bool anomaly;       // ground truth
  double score() const { return 1.0 / (1.0 + std::exp(-(g - r) / 100.0)); }
};

struct Expected {
  int tp = 0, fp = 0, tn = 0, fn = 0;
  double accuracy = 0, precision = 0, recall = 0, f1 = 0, auc = 0, best_f1 = 0;
};

// The textbook definitions, computed the slow way: AUC over all (anomaly, normal) pairs,
// best F1 over every sample's score as threshold.
Expected expected_figures(const std::vector<Sample>& samples, double threshold) {
  const auto f1_at = [&](double t, Expected& e) {
    e = {};
    for (const Sample& s : samples) {
      const bool predicted = s.score() >= t;
      e.tp += predicted && s.anomaly;
      e.fp += predicted && !s.anomaly;
      e.tn += !predicted && !s.anomaly;
      e.fn += !predicted && s.anomaly;
    }
    e.precision = e.tp + e.fp > 0 ? double(e.tp) / (e.tp + e.fp) : 0.0;
    e.recall = e.tp + e.fn > 0 ? double(e.tp) / (e.tp + e.fn) : 0.0;
    e.f1 = e.precision + e.recall > 0 ? 2 * e.precision * e.recall / (e.precision + e.recall) : 0.0;
    e.accuracy = double(e.tp + e.tn) / static_cast<double>(samples.size());
    return e.f1;
  };
  Expected e;
  f1_at(threshold, e);
  double pairs = 0, wins = 0;
  for (const Sample& a : samples) {
    for (const Sample& n : samples) {
      if (!a.anomaly || n.anomaly) continue;
      pairs += 1;
      wins += a.score() > n.score() ? 1.0 : a.score() == n.score() ? 0.5 : 0.0;
    }
  }
  e.auc = wins / pairs;
  for (const Sample& s : samples) {
    Expected scratch;
    e.best_f1 = std::max(e.best_f1, f1_at(s.score(), scratch));
  }
  return e;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

std::string label_json(bool anomaly) {
  return std::string("\"anomaly-label\": ") + (anomaly ? "1" : "0") +
         ", \"anomaly-label-metadata\": {\"confidence\": 1, \"class-name\": \"" + (anomaly ? "anomaly" : "normal") +
         "\", \"human-annotated\": \"yes\", \"type\": \"groundtruth/image-classification\"}";
}

const std::string kColorMap =
    "\"anomaly-mask-ref-metadata\": {\"internal-color-map\": {\"0\": {\"class-name\": \"BACKGROUND\", "
    "\"hex-color\": \"#ffffff\", \"confidence\": 0.0}, \"1\": {\"class-name\": \"defect\", \"hex-color\": "
    "\"#23a436\", \"confidence\": 0.0}}, \"type\": \"groundtruth/semantic-segmentation\"}";

class EvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    save_tsr(make_classifier(), classifier);
    save_tsr(make_two_class_segmenter(), segmenter2);
  }

  // Writes the samples as PNGs under DIR/normal, DIR/anomaly and a manifest beside them.
  fs::path write_set(const std::vector<Sample>& samples, const std::string& name) {
    const fs::path set = dir / name;
    fs::create_directories(set / "normal");
    fs::create_directories(set / "anomaly");
    std::string manifest;
    for (const Sample& s : samples) {
      const std::string rel = std::string(s.anomaly ? "anomaly/" : "normal/") + s.name + ".png";
      write_png(solid_image(6, 6, s.r, s.g, 0), set / rel);
      manifest += "{\"source-ref\": \"" + rel + "\", " + label_json(s.anomaly) + "}\n";
    }
    write_text(set / "set.manifest", manifest);
    return set;
  }

  nlohmann::json eval_json(const std::vector<std::string>& args) {
    const CliResult r = run_cli(args, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    try {
      return nlohmann::json::parse(r.out);
    } catch (const std::exception&) {
      ADD_FAILURE() << "not JSON: " << r.out;
      return {};
    }
  }

  void expect_figures(const nlohmann::json& j, const Expected& e) {
    EXPECT_EQ(j["ConfusionMatrix"]["TruePositive"], e.tp);
    EXPECT_EQ(j["ConfusionMatrix"]["FalsePositive"], e.fp);
    EXPECT_EQ(j["ConfusionMatrix"]["TrueNegative"], e.tn);
    EXPECT_EQ(j["ConfusionMatrix"]["FalseNegative"], e.fn);
    EXPECT_NEAR(j["Accuracy"].get<double>(), e.accuracy, 1e-9);
    EXPECT_NEAR(j["Precision"].get<double>(), e.precision, 1e-9);
    EXPECT_NEAR(j["Recall"].get<double>(), e.recall, 1e-9);
    EXPECT_NEAR(j["F1"].get<double>(), e.f1, 1e-9);
    EXPECT_NEAR(j["RocAuc"].get<double>(), e.auc, 1e-9);
    EXPECT_NEAR(j["BestF1"].get<double>(), e.best_f1, 1e-9);
  }

  ScratchDir dir;
  std::string classifier = (dir / "classifier.tsr").string();
  std::string segmenter2 = (dir / "segmenter2.tsr").string();
};

const std::vector<Sample> kSeparable = {
    {"n1", 200, 20, false}, {"n2", 180, 60, false}, {"n3", 150, 100, false},
    {"a1", 20, 200, true},  {"a2", 60, 160, true},  {"a3", 120, 140, true},
};

TEST_F(EvalTest, PerfectSeparation) {
  const fs::path set = write_set(kSeparable, "set");
  const auto j = eval_json({"eval", classifier, "--manifest", (set / "set.manifest").string(), "--json"});
  EXPECT_EQ(j["Images"], 6);
  EXPECT_EQ(j["Anomalous"], 3);
  EXPECT_NEAR(j["Accuracy"].get<double>(), 1.0, 1e-12);
  EXPECT_NEAR(j["RocAuc"].get<double>(), 1.0, 1e-12);
  EXPECT_NEAR(j["F1"].get<double>(), 1.0, 1e-12);
  expect_figures(j, expected_figures(kSeparable, 0.5));
  EXPECT_FALSE(j.contains("Segmentation"));
  EXPECT_TRUE(j["Errors"].empty());
}

TEST_F(EvalTest, MistakesAndThresholdOption) {
  std::vector<Sample> samples = kSeparable;
  samples.push_back({"n4", 10, 250, false});  // a normal part the model calls anomalous
  samples.push_back({"a4", 140, 120, true});  // an anomaly it misses
  const fs::path set = write_set(samples, "set");
  const auto j = eval_json({"eval", classifier, "--manifest", (set / "set.manifest").string(), "--json"});
  const Expected e = expected_figures(samples, 0.5);
  ASSERT_EQ(e.fp, 1);  // the set is what this test means it to be
  ASSERT_EQ(e.fn, 1);
  expect_figures(j, e);

  const auto k =
      eval_json({"eval", classifier, "--manifest", (set / "set.manifest").string(), "--json", "--threshold", "0.7"});
  EXPECT_NEAR(k["Threshold"].get<double>(), 0.7, 1e-6);
  expect_figures(k, expected_figures(samples, 0.7f));

  // The folder layout gives the same figures.
  const auto f = eval_json({"eval", classifier, set.string(), "--json"});
  expect_figures(f, e);
}

TEST_F(EvalTest, TextReportAndRocImage) {
  const fs::path set = write_set(kSeparable, "set");
  const auto roc = dir / "roc.svg";
  const CliResult r = run_cli({"eval", classifier, set.string(), "--roc", roc.string()}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string word :
       {"predicted anomaly", "true normal", "accuracy", "precision", "recall", "F1", "ROC-AUC", "best F1"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word << " in\n" << r.out;
  }
  const std::vector<std::uint8_t> svg = read_bytes(roc);
  EXPECT_NE(std::string(svg.begin(), svg.end()).find("<svg"), std::string::npos);
}

TEST_F(EvalTest, SegmentationMasks) {
  // 8x8 parts; the model calls columns 0..3 of a1 and a2 defective. Truth: a1 the same
  // columns (IoU 1), a2 only columns 0..1 (IoU 16/32, Dice 2*16/48), n1 nothing (no mask).
  const fs::path set = dir / "seg";
  fs::create_directories(set / "normal");
  fs::create_directories(set / "anomaly");
  fs::create_directories(set / "masks");
  const auto part = [](bool defect) {
    Image img = solid_image(8, 8, 250, 10, 0);
    for (int y = 0; y < 8 && defect; ++y) {
      for (int x = 0; x < 4; ++x) {
        img.at(x, y, 0) = 10;
        img.at(x, y, 1) = 250;
      }
    }
    return img;
  };
  const auto truth = [](int columns) {
    Image m = solid_image(8, 8, 255, 255, 255);
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < columns; ++x) {
        m.at(x, y, 0) = 0x23;
        m.at(x, y, 1) = 0xA4;
        m.at(x, y, 2) = 0x36;
      }
    }
    return m;
  };
  write_png(part(false), set / "normal" / "n1.png");
  write_png(part(true), set / "anomaly" / "a1.png");
  write_png(part(true), set / "anomaly" / "a2.png");
  write_png(truth(4), set / "masks" / "a1.png");
  write_png(truth(2), set / "masks" / "a2.png");
  // The manifest names its files through s3:// references under --root.
  write_text(set / "seg.manifest", "{\"source-ref\": \"s3://b/seg/normal/n1.png\", " + label_json(false) + "}\n" +
                                       "{\"source-ref\": \"s3://b/seg/anomaly/a1.png\", " + label_json(true) +
                                       ", \"anomaly-mask-ref\": \"s3://b/seg/masks/a1.png\", " + kColorMap + "}\n" +
                                       "{\"source-ref\": \"s3://b/seg/anomaly/a2.png\", " + label_json(true) +
                                       ", \"anomaly-mask-ref\": \"s3://b/seg/masks/a2.png\", " + kColorMap + "}\n");
  fs::create_directories(dir / "root" / "b");
  fs::create_directory_symlink(set, dir / "root" / "b" / "seg");

  const double iou = (1.0 + 0.5 + 1.0) / 3.0;
  const double dice = (1.0 + 2.0 * 16 / 48 + 1.0) / 3.0;
  const auto j = eval_json(
      {"eval", segmenter2, "--manifest", (set / "seg.manifest").string(), "--root", (dir / "root").string(), "--json"});
  EXPECT_NEAR(j["Accuracy"].get<double>(), 1.0, 1e-12);
  ASSERT_TRUE(j.contains("Segmentation")) << j.dump();
  EXPECT_EQ(j["Segmentation"]["Images"], 3);
  EXPECT_NEAR(j["Segmentation"]["MeanIoU"].get<double>(), iou, 1e-9);
  EXPECT_NEAR(j["Segmentation"]["MeanDice"].get<double>(), dice, 1e-9);
  EXPECT_NEAR(j["Segmentation"]["PixelIoU"].get<double>(), 48.0 / 64.0, 1e-9);

  const auto f = eval_json({"eval", segmenter2, set.string(), "--json"});
  EXPECT_NEAR(f["Segmentation"]["MeanIoU"].get<double>(), iou, 1e-9);

  // A truth mask of the wrong size is that image's error; the rest is still evaluated.
  write_png(solid_image(3, 3, 255, 255, 255), set / "masks" / "a2.png");
  const CliResult r = run_cli({"eval", segmenter2, set.string(), "--json"}, dir);
  EXPECT_TRUE(failed_cleanly(r)) << r.err;
  EXPECT_NE(r.err.find("a2.png"), std::string::npos) << r.err;
  const auto partial = nlohmann::json::parse(r.out);
  EXPECT_EQ(partial["Images"], 2);
  EXPECT_EQ(partial["Errors"].size(), 1u);
}

TEST_F(EvalTest, PerClassMasksByName) {
  // 8x8 part: columns 0..3 scratch (G), 4..7 crack (B). Truth: scratch 0..3, crack 4..5.
  Model m = make_three_class_segmenter();
  const auto model = dir / "segmenter3.tsr";
  save_tsr(m, model);
  Image img = solid_image(8, 8, 0, 0, 250);
  Image truth = solid_image(8, 8, 255, 255, 255);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 6; ++x) {
      if (x < 4) {
        img.at(x, y, 1) = 250;
        img.at(x, y, 2) = 0;
      }
      truth.at(x, y, 0) = x < 4 ? 0x23 : 0;
      truth.at(x, y, 1) = x < 4 ? 0xA4 : 0;
      truth.at(x, y, 2) = x < 4 ? 0x36 : 255;
    }
  }
  write_png(img, dir / "part.png");
  write_png(truth, dir / "part_mask.png");
  write_text(dir / "classes.manifest",
             "{\"source-ref\": \"part.png\", " + label_json(true) +
                 ", \"anomaly-mask-ref\": \"part_mask.png\", \"anomaly-mask-ref-metadata\": {\"internal-color-map\": "
                 "{\"0\": {\"class-name\": \"BACKGROUND\", \"hex-color\": \"#ffffff\"}, \"1\": {\"class-name\": "
                 "\"Crack\", \"hex-color\": \"#0000ff\"}, \"2\": {\"class-name\": \"scratch\", \"hex-color\": "
                 "\"#23a436\"}}}}\n");
  const auto j = eval_json({"eval", model.string(), "--manifest", (dir / "classes.manifest").string(), "--json"});
  const auto& seg = j["Segmentation"];
  EXPECT_NEAR(seg["PixelIoU"].get<double>(), 48.0 / 64.0, 1e-9);  // any anomaly: 48 shared, 64 predicted
  ASSERT_EQ(seg["PerClass"].size(), 2u) << seg.dump();
  EXPECT_EQ(seg["PerClass"][0]["Name"], "scratch");  // the model's order and names
  EXPECT_NEAR(seg["PerClass"][0]["PixelIoU"].get<double>(), 1.0, 1e-9);
  EXPECT_EQ(seg["PerClass"][1]["Name"], "crack");
  EXPECT_NEAR(seg["PerClass"][1]["PixelIoU"].get<double>(), 16.0 / 32.0, 1e-9);
  EXPECT_NEAR(seg["PerClass"][1]["PixelDice"].get<double>(), 2.0 * 16 / 48, 1e-9);
}

TEST_F(EvalTest, BadDataSets) {
  const fs::path set = write_set(kSeparable, "set");
  write_text(set / "unlabelled.manifest",
             "{\"source-ref\": \"normal/n1.png\", " + label_json(false) + "}\n{\"source-ref\": \"normal/n2.png\"}\n");
  const CliResult unlabelled = run_cli({"eval", classifier, "--manifest", (set / "unlabelled.manifest").string()}, dir);
  EXPECT_TRUE(failed_cleanly(unlabelled)) << unlabelled.err;
  EXPECT_EQ(unlabelled.exit_code, exit_code_for(ErrorCode::InvalidArgument));
  EXPECT_NE(unlabelled.err.find("line 2"), std::string::npos) << unlabelled.err;
  EXPECT_TRUE(unlabelled.out.empty());

  const CliResult no_layout = run_cli({"eval", classifier, (set / "normal").string()}, dir);
  EXPECT_TRUE(failed_cleanly(no_layout)) << no_layout.err;
  EXPECT_EQ(no_layout.exit_code, exit_code_for(ErrorCode::Io));

  const CliResult neither = run_cli({"eval", classifier}, dir);
  EXPECT_TRUE(failed_cleanly(neither)) << neither.err;

  write_text(set / "empty.manifest", "\n");
  const CliResult empty = run_cli({"eval", classifier, "--manifest", (set / "empty.manifest").string()}, dir);
  EXPECT_TRUE(failed_cleanly(empty)) << empty.err;

  // One class only: ROC-AUC is undefined and reported as null, not a crash.
  const fs::path normal_only = write_set({{"n1", 200, 20, false}, {"n2", 180, 60, false}}, "normal_only");
  const auto j = eval_json({"eval", classifier, normal_only.string(), "--json"});
  EXPECT_TRUE(j["RocAuc"].is_null()) << j.dump();
  EXPECT_NEAR(j["Accuracy"].get<double>(), 1.0, 1e-12);
}

}  // namespace
}  // namespace tarsier::test
