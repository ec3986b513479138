// `tarsier convert model.onnx -o model.tsr [flags]`: ONNX -> .tsr with the metadata the
// runtime needs around the graph.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include <tarsier/error.hpp>

#include "commands.hpp"
#include "convert/converter.hpp"
#include "format/tsr.hpp"

namespace tarsier::cli {
namespace {

struct ConvertArgs {
  std::string input, output;
  std::string task, labels, mean, std, color, size, resize, layout, name, threshold, scale;
  bool fp16 = false;
  bool letterbox = false;
};

[[noreturn]] void bad_flag(const std::string& message) { throw Error(ErrorCode::InvalidArgument, message); }

std::vector<std::string> split(const std::string& text, const std::string& separators) {
  std::vector<std::string> parts;
  std::string current;
  for (char ch : text) {
    if (separators.find(ch) != std::string::npos) {
      parts.push_back(current);
      current.clear();
    } else {
      current += ch;
    }
  }
  parts.push_back(current);
  return parts;
}

std::vector<float> parse_floats(const std::string& text, const char* flag) {
  std::vector<float> values;
  for (const auto& part : split(text, ",")) {
    std::size_t used = 0;
    float v = 0;
    try {
      v = std::stof(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != part.size()) bad_flag(std::string(flag) + ": '" + part + "' is not a number");
    values.push_back(v);
  }
  return values;
}

std::vector<std::int64_t> parse_size(const std::string& text) {
  const auto parts = split(text, "x,X");
  if (parts.size() != 2) bad_flag("--size: expected HxW or H,W, got '" + text + "'");
  std::vector<std::int64_t> hw;
  for (const auto& p : parts) {
    std::size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(p, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != p.size() || v < 1 || v > 65536) bad_flag("--size: '" + p + "' is not a valid size");
    hw.push_back(v);
  }
  return hw;
}

ConvertOptions to_options(const ConvertArgs& a) {
  ConvertOptions o;
  if (a.task == "classification")
    o.task = Task::Classification;
  else if (a.task == "segmentation")
    o.task = Task::Segmentation;
  else if (!a.task.empty())
    bad_flag("--task must be classification or segmentation");
  if (!a.labels.empty()) {
    o.labels = split(a.labels, ",");
    for (const auto& l : o.labels)
      if (l.empty()) bad_flag("--labels: empty label in '" + a.labels + "'");
  }
  auto single = [](const std::string& text, const char* flag) {
    const auto v = parse_floats(text, flag);
    if (v.size() != 1) bad_flag(std::string(flag) + " takes one number");
    return v[0];
  };
  if (!a.threshold.empty()) o.threshold = single(a.threshold, "--threshold");
  if (!a.scale.empty()) o.scale = single(a.scale, "--scale");
  if (!a.mean.empty()) o.mean = parse_floats(a.mean, "--mean");
  if (!a.std.empty()) o.std = parse_floats(a.std, "--std");
  if (a.color == "rgb")
    o.color = ColorOrder::RGB;
  else if (a.color == "bgr")
    o.color = ColorOrder::BGR;
  else if (a.color == "gray")
    o.color = ColorOrder::Gray;
  else if (!a.color.empty())
    bad_flag("--color must be rgb, bgr or gray");
  if (!a.size.empty()) o.size = parse_size(a.size);
  if (a.resize == "bilinear")
    o.resize = ResizeKind::Bilinear;
  else if (a.resize == "nearest")
    o.resize = ResizeKind::Nearest;
  else if (a.resize == "area")
    o.resize = ResizeKind::Area;
  else if (!a.resize.empty())
    bad_flag("--resize must be bilinear, nearest or area");
  o.letterbox = a.letterbox;
  if (a.layout == "nchw")
    o.layout = Layout::NCHW;
  else if (a.layout == "nhwc")
    o.layout = Layout::NHWC;
  else if (!a.layout.empty())
    bad_flag("--layout must be nchw or nhwc");
  o.name = a.name;
  return o;
}

std::uint64_t weight_bytes(const Model& model, bool fp16) {
  std::uint64_t count = 0;
  for (const auto& [name, t] : model.graph.constants) count += t.data.size();
  return count * (fp16 ? 2 : 4);
}

void run_convert(const ConvertArgs& args) {
  ConvertStats stats;
  const ConvertOptions options = to_options(args);
  Model model = convert_onnx(args.input, options, &stats);
  TsrWriteOptions write;
  write.storage = args.fp16 ? WeightStorage::F16 : WeightStorage::F32;
  // save_tsr writes a temporary file and renames it: a failure leaves nothing behind.
  save_tsr(model, args.output, write);
  std::printf(
      "%s: %zu nodes, %.2f MB weights (%s), %zu ONNX nodes, folded %zu constant, %zu batchnorm, %zu affine, "
      "removed %zu identity -> %s\n",
      model.info.name.c_str(), model.graph.nodes.size(), static_cast<double>(weight_bytes(model, args.fp16)) / 1e6,
      args.fp16 ? "fp16" : "fp32", stats.onnx_nodes, stats.folded_nodes, stats.folded_batchnorms, stats.folded_affine,
      stats.removed_identities, args.output.c_str());
}

}  // namespace

void add_convert_command(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand("convert", "Convert an ONNX model (opset 11-17) to a .tsr file");
  cmd->add_option("model", args->input, "ONNX model file")->required();
  cmd->add_option("-o,--output", args->output, "Output .tsr file")->required();
  cmd->add_option("--task", args->task, "classification | segmentation (default: from the output shape)");
  cmd->add_option("--labels", args->labels, "Comma-separated class labels");
  cmd->add_option("--threshold", args->threshold, "Anomaly decision threshold (default 0.5)");
  cmd->add_option("--mean", args->mean, "Per-channel mean, comma-separated (default ImageNet)");
  cmd->add_option("--std", args->std, "Per-channel std, comma-separated (default ImageNet)");
  cmd->add_option("--scale", args->scale, "Pixel scale before mean/std (default 1/255)");
  cmd->add_option("--color", args->color, "rgb | bgr | gray");
  cmd->add_option("--size", args->size, "Input HxW when the ONNX input size is not fixed");
  cmd->add_option("--resize", args->resize, "bilinear | nearest | area (image preprocessing)");
  cmd->add_flag("--letterbox", args->letterbox, "Pad images to a square (centred, black) before resizing");
  cmd->add_option("--layout", args->layout, "nchw | nhwc (default: guessed from the input shape)");
  cmd->add_option("--name", args->name, "Model name (default: file stem)");
  cmd->add_flag("--fp16", args->fp16, "Store weights as fp16 (widened to fp32 at load)");
  cmd->callback([args] { run_convert(*args); });
}

}  // namespace tarsier::cli
