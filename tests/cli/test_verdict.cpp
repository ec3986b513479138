#include <cmath>

#include <gtest/gtest.h>

#include <tarsier/error.hpp>

#include "verdict.hpp"

namespace tarsier::cli {
namespace {

ModelInfo info_with(std::vector<std::string> labels, float threshold = 0.5f) {
  ModelInfo info;
  info.labels = std::move(labels);
  info.threshold = threshold;
  return info;
}

TEST(Classify, SoftmaxOfLogits) {
  const std::vector<float> logits = {1.0f, 3.0f};
  const ClassificationVerdict v = classify(logits, info_with({"normal", "anomaly"}));
  const double p = 1.0 / (1.0 + std::exp(-2.0));  // softmax of (1, 3) for the second class
  EXPECT_NEAR(v.probabilities[1], p, 1e-9);
  EXPECT_NEAR(v.probabilities[0], 1.0 - p, 1e-9);
  EXPECT_EQ(v.anomaly_index, 1u);
  EXPECT_TRUE(v.is_anomalous);
  EXPECT_EQ(v.label, "anomaly");
  EXPECT_NEAR(v.confidence, p, 1e-9);
  EXPECT_NEAR(v.anomaly_score, p, 1e-9);
}

TEST(Classify, ProbabilitiesAreUsedAsGiven) {
  const std::vector<float> probs = {0.7f, 0.3f};
  const ClassificationVerdict v = classify(probs, info_with({"normal", "anomaly"}));
  EXPECT_NEAR(v.probabilities[0], 0.7, 1e-6);
  EXPECT_FALSE(v.is_anomalous);
  EXPECT_EQ(v.label, "normal");
  EXPECT_NEAR(v.confidence, 0.7, 1e-6);
}

TEST(Classify, ThresholdDecides) {
  const std::vector<float> probs = {0.7f, 0.3f};
  const ClassificationVerdict v = classify(probs, info_with({"normal", "anomaly"}, 0.25f));
  EXPECT_TRUE(v.is_anomalous);
  EXPECT_EQ(v.label, "anomaly");
  EXPECT_NEAR(v.confidence, 0.3, 1e-6);
}

TEST(Classify, AnomalyLabelFoundByNameOtherwiseLast) {
  const std::vector<float> probs = {0.1f, 0.2f, 0.7f};
  const ClassificationVerdict named = classify(probs, info_with({"Anomaly", "normal", "other"}));
  EXPECT_EQ(named.anomaly_index, 0u);
  EXPECT_FALSE(named.is_anomalous);
  EXPECT_EQ(named.label, "other");  // likeliest non-anomaly class
  const ClassificationVerdict last = classify(probs, info_with({"a", "b", "c"}));
  EXPECT_EQ(last.anomaly_index, 2u);
  EXPECT_TRUE(last.is_anomalous);
  EXPECT_EQ(last.label, "c");
}

TEST(Classify, SingleLogitIsSigmoid) {
  const std::vector<float> logit = {-2.0f};
  const ClassificationVerdict v = classify(logit, info_with({}));
  EXPECT_EQ(v.labels, (std::vector<std::string>{"normal", "anomaly"}));
  EXPECT_NEAR(v.anomaly_score, 1.0 / (1.0 + std::exp(2.0)), 1e-9);
  EXPECT_FALSE(v.is_anomalous);
}

TEST(Classify, MissingLabelsGetNames) {
  const std::vector<float> logits = {0.0f, 0.0f, 0.0f};
  const ClassificationVerdict v = classify(logits, info_with({}));
  EXPECT_EQ(v.labels, (std::vector<std::string>{"class_0", "class_1", "class_2"}));
  EXPECT_NEAR(v.probabilities[1], 1.0 / 3.0, 1e-9);
}

TEST(Classify, NanIsAnError) {
  const std::vector<float> bad = {0.0f, std::nanf("")};
  EXPECT_THROW(classify(bad, info_with({"normal", "anomaly"})), Error);
}

TEST(Segment, OneChannelLogitsGetSigmoid) {
  // 2x2 map: logits 4, -4, 0, -1 -> sigmoid 0.982, 0.018, 0.5, 0.269.
  const std::vector<float> out = {4.0f, -4.0f, 0.0f, -1.0f};
  const std::vector<std::int64_t> shape = {1, 1, 2, 2};
  const SegmentationVerdict v = segment(out, shape, info_with({"background", "defect"}));
  EXPECT_EQ(v.height, 2);
  EXPECT_EQ(v.width, 2);
  EXPECT_EQ(v.mask, (std::vector<std::uint8_t>{255, 0, 255, 0}));  // 0.5 >= threshold 0.5
  EXPECT_DOUBLE_EQ(v.anomalous_area, 0.5);
  EXPECT_NEAR(v.anomaly_score, 1.0 / (1.0 + std::exp(-4.0)), 1e-6);
  EXPECT_TRUE(v.is_anomalous);
  EXPECT_NEAR(v.confidence, v.anomaly_score, 1e-12);
}

TEST(Segment, OneChannelProbabilitiesUsedAsGiven) {
  const std::vector<float> out = {0.1f, 0.2f, 0.3f};
  const std::vector<std::int64_t> shape = {1, 1, 3};
  const SegmentationVerdict v = segment(out, shape, info_with({}, 0.25f));
  EXPECT_EQ(v.mask, (std::vector<std::uint8_t>{0, 0, 255}));
  EXPECT_NEAR(v.anomaly_score, 0.3, 1e-6);
}

TEST(Segment, NormalPartHasConfidenceOneMinusMax) {
  const std::vector<float> out = {0.1f, 0.2f};
  const std::vector<std::int64_t> shape = {1, 2};
  const SegmentationVerdict v = segment(out, shape, info_with({}));
  EXPECT_FALSE(v.is_anomalous);
  EXPECT_DOUBLE_EQ(v.anomalous_area, 0.0);
  EXPECT_NEAR(v.confidence, 0.8, 1e-6);
}

TEST(Segment, MultiChannelSoftmaxAgainstBackground) {
  // NCHW [1, 2, 1, 2]: pixel 0 scores (0, 2), pixel 1 scores (1, -1).
  const std::vector<float> out = {0.0f, 1.0f, 2.0f, -1.0f};
  const std::vector<std::int64_t> shape = {1, 2, 1, 2};
  const SegmentationVerdict v = segment(out, shape, info_with({"background", "defect"}));
  EXPECT_NEAR(v.anomaly[0], 1.0 / (1.0 + std::exp(-2.0)), 1e-6);
  EXPECT_NEAR(v.anomaly[1], 1.0 / (1.0 + std::exp(2.0)), 1e-6);
  EXPECT_EQ(v.mask, (std::vector<std::uint8_t>{255, 0}));
}

TEST(Segment, ChannelsLastWhenTheModelIsNhwc) {
  // NHWC [1, 1, 2, 2]: pixel 0 scores (0, 2), pixel 1 scores (1, -1).
  const std::vector<float> out = {0.0f, 2.0f, 1.0f, -1.0f};
  const std::vector<std::int64_t> shape = {1, 1, 2, 2};
  ModelInfo info = info_with({"background", "defect"});
  info.input.layout = Layout::NHWC;
  const SegmentationVerdict v = segment(out, shape, info);
  ASSERT_EQ(v.width, 2);
  EXPECT_NEAR(v.anomaly[0], 1.0 / (1.0 + std::exp(-2.0)), 1e-6);
  EXPECT_NEAR(v.anomaly[1], 1.0 / (1.0 + std::exp(2.0)), 1e-6);
}

TEST(Segment, PerPixelDistributionsUsedAsGiven) {
  const std::vector<float> out = {0.9f, 0.4f, 0.1f, 0.6f};  // [1, 2, 1, 2]
  const std::vector<std::int64_t> shape = {1, 2, 1, 2};
  const SegmentationVerdict v = segment(out, shape, info_with({}));
  EXPECT_NEAR(v.anomaly[0], 0.1, 1e-6);
  EXPECT_NEAR(v.anomaly[1], 0.6, 1e-6);
}

TEST(Segment, RejectsUnusableShapes) {
  const std::vector<float> out(8);
  const std::vector<std::int64_t> batch2 = {2, 1, 2, 2};
  EXPECT_THROW(segment(out, batch2, info_with({})), Error);
  const std::vector<std::int64_t> wrong = {1, 1, 3, 3};
  EXPECT_THROW(segment(out, wrong, info_with({})), Error);
}

}  // namespace
}  // namespace tarsier::cli
