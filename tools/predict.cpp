#include "predict.hpp"

#include <algorithm>
#include <chrono>

#include "core/tensor.hpp"
#include "image/image_file.hpp"
#include "image/npy.hpp"
#include "image/preprocess.hpp"

namespace tarsier::cli {

double Prediction::anomaly_score() const {
  return classification ? classification->anomaly_score : segmentation->anomaly_score;
}

bool Prediction::is_anomalous() const {
  return classification ? classification->is_anomalous : segmentation->is_anomalous;
}

ClassMap Prediction::class_map(const ModelInfo& info) const {
  const SegmentationVerdict& v = segmentation.value();
  if (!image) return {static_cast<int>(v.width), static_cast<int>(v.height), v.classes};
  return class_map_for_image(v, image->width, image->height, info.input.letterbox);
}

Predictor::Predictor(const std::filesystem::path& model, const SessionOptions& options, std::optional<float> threshold)
    : session_(model, options), info_(session_.info()) {
  if (threshold) info_.threshold = *threshold;
  const std::size_t inputs = session_.inputs().size();
  if (inputs != 1) {
    throw Error(ErrorCode::UnsupportedModel,
                "tarsier feeds models with one input; this one has " + std::to_string(inputs));
  }
}

Prediction Predictor::predict(const std::filesystem::path& input) {
  const std::string name = input.string();
  const TensorShape input_shape = session_.inputs()[0];
  const std::vector<std::uint8_t> bytes = read_file_bytes(input);
  const FileKind kind = sniff_file_kind(bytes);
  const std::span<float> destination = session_.input(0);
  Prediction p;
  if (kind == FileKind::Npy) {
    const NpyArray array = parse_npy(bytes, name);
    if (array.shape != input_shape.shape) {
      throw Error(ErrorCode::InvalidArgument, "'" + name + "' holds a tensor of shape " + shape_to_string(array.shape) +
                                                  " but model input '" + input_shape.name + "' has shape " +
                                                  shape_to_string(input_shape.shape));
    }
    std::copy(array.data.begin(), array.data.end(), destination.begin());
  } else if (kind == FileKind::Unknown) {
    throw Error(ErrorCode::InvalidImage, "'" + name + "' is not a JPEG, PNG or .npy file");
  } else {
    p.image = decode_image(bytes, name);
    InputSpec spec = info_.input;
    spec.shape = input_shape.shape;  // the graph's own shape is authoritative
    preprocess(*p.image, spec, destination);
  }

  const auto start = std::chrono::steady_clock::now();
  session_.run();
  p.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  p.output_shape = session_.outputs().at(0).shape;
  const std::span<const float> output = session_.output(0);
  p.output.assign(output.begin(), output.end());
  if (info_.task == Task::Classification) {
    p.classification = classify(p.output, info_);
  } else {
    p.segmentation = segment(p.output, p.output_shape, info_);
  }
  return p;
}

}  // namespace tarsier::cli
