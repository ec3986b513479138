#include "eval_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include <tarsier/error.hpp>

namespace tarsier::cli {
namespace {

double ratio(std::int64_t numerator, std::int64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

double f1_of(double precision, double recall) {
  return precision + recall == 0.0 ? 0.0 : 2.0 * precision * recall / (precision + recall);
}

// F1 computed from counts alone, so that ties between thresholds compare exactly.
double f1_of_counts(std::int64_t tp, std::int64_t fp, std::int64_t fn) {
  return tp == 0 ? 0.0 : 2.0 * static_cast<double>(tp) / static_cast<double>(2 * tp + fp + fn);
}

ConfusionCounts count_at(std::span<const double> scores, std::span<const bool> is_anomaly, double threshold) {
  ConfusionCounts c;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const bool called = scores[i] >= threshold;
    if (is_anomaly[i]) {
      ++(called ? c.true_positive : c.false_negative);
    } else {
      ++(called ? c.false_positive : c.true_negative);
    }
  }
  return c;
}

// Samples grouped by equal score, highest score first: the thresholds where the ROC moves.
struct ScoreGroup {
  double score = 0.0;
  std::int64_t anomalies = 0;
  std::int64_t normals = 0;
};

std::vector<ScoreGroup> groups_by_score(std::span<const double> scores, std::span<const bool> is_anomaly) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  std::vector<ScoreGroup> groups;
  for (const std::size_t i : order) {
    if (groups.empty() || groups.back().score != scores[i]) groups.push_back({scores[i], 0, 0});
    ++(is_anomaly[i] ? groups.back().anomalies : groups.back().normals);
  }
  return groups;
}

void require_valid(const MaskAgreement& m, std::size_t image) {
  const bool valid = m.intersection >= 0 && m.predicted >= m.intersection && m.truth >= m.intersection &&
                     m.pixels >= m.predicted && m.pixels >= m.truth;
  if (!valid) {
    throw Error(ErrorCode::InvalidArgument, "inconsistent mask agreement for image " + std::to_string(image) +
                                                " (intersection " + std::to_string(m.intersection) + ", predicted " +
                                                std::to_string(m.predicted) + ", truth " + std::to_string(m.truth) +
                                                ", pixels " + std::to_string(m.pixels) + ")");
  }
}

// IoU and Dice of one pair of counts; two empty masks agree perfectly.
double iou_of(std::int64_t intersection, std::int64_t predicted, std::int64_t truth) {
  const std::int64_t union_size = predicted + truth - intersection;
  return union_size == 0 ? 1.0 : static_cast<double>(intersection) / static_cast<double>(union_size);
}

double dice_of(std::int64_t intersection, std::int64_t predicted, std::int64_t truth) {
  const std::int64_t total = predicted + truth;
  return total == 0 ? 1.0 : 2.0 * static_cast<double>(intersection) / static_cast<double>(total);
}

}  // namespace

ClassificationMetrics classification_metrics(std::span<const double> scores, std::span<const bool> is_anomaly,
                                             double threshold) {
  if (scores.size() != is_anomaly.size()) {
    throw Error(ErrorCode::InvalidArgument, "classification metrics: " + std::to_string(scores.size()) +
                                                " scores but " + std::to_string(is_anomaly.size()) + " labels");
  }
  if (scores.empty()) throw Error(ErrorCode::InvalidArgument, "classification metrics: no samples");
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) {
      throw Error(ErrorCode::InvalidArgument,
                  "classification metrics: score of sample " + std::to_string(i) + " is NaN");
    }
  }

  ClassificationMetrics m;
  m.counts = count_at(scores, is_anomaly, threshold);
  const ConfusionCounts& c = m.counts;
  m.accuracy = ratio(c.true_positive + c.true_negative, static_cast<std::int64_t>(scores.size()));
  m.precision = ratio(c.true_positive, c.true_positive + c.false_positive);
  m.recall = ratio(c.true_positive, c.true_positive + c.false_negative);
  m.f1 = f1_of(m.precision, m.recall);

  const std::vector<ScoreGroup> groups = groups_by_score(scores, is_anomaly);
  const std::int64_t anomalies = c.true_positive + c.false_negative;
  const std::int64_t normals = c.false_positive + c.true_negative;

  // Walking the thresholds from the highest score down, everything at or above the current
  // score is called anomalous. Best F1 keeps the highest threshold among equals (fewest alarms).
  std::int64_t tp = 0, fp = 0;
  double u = 0.0;  // Mann-Whitney U: anomaly/normal pairs ranked right, ties counting half
  m.best_f1 = -1.0;
  if (anomalies > 0 && normals > 0) {
    m.roc.push_back({std::nextafter(groups.front().score, std::numeric_limits<double>::infinity()), 0.0, 0.0});
  }
  for (const ScoreGroup& g : groups) {
    tp += g.anomalies;
    fp += g.normals;
    const std::int64_t normals_below = normals - fp;
    u += static_cast<double>(g.anomalies) * (static_cast<double>(normals_below) + 0.5 * static_cast<double>(g.normals));
    const double f1 = f1_of_counts(tp, fp, anomalies - tp);
    if (f1 > m.best_f1) {
      m.best_f1 = f1;
      m.best_f1_threshold = g.score;
    }
    if (anomalies > 0 && normals > 0) m.roc.push_back({g.score, ratio(fp, normals), ratio(tp, anomalies)});
  }
  m.roc_auc = anomalies > 0 && normals > 0 ? u / (static_cast<double>(anomalies) * static_cast<double>(normals))
                                           : std::numeric_limits<double>::quiet_NaN();
  return m;
}

MaskAgreement compare_masks(std::span<const std::uint8_t> predicted, std::span<const std::uint8_t> truth) {
  if (predicted.size() != truth.size()) {
    throw Error(ErrorCode::InvalidArgument, "mask sizes differ: predicted has " + std::to_string(predicted.size()) +
                                                " pixels, ground truth " + std::to_string(truth.size()));
  }
  MaskAgreement m;
  m.pixels = static_cast<std::int64_t>(predicted.size());
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    const bool p = predicted[i] != 0;
    const bool t = truth[i] != 0;
    m.predicted += p;
    m.truth += t;
    m.intersection += p && t;
  }
  return m;
}

SegmentationMetrics segmentation_metrics(std::span<const MaskAgreement> per_image) {
  if (per_image.empty()) throw Error(ErrorCode::InvalidArgument, "segmentation metrics: no images");
  SegmentationMetrics s;
  MaskAgreement total;
  double iou_sum = 0.0, dice_sum = 0.0;
  for (std::size_t i = 0; i < per_image.size(); ++i) {
    const MaskAgreement& m = per_image[i];
    require_valid(m, i);
    iou_sum += iou_of(m.intersection, m.predicted, m.truth);
    dice_sum += dice_of(m.intersection, m.predicted, m.truth);
    total.intersection += m.intersection;
    total.predicted += m.predicted;
    total.truth += m.truth;
    total.pixels += m.pixels;
  }
  s.images = static_cast<std::int64_t>(per_image.size());
  s.mean_iou = iou_sum / static_cast<double>(s.images);
  s.mean_dice = dice_sum / static_cast<double>(s.images);
  s.pixel_iou = iou_of(total.intersection, total.predicted, total.truth);
  s.pixel_dice = dice_of(total.intersection, total.predicted, total.truth);
  return s;
}

}  // namespace tarsier::cli
