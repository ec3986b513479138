// `tarsier inspect model.tsr`: what the file holds, what the runtime makes of it.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <tarsier/session.hpp>

#include "commands.hpp"
#include "core/tensor.hpp"
#include "format/tsr.hpp"
#include "text_table.hpp"

namespace tarsier::cli {
namespace {

struct InspectOptions {
  std::string model;
  bool json = false;
  bool tensors = false;
  std::string backend = SessionOptions{}.backend;
};

// Everything inspect reports, gathered once for both output forms.
struct Report {
  ModelInfo info;
  TsrFileSummary file;
  std::vector<LayerInfo> layers;
  std::int64_t total_flops = 0;
  std::int64_t total_parameters = 0;
  std::size_t weight_bytes = 0;
  std::size_t arena_bytes = 0;
  std::string backend;
};

Report gather(const std::string& path, const std::string& backend) {
  Report r;
  // The session verifies everything (checksums, graph) and plans; the second read gives
  // the file's own tensor table and version, which the session does not expose.
  SessionOptions session_options;
  session_options.backend = backend;
  const Session session(path, session_options);
  load_tsr(path, &r.file);
  r.info = session.info();
  r.layers = session.layers();
  for (const LayerInfo& layer : r.layers) {
    r.total_flops += layer.flops;
    r.total_parameters += layer.parameters;
  }
  r.weight_bytes = session.weight_bytes();
  r.arena_bytes = session.arena_bytes();
  r.backend = session.backend_name();
  return r;
}

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : separator) + item;
  return s;
}

std::string floats(const std::vector<float>& values) {
  std::vector<std::string> parts;
  for (const float v : values) parts.push_back(format_number(v));
  return "[" + join(parts) + "]";
}

nlohmann::ordered_json to_json(const Report& r) {
  const ModelInfo& info = r.info;
  nlohmann::ordered_json j;
  j["name"] = info.name;
  j["task"] = to_string(info.task);
  j["labels"] = info.labels;
  j["threshold"] = info.threshold;
  j["input"] = {{"name", info.input.name},
                {"shape", info.input.shape},
                {"dtype", info.input.dtype},
                {"layout", to_string(info.input.layout)},
                {"color", to_string(info.input.color)},
                {"resize", to_string(info.input.resize)},
                {"letterbox", info.input.letterbox},
                {"scale", info.input.scale},
                {"mean", info.input.mean},
                {"std", info.input.std}};
  j["outputs"] = nlohmann::ordered_json::array();
  for (const auto& out : info.outputs) j["outputs"].push_back({{"name", out.name}, {"shape", out.shape}});
  j["provenance"] = {{"source_file", info.provenance.source_file},
                     {"source_sha256", info.provenance.source_sha256},
                     {"converter_version", info.provenance.converter_version},
                     {"producer", info.provenance.producer},
                     {"opset", info.provenance.opset}};
  j["format"] = {{"version", std::to_string(r.file.major) + "." + std::to_string(r.file.minor)},
                 {"file_bytes", r.file.file_bytes},
                 {"header_bytes", r.file.header_bytes}};
  j["tensors"] = nlohmann::ordered_json::array();
  for (const auto& t : r.file.tensors) {
    j["tensors"].push_back({{"name", t.name},
                            {"dtype", t.dtype},
                            {"shape", t.shape},
                            {"offset", t.offset},
                            {"bytes", t.size},
                            {"crc32", t.crc32}});
  }
  j["checksums"] = {{"verified", true}, {"tensors", r.file.tensors.size()}};
  j["backend"] = r.backend;
  j["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : r.layers) {
    j["layers"].push_back({{"name", l.name},
                           {"op", l.op},
                           {"kernel", l.kernel},
                           {"input_shapes", l.input_shapes},
                           {"output_shape", l.output_shape},
                           {"layout", l.layout},
                           {"parameters", l.parameters},
                           {"flops", l.flops}});
  }
  j["total_flops"] = r.total_flops;
  j["total_gflops"] = static_cast<double>(r.total_flops) / 1e9;
  j["total_parameters"] = r.total_parameters;
  j["weight_bytes"] = r.weight_bytes;
  j["arena_bytes"] = r.arena_bytes;
  return j;
}

void print_human(const Report& r, bool with_tensors) {
  const ModelInfo& info = r.info;
  const InputSpec& in = info.input;
  TextTable summary;
  summary.add({"model", info.name});
  summary.add({"task", to_string(info.task)});
  summary.add({"labels", join(info.labels)});
  summary.add({"threshold", format_number(info.threshold)});
  summary.add({"input", in.name + " " + shape_to_string(in.shape) + " " + in.dtype + " " + to_string(in.layout) + ", " +
                            to_string(in.color) + ", resize " + to_string(in.resize) +
                            (in.letterbox ? ", letterbox" : "")});
  summary.add({"", "(pixel * " + format_number(in.scale) + " - mean) / std, mean " + floats(in.mean) + ", std " +
                       floats(in.std)});
  for (std::size_t i = 0; i < info.outputs.size(); ++i) {
    summary.add({i == 0 ? "outputs" : "", info.outputs[i].name + " " + shape_to_string(info.outputs[i].shape)});
  }
  const Provenance& p = info.provenance;
  summary.add({"source", p.source_file + (p.source_sha256.empty() ? "" : " (sha256 " + p.source_sha256 + ")")});
  summary.add({"converter", p.converter_version + ", producer " + p.producer + ", opset " + std::to_string(p.opset)});
  summary.add({"format", ".tsr " + std::to_string(r.file.major) + "." + std::to_string(r.file.minor) + ", " +
                             format_bytes(r.file.file_bytes) + " (header " + format_bytes(r.file.header_bytes) + ")"});
  summary.add({"checksums", "verified (" + std::to_string(r.file.tensors.size()) + " tensors)"});
  summary.add({"backend", r.backend});
  summary.print(stdout, "  ");

  std::printf("\nlayers (%zu)\n", r.layers.size());
  TextTable layers;
  layers.add({"#", "name", "op", "kernel", "output", "stored", "params", "FLOPs"});
  layers.align_right({0, 6, 7});
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const LayerInfo& l = r.layers[i];
    layers.add({std::to_string(i), l.name, l.op, l.kernel, shape_to_string(l.output_shape), l.layout,
                format_count(l.parameters), format_count(l.flops)});
  }
  layers.print(stdout, "  ");

  if (with_tensors) {
    std::printf("\ntensors (%zu)\n", r.file.tensors.size());
    TextTable tensors;
    tensors.add({"name", "dtype", "shape", "bytes", "crc32"});
    tensors.align_right({3});
    for (const auto& t : r.file.tensors) {
      char crc[16];
      std::snprintf(crc, sizeof crc, "%08x", t.crc32);
      tensors.add({t.name, t.dtype, shape_to_string(t.shape), std::to_string(t.size), crc});
    }
    tensors.print(stdout, "  ");
  }

  std::printf("\n");
  TextTable totals;
  totals.add({"total FLOPs", format_number(static_cast<double>(r.total_flops) / 1e9) + " GFLOPs (" +
                                 std::to_string(r.total_flops) + ")"});
  totals.add({"parameters", format_count(r.total_parameters)});
  totals.add({"weight bytes", format_bytes(r.weight_bytes) + " (" + std::to_string(r.weight_bytes) + ")"});
  totals.add({"arena bytes", format_bytes(r.arena_bytes) + " (" + std::to_string(r.arena_bytes) + ")"});
  totals.print(stdout, "  ");
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand("inspect", "Describe a .tsr model: spec, layers, FLOPs, memory; verify checksums");
  cmd->add_option("model", options->model, "Model file (.tsr)")->required();
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  cmd->add_flag("--tensors", options->tensors, "Also list the file's tensor table (always in --json)");
  cmd->add_option("--backend", options->backend, "Backend whose kernel choices to show: ref or auto")
      ->capture_default_str();
  cmd->callback([options] {
    const Report report = gather(options->model, options->backend);
    if (options->json) {
      std::printf("%s\n", to_json(report).dump(2).c_str());
    } else {
      print_human(report, options->tensors);
    }
  });
}

}  // namespace tarsier::cli
