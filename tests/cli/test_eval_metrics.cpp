#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include <tarsier/error.hpp>

#include "eval_metrics.hpp"

namespace tarsier::cli {
namespace {

// std::vector<bool> has no data(), so labels travel as a plain array of bool.
std::unique_ptr<bool[]> to_bools(const std::vector<int>& labels) {
  auto out = std::make_unique<bool[]>(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) out[i] = labels[i] != 0;
  return out;
}

ClassificationMetrics metrics_of(const std::vector<double>& scores, const std::vector<int>& labels, double threshold) {
  const auto bools = to_bools(labels);
  return classification_metrics(scores, std::span<const bool>(bools.get(), labels.size()), threshold);
}

// The hand-worked set: anomalies at 0.9, 0.8, 0.6, 0.3; normals at 0.7, 0.55, 0.4, 0.1.
const std::vector<double> kScores = {0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.1};
const std::vector<int> kLabels = {1, 1, 0, 1, 0, 0, 1, 0};

TEST(ClassificationMetrics, CountsAndRatesAtThreshold) {
  const ClassificationMetrics m = metrics_of(kScores, kLabels, 0.5);
  EXPECT_EQ(m.counts.true_positive, 3);
  EXPECT_EQ(m.counts.false_positive, 2);
  EXPECT_EQ(m.counts.true_negative, 2);
  EXPECT_EQ(m.counts.false_negative, 1);
  EXPECT_DOUBLE_EQ(m.accuracy, 5.0 / 8.0);
  EXPECT_DOUBLE_EQ(m.precision, 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(m.recall, 3.0 / 4.0);
  EXPECT_NEAR(m.f1, 2.0 / 3.0, 1e-12);
}

TEST(ClassificationMetrics, ScoreEqualToThresholdIsAnomalous) {
  const ClassificationMetrics m = metrics_of({0.5, 0.2}, {1, 0}, 0.5);
  EXPECT_EQ(m.counts.true_positive, 1);
  EXPECT_EQ(m.counts.true_negative, 1);
}

TEST(ClassificationMetrics, AucCountsRankedPairs) {
  // Pairs ranked right: 0.9 and 0.8 beat all four normals, 0.6 beats three, 0.3 beats one.
  EXPECT_DOUBLE_EQ(metrics_of(kScores, kLabels, 0.5).roc_auc, 12.0 / 16.0);
}

TEST(ClassificationMetrics, AucTiesCountHalf) {
  // Anomalies {2, 3}, normals {1, 2}: 2>1, 2=2 (half), 3>1, 3>2.
  EXPECT_DOUBLE_EQ(metrics_of({1, 2, 2, 3}, {0, 1, 0, 1}, 0.5).roc_auc, 3.5 / 4.0);
  EXPECT_DOUBLE_EQ(metrics_of({0.5, 0.5, 0.5, 0.5}, {1, 0, 1, 0}, 0.5).roc_auc, 0.5);
  EXPECT_DOUBLE_EQ(metrics_of({0.1, 0.9}, {1, 0}, 0.5).roc_auc, 0.0);
}

TEST(ClassificationMetrics, RocHasOnePointPerDistinctScore) {
  const ClassificationMetrics m = metrics_of(kScores, kLabels, 0.5);
  const std::vector<std::pair<double, double>> expected = {
      {0, 0}, {0, 0.25}, {0, 0.5}, {0.25, 0.5}, {0.25, 0.75}, {0.5, 0.75}, {0.75, 0.75}, {0.75, 1}, {1, 1}};
  ASSERT_EQ(m.roc.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_DOUBLE_EQ(m.roc[i].false_positive_rate, expected[i].first) << i;
    EXPECT_DOUBLE_EQ(m.roc[i].true_positive_rate, expected[i].second) << i;
  }
  EXPECT_GT(m.roc[0].threshold, 0.9);  // nothing is called anomalous at the first point
  EXPECT_TRUE(std::isfinite(m.roc[0].threshold));
  for (std::size_t i = 1; i < expected.size(); ++i) EXPECT_DOUBLE_EQ(m.roc[i].threshold, kScores[i - 1]);

  const ClassificationMetrics tied = metrics_of({0.5, 0.5, 0.5}, {1, 0, 1}, 0.5);
  ASSERT_EQ(tied.roc.size(), 2u);
  EXPECT_DOUBLE_EQ(tied.roc[1].false_positive_rate, 1.0);
  EXPECT_DOUBLE_EQ(tied.roc[1].true_positive_rate, 1.0);
}

TEST(ClassificationMetrics, BestF1Threshold) {
  // F1 by threshold: 0.9: 2/5, 0.8: 4/6, 0.7: 4/7, 0.6: 6/8, 0.55: 6/9, 0.4: 6/10, 0.3: 8/11, 0.1: 8/12.
  const ClassificationMetrics m = metrics_of(kScores, kLabels, 0.5);
  EXPECT_DOUBLE_EQ(m.best_f1_threshold, 0.6);
  EXPECT_NEAR(m.best_f1, 0.75, 1e-12);
}

TEST(ClassificationMetrics, BestF1TiesKeepTheHigherThreshold) {
  // F1 at 4: 2/3, at 3: 2/4, at 2: 2/5, at 1: 4/6 = 2/3 again.
  const ClassificationMetrics m = metrics_of({4, 3, 2, 1}, {1, 0, 0, 1}, 0.5);
  EXPECT_DOUBLE_EQ(m.best_f1_threshold, 4.0);
  EXPECT_NEAR(m.best_f1, 2.0 / 3.0, 1e-12);
}

TEST(ClassificationMetrics, OneClassAbsent) {
  const ClassificationMetrics normals = metrics_of({0.2, 0.7, 0.4}, {0, 0, 0}, 0.5);
  EXPECT_TRUE(std::isnan(normals.roc_auc));
  EXPECT_TRUE(normals.roc.empty());
  EXPECT_EQ(normals.recall, 0.0);
  EXPECT_EQ(normals.precision, 0.0);  // one false alarm, no true positive
  EXPECT_EQ(normals.counts.false_positive, 1);
  EXPECT_EQ(normals.best_f1, 0.0);
  EXPECT_DOUBLE_EQ(normals.best_f1_threshold, 0.7);

  const ClassificationMetrics anomalies = metrics_of({0.2, 0.7}, {1, 1}, 0.5);
  EXPECT_TRUE(std::isnan(anomalies.roc_auc));
  EXPECT_TRUE(anomalies.roc.empty());
  EXPECT_DOUBLE_EQ(anomalies.recall, 0.5);
  EXPECT_DOUBLE_EQ(anomalies.best_f1_threshold, 0.2);  // calling both anomalous is perfect
  EXPECT_DOUBLE_EQ(anomalies.best_f1, 1.0);
}

TEST(ClassificationMetrics, NothingPredictedAnomalous) {
  const ClassificationMetrics m = metrics_of(kScores, kLabels, 2.0);
  EXPECT_EQ(m.counts.true_positive, 0);
  EXPECT_EQ(m.counts.false_positive, 0);
  EXPECT_EQ(m.precision, 0.0);
  EXPECT_EQ(m.recall, 0.0);
  EXPECT_EQ(m.f1, 0.0);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.5);
}

TEST(ClassificationMetrics, BadInputThrows) {
  EXPECT_THROW(metrics_of({}, {}, 0.5), Error);
  EXPECT_THROW(metrics_of({0.1, 0.2}, {1}, 0.5), Error);
  EXPECT_THROW(metrics_of({0.1, std::nan("")}, {1, 0}, 0.5), Error);
  try {
    metrics_of({0.1, 0.2}, {1}, 0.5);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
}

// AUC by its definition, pair by pair.
double pairwise_auc(const std::vector<double>& scores, const std::vector<int>& labels) {
  double ranked = 0, pairs = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    for (std::size_t j = 0; j < scores.size(); ++j) {
      if (!labels[i] || labels[j]) continue;
      pairs += 1;
      ranked += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
    }
  }
  return ranked / pairs;
}

// Area under the returned ROC by trapezoids: a third formulation that must agree.
double trapezoid_area(const std::vector<RocPoint>& roc) {
  double area = 0;
  for (std::size_t i = 1; i < roc.size(); ++i) {
    area += (roc[i].false_positive_rate - roc[i - 1].false_positive_rate) *
            (roc[i].true_positive_rate + roc[i - 1].true_positive_rate) / 2;
  }
  return area;
}

TEST(ClassificationMetrics, RandomAucMatchesPairwiseCount) {
  std::mt19937 rng(20261122);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 2 + static_cast<int>(rng() % 60);
    const int levels = 1 + static_cast<int>(rng() % 12);  // few levels: many ties
    std::vector<double> scores(n);
    std::vector<int> labels(n);
    for (int i = 0; i < n; ++i) {
      scores[i] = static_cast<double>(rng() % levels) / levels;
      labels[i] = static_cast<int>(rng() % 2);
    }
    labels[0] = 1;
    labels[1] = 0;
    const ClassificationMetrics m = metrics_of(scores, labels, 0.5);
    const double expected = pairwise_auc(scores, labels);
    EXPECT_NEAR(m.roc_auc, expected, 1e-12) << "trial " << trial;
    EXPECT_NEAR(trapezoid_area(m.roc), expected, 1e-12) << "trial " << trial;
    EXPECT_DOUBLE_EQ(m.roc.front().false_positive_rate, 0.0);
    EXPECT_DOUBLE_EQ(m.roc.back().true_positive_rate, 1.0);
    EXPECT_DOUBLE_EQ(m.roc.back().false_positive_rate, 1.0);
  }
}

std::vector<std::uint8_t> mask(std::initializer_list<int> values) {
  std::vector<std::uint8_t> out;
  for (const int v : values) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

TEST(CompareMasks, CountsNonzeroPixels) {
  const MaskAgreement m = compare_masks(mask({0, 255, 1, 0, 7}), mask({0, 255, 0, 3, 9}));
  EXPECT_EQ(m.intersection, 2);
  EXPECT_EQ(m.predicted, 3);
  EXPECT_EQ(m.truth, 3);
  EXPECT_EQ(m.pixels, 5);
}

TEST(CompareMasks, SizeMismatchThrows) { EXPECT_THROW(compare_masks(mask({0, 1}), mask({0, 1, 1})), Error); }

TEST(SegmentationMetrics, MeanAndPixelFigures) {
  const std::vector<MaskAgreement> images = {
      {2, 3, 3, 5},   // IoU 2/4, Dice 4/6
      {0, 0, 0, 10},  // both empty: 1, 1
      {0, 0, 4, 8},   // missed defect: 0, 0
  };
  const SegmentationMetrics s = segmentation_metrics(images);
  EXPECT_EQ(s.images, 3);
  EXPECT_NEAR(s.mean_iou, (0.5 + 1 + 0) / 3, 1e-12);
  EXPECT_NEAR(s.mean_dice, (2.0 / 3 + 1 + 0) / 3, 1e-12);
  EXPECT_NEAR(s.pixel_iou, 2.0 / 8.0, 1e-12);    // intersection 2, union 3 + 7 - 2
  EXPECT_NEAR(s.pixel_dice, 4.0 / 10.0, 1e-12);  // 2 * 2 / (3 + 7)
}

TEST(SegmentationMetrics, AllEmptyIsPerfect) {
  const std::vector<MaskAgreement> images = {{0, 0, 0, 4}, {0, 0, 0, 9}};
  const SegmentationMetrics s = segmentation_metrics(images);
  EXPECT_EQ(s.mean_iou, 1.0);
  EXPECT_EQ(s.mean_dice, 1.0);
  EXPECT_EQ(s.pixel_iou, 1.0);
  EXPECT_EQ(s.pixel_dice, 1.0);
}

TEST(SegmentationMetrics, FromComparedMasks) {
  const std::vector<MaskAgreement> images = {compare_masks(mask({1, 1, 0, 0}), mask({1, 0, 0, 0}))};
  const SegmentationMetrics s = segmentation_metrics(images);
  EXPECT_DOUBLE_EQ(s.mean_iou, 0.5);
  EXPECT_DOUBLE_EQ(s.mean_dice, 2.0 / 3.0);
}

TEST(SegmentationMetrics, BadInputThrows) {
  EXPECT_THROW(segmentation_metrics({}), Error);
  const std::vector<MaskAgreement> impossible = {{3, 2, 5, 10}};  // intersection above predicted
  EXPECT_THROW(segmentation_metrics(impossible), Error);
  const std::vector<MaskAgreement> too_many = {{1, 12, 5, 10}};  // more predicted than pixels
  EXPECT_THROW(segmentation_metrics(too_many), Error);
}

}  // namespace
}  // namespace tarsier::cli
