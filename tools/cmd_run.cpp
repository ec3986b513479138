// `tarsier run model.tsr INPUT`: one input through the model, a JSON verdict on stdout.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include <tarsier/session.hpp>

#include "commands.hpp"
#include "core/tensor.hpp"
#include "image/image_file.hpp"
#include "image/npy.hpp"
#include "image/png_encode.hpp"
#include "image/preprocess.hpp"
#include "verdict.hpp"

namespace tarsier::cli {
namespace {

struct RunOptions {
  std::string model;
  std::string input;
  std::string output_npy;
  std::string mask_png;
  std::string backend = SessionOptions{}.backend;
  int threads = 1;
};

// Fills the session's input from an image (preprocessed per the model's spec) or an .npy
// tensor (used exactly as given).
void feed_input(Session& session, const std::string& path) {
  const std::vector<TensorShape> inputs = session.inputs();
  if (inputs.size() != 1) {
    throw Error(ErrorCode::UnsupportedModel,
                "'tarsier run' feeds models with one input; this one has " + std::to_string(inputs.size()));
  }
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  const FileKind kind = sniff_file_kind(bytes);
  const std::span<float> destination = session.input(0);
  if (kind == FileKind::Npy) {
    const NpyArray array = parse_npy(bytes, path);
    if (array.shape != inputs[0].shape) {
      throw Error(ErrorCode::InvalidArgument, "'" + path + "' holds a tensor of shape " + shape_to_string(array.shape) +
                                                  " but model input '" + inputs[0].name + "' has shape " +
                                                  shape_to_string(inputs[0].shape));
    }
    std::copy(array.data.begin(), array.data.end(), destination.begin());
    return;
  }
  if (kind == FileKind::Unknown) {
    throw Error(ErrorCode::InvalidImage, "'" + path + "' is not a JPEG, PNG or .npy file");
  }
  const Image image = decode_image(bytes, path);
  InputSpec spec = session.info().input;
  spec.shape = inputs[0].shape;  // the graph's own shape is authoritative
  preprocess(image, spec, destination);
}

nlohmann::ordered_json classification_json(const ClassificationVerdict& v, float threshold) {
  nlohmann::ordered_json scores = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < v.labels.size(); ++i) scores[v.labels[i]] = v.probabilities[i];
  nlohmann::ordered_json j;
  j["Label"] = v.label;
  j["Scores"] = scores;
  j["IsAnomalous"] = v.is_anomalous;
  j["Confidence"] = v.confidence;
  j["AnomalyScore"] = v.anomaly_score;
  j["AnomalyThreshold"] = threshold;
  return j;
}

nlohmann::ordered_json segmentation_json(const SegmentationVerdict& v, float threshold) {
  nlohmann::ordered_json j;
  j["IsAnomalous"] = v.is_anomalous;
  j["AnomalousArea"] = v.anomalous_area;
  j["Confidence"] = v.confidence;
  j["AnomalyScore"] = v.anomaly_score;
  j["AnomalyThreshold"] = threshold;
  j["MaskSize"] = {{"Width", v.width}, {"Height", v.height}};
  return j;
}

void run_command(const RunOptions& options) {
  SessionOptions session_options;
  session_options.threads = options.threads;
  session_options.backend = options.backend;
  Session session(options.model, session_options);
  const ModelInfo& info = session.info();
  if (!options.mask_png.empty() && info.task != Task::Segmentation) {
    throw Error(ErrorCode::InvalidArgument, "--mask needs a segmentation model; '" + options.model + "' is a " +
                                                to_string(info.task) + " model");
  }
  feed_input(session, options.input);
  session.run();

  const TensorShape output_shape = session.outputs().at(0);
  const std::span<const float> output = session.output(0);
  if (!options.output_npy.empty()) write_npy(options.output_npy, output_shape.shape, output);

  nlohmann::ordered_json result;
  if (info.task == Task::Classification) {
    result = classification_json(classify(output, info), info.threshold);
  } else {
    const SegmentationVerdict verdict = segment(output, output_shape.shape, info);
    result = segmentation_json(verdict, info.threshold);
    if (!options.mask_png.empty()) {
      Image mask(static_cast<int>(verdict.width), static_cast<int>(verdict.height), 1);
      mask.pixels = verdict.mask;
      write_png(mask, options.mask_png);
    }
  }
  std::printf("%s\n", result.dump(2).c_str());
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a model on a JPEG/PNG image (preprocessed per the model) or a .npy tensor; print a JSON verdict");
  cmd->add_option("model", options->model, "Model file (.tsr)")->required();
  cmd->add_option("input", options->input, "JPEG or PNG image, or .npy float tensor of the model's input shape")
      ->required();
  cmd->add_option("-o,--output", options->output_npy, "Write the raw output tensor as float32 .npy");
  cmd->add_option("--mask", options->mask_png,
                  "Segmentation: write the mask as an 8-bit gray PNG (255 anomalous) at the output resolution");
  cmd->add_option("--threads", options->threads, "Worker threads")->check(CLI::PositiveNumber);
  cmd->add_option("--backend", options->backend, "Backend: ref (scalar oracle) or auto (best for this machine)")
      ->capture_default_str();
  cmd->callback([options] { run_command(*options); });
}

}  // namespace tarsier::cli
