#include "convert/model_info_builder.hpp"

#include <cmath>
#include <filesystem>
#include <tarsier/error.hpp>

namespace tarsier::convert {
namespace {

[[noreturn]] void bad_option(const std::string& message) { throw Error(ErrorCode::InvalidArgument, message); }

// A mask has at least two spatial axes larger than 1 ([N,C,H,W] or [N,H,W,C]).
Task default_task(const Shape& out) {
  if (out.size() != 4) return Task::Classification;
  int spatial = 0;
  for (std::size_t i = 1; i < 4; ++i) spatial += out[i] > 1;
  return spatial >= 2 ? Task::Segmentation : Task::Classification;
}

std::int64_t class_count(const Shape& out) {
  if (out.empty()) return 1;
  return element_count(out) / std::max<std::int64_t>(out[0], 1);
}

std::vector<float> per_channel(const std::optional<std::vector<float>>& given, std::vector<float> fallback,
                               std::int64_t channels, const char* flag) {
  std::vector<float> v = given ? *given : std::move(fallback);
  if (v.size() == 1 && channels > 1) v.assign(static_cast<std::size_t>(channels), v[0]);
  if (static_cast<std::int64_t>(v.size()) != channels)
    bad_option(std::string(flag) + " has " + std::to_string(v.size()) + " values but the input has " +
               std::to_string(channels) + " channels");
  for (float x : v)
    if (!std::isfinite(x)) bad_option(std::string(flag) + " values must be finite");
  return v;
}

}  // namespace

ModelInfo build_model_info(const OnnxModel& model, const ResolvedInput& input, const Graph& graph,
                           const ConvertOptions& options, const SourceInfo& source) {
  ModelInfo info;
  info.name = options.name.empty() ? std::filesystem::path(source.file_name).stem().string() : options.name;
  if (info.name.empty()) info.name = "model";

  InputSpec& in = info.input;
  in.name = graph.inputs.at(0);
  in.shape = input.shape;
  in.layout = input.layout;
  const std::int64_t channels = input.shape.size() == 4 ? input.shape[input.layout == Layout::NHWC ? 3 : 1] : 1;
  in.color = options.color.value_or(channels == 1 ? ColorOrder::Gray : ColorOrder::RGB);
  if (in.color == ColorOrder::Gray && channels != 1) bad_option("gray colour needs a one-channel input");
  if (in.color != ColorOrder::Gray && channels != 3 && options.color)
    bad_option("--color rgb|bgr needs a three-channel input, the model takes " + std::to_string(channels));
  in.resize = options.resize.value_or(ResizeKind::Bilinear);
  in.letterbox = options.letterbox;
  in.scale = options.scale.value_or(in.scale);
  if (!std::isfinite(in.scale)) bad_option("--scale must be finite");
  // ImageNet statistics for colour inputs; identity normalisation for gray ones.
  in.mean = per_channel(options.mean, channels == 3 ? in.mean : std::vector<float>{0.0f}, channels, "--mean");
  in.std = per_channel(options.std, channels == 3 ? in.std : std::vector<float>{1.0f}, channels, "--std");
  for (float s : in.std)
    if (s == 0) bad_option("--std values must be non-zero");

  for (const auto& name : graph.outputs) info.outputs.push_back({name, graph.shape_of(name)});
  const Shape& out = info.outputs.at(0).shape;
  info.task = options.task.value_or(default_task(out));
  info.threshold = options.threshold.value_or(0.5f);
  if (!std::isfinite(info.threshold)) bad_option("--threshold must be finite");

  if (!options.labels.empty()) {
    info.labels = options.labels;
    const std::int64_t classes = class_count(out);
    if (info.task == Task::Classification && classes > 1 && static_cast<std::int64_t>(info.labels.size()) != classes)
      bad_option(std::to_string(info.labels.size()) + " labels given for an output of " + std::to_string(classes) +
                 " classes");
  } else if (info.task == Task::Segmentation) {
    info.labels = {"background", "anomaly"};
  } else {
    const std::int64_t classes = class_count(out);
    if (classes == 2 || classes == 1) {
      info.labels = {"normal", "anomaly"};
    } else {
      for (std::int64_t c = 0; c < classes && c < 100000; ++c) info.labels.push_back("class" + std::to_string(c));
    }
  }

  Provenance& p = info.provenance;
  p.source_file = std::filesystem::path(source.file_name).filename().string();
  p.source_sha256 = source.sha256;
  p.converter_version = std::string("tarsier ") + TARSIER_VERSION;
  p.producer = model.proto.producer_name();
  if (!model.proto.producer_version().empty()) p.producer += " " + model.proto.producer_version();
  p.opset = model.opset;
  return info;
}

}  // namespace tarsier::convert
