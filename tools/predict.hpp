#pragma once
// One input file through a model, shared by `tarsier run` (single and batch) and `tarsier
// eval`: decode, preprocess per the model, run, and read the verdict.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <tarsier/session.hpp>

#include "anomaly_mask.hpp"
#include "image/image.hpp"
#include "verdict.hpp"

namespace tarsier::cli {

struct Prediction {
  std::optional<ClassificationVerdict> classification;  // set for classification models
  std::optional<SegmentationVerdict> segmentation;      // set for segmentation models
  std::optional<Image> image;                           // the decoded input; absent for a .npy tensor
  std::vector<std::int64_t> output_shape;
  std::vector<float> output;  // the raw first output
  double latency_ms = 0.0;    // Session::run() alone

  double anomaly_score() const;
  bool is_anomalous() const;
  // Segmentation: the class map at the original image's size (the output's size for .npy).
  ClassMap class_map(const ModelInfo& info) const;
};

class Predictor {
 public:
  // `threshold`, when given, replaces the model's own anomaly threshold.
  Predictor(const std::filesystem::path& model, const SessionOptions& options, std::optional<float> threshold);

  const ModelInfo& info() const { return info_; }
  // Throws tarsier::Error naming the file (Io, InvalidImage, InvalidArgument).
  Prediction predict(const std::filesystem::path& input);

 private:
  Session session_;
  ModelInfo info_;  // the session's, with the threshold override applied
};

}  // namespace tarsier::cli
