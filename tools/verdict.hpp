#pragma once
// From a model's raw output tensor to the verdict `tarsier run` prints. Pure functions of
// (output, shape, ModelInfo), so they are unit-tested apart from the CLI.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <tarsier/model_info.hpp>

namespace tarsier::cli {

struct ClassificationVerdict {
  std::vector<std::string> labels;
  std::vector<double> probabilities;  // one per label, summing to 1
  std::size_t anomaly_index = 0;      // the label "anomaly" if present, else the last class
  std::string label;                  // the anomaly label if anomalous, else the likeliest other one
  double anomaly_score = 0.0;         // probability of the anomaly class
  bool is_anomalous = false;          // anomaly_score >= threshold
  double confidence = 0.0;            // probability of the verdict: score or 1 - score
};

// The output holds class scores (any shape with one value per class, e.g. [1, K]). They are
// used as probabilities when they already are a distribution (all in [0, 1], summing to 1),
// else softmax is applied. A single value is the anomaly probability (sigmoid of a logit
// when outside [0, 1]).
ClassificationVerdict classify(std::span<const float> output, const ModelInfo& info);

struct SegmentationVerdict {
  std::int64_t height = 0, width = 0;
  std::vector<float> anomaly;       // per-pixel anomaly probability, row-major H x W
  std::vector<std::uint8_t> mask;   // 255 where anomaly >= threshold, else 0
  // Per pixel: 0 where not anomalous, else the likeliest anomaly class (1..C-1; 1 for a
  // one-channel model). Indexes class_names, which holds background first.
  std::vector<std::uint8_t> classes;
  std::vector<std::string> class_names;
  double anomalous_area = 0.0;      // fraction of pixels in the mask
  double anomaly_score = 0.0;       // the highest pixel probability
  bool is_anomalous = false;        // any pixel at or above the threshold
  double confidence = 0.0;          // anomaly_score if anomalous, else 1 - anomaly_score
};

// The output is [1, C, H, W] ([1, H, W, C] when the model's input layout is NHWC), or
// [1, H, W] / [H, W] for one channel. C == 1: a per-pixel anomaly probability (sigmoid applied
// when values fall outside [0, 1]). C > 1: class scores per pixel, background first (softmax
// unless already a distribution); anomaly = 1 - p(background). Class names are the model's
// labels when they are one per class (two for a one-channel model), else "background" then
// "anomaly" or "class_K".
SegmentationVerdict segment(std::span<const float> output, std::span<const std::int64_t> shape, const ModelInfo& info);

}  // namespace tarsier::cli
