#pragma once
// Accuracy figures `tarsier eval` prints: pure functions of (scores, ground
// truth), so they are unit-tested apart from the CLI. Anomaly is the positive
// class throughout.
#include <cstdint>
#include <span>
#include <vector>

namespace tarsier::cli {

struct ConfusionCounts {
  std::int64_t true_positive = 0;  // anomaly predicted anomaly
  std::int64_t false_positive = 0; // normal predicted anomaly
  std::int64_t true_negative = 0;
  std::int64_t false_negative = 0;
};

struct RocPoint {
  double threshold = 0.0; // score >= threshold is called anomalous
  double false_positive_rate = 0.0;
  double true_positive_rate = 0.0;
};

struct ClassificationMetrics {
  ConfusionCounts counts; // at the threshold given
  double accuracy = 0.0;
  double precision = 0.0; // 0 when nothing is predicted anomalous
  double recall = 0.0;    // 0 when there is no anomaly in the set
  double f1 = 0.0;
  double roc_auc = 0.0; // ties count half; NaN when one class is absent
  // From (0,0) to (1,1), one point per distinct score, highest threshold first.
  // The (0,0) point's threshold is the next double above the highest score (so
  // it stays finite and "score >= threshold" still calls nothing anomalous).
  // Empty when one class is absent: no curve exists then.
  std::vector<RocPoint> roc;
  // The threshold (a score in the set) that maximises F1; among equal F1 the
  // highest such threshold (fewest alarms). With no anomaly in the set F1 is 0
  // everywhere and this is the highest score.
  double best_f1_threshold = 0.0;
  double best_f1 = 0.0;
};

// scores[i] is the model's anomaly score of sample i; is_anomaly[i] its ground
// truth. Throws Error(InvalidArgument) when the spans differ in length, are
// empty, or a score is NaN (infinite scores are allowed).
ClassificationMetrics classification_metrics(std::span<const double> scores,
                                             std::span<const bool> is_anomaly,
                                             double threshold);

// Pixel-level agreement of a predicted and a true binary mask (nonzero =
// anomaly), summed over a data set image by image.
struct MaskAgreement {
  std::int64_t intersection = 0; // anomaly in both
  std::int64_t predicted = 0;    // anomaly in the prediction
  std::int64_t truth = 0;        // anomaly in the ground truth
  std::int64_t pixels = 0;
};

// Throws Error(InvalidArgument) when the masks differ in size.
MaskAgreement compare_masks(std::span<const std::uint8_t> predicted,
                            std::span<const std::uint8_t> truth);

struct SegmentationMetrics {
  // Mean over images of the per-image anomaly IoU and Dice; an image where both
  // masks are empty counts as 1 (a perfect "nothing here").
  double mean_iou = 0.0;
  double mean_dice = 0.0;
  // Over all pixels of the set at once (large defects weigh more).
  double pixel_iou = 0.0;
  double pixel_dice = 0.0;
  std::int64_t images = 0;
};

// Throws Error(InvalidArgument) for no images or counts that cannot come from
// compare_masks (e.g. an intersection larger than either mask).
SegmentationMetrics
segmentation_metrics(std::span<const MaskAgreement> per_image);

} // namespace tarsier::cli
