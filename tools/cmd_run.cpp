// `tarsier run model.tsr INPUT`: one image (or .npy tensor) through the model, its verdict as
// Lookout for Vision DetectAnomalies JSON on stdout. With a folder or --manifest: batch mode,
// one JSON line per image.
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "image/npy.hpp"
#include "image/png_encode.hpp"
#include "lookout_json.hpp"
#include "manifest.hpp"
#include "predict.hpp"
#include "progress_bar.hpp"

namespace tarsier::cli {
namespace {

namespace fs = std::filesystem;

struct RunOptions {
  std::string model;
  std::string input;
  std::string manifest;
  std::string root;
  std::string output;
  std::string mask_png;
  std::string overlay_png;
  double threshold = -1.0;  // < 0: the model's own
  std::string backend = SessionOptions{}.backend;
  int threads = 1;
};

Predictor make_predictor(const RunOptions& options) {
  SessionOptions session_options;
  session_options.threads = options.threads;
  session_options.backend = options.backend;
  std::optional<float> threshold;
  if (options.threshold >= 0.0) threshold = static_cast<float>(options.threshold);
  return Predictor(options.model, session_options, threshold);
}

void run_single(const RunOptions& options) {
  Predictor predictor = make_predictor(options);
  const ModelInfo& info = predictor.info();
  const bool wants_picture = !options.mask_png.empty() || !options.overlay_png.empty();
  if (wants_picture && info.task != Task::Segmentation) {
    throw Error(ErrorCode::InvalidArgument, std::string(options.mask_png.empty() ? "--overlay" : "--mask") +
                                                " needs a segmentation model; '" + options.model + "' is a " +
                                                to_string(info.task) + " model");
  }
  const Prediction prediction = predictor.predict(options.input);
  if (!options.overlay_png.empty() && !prediction.image) {
    throw Error(ErrorCode::InvalidArgument, "--overlay needs an image input; '" + options.input + "' is a tensor");
  }
  if (!options.output.empty()) write_npy(options.output, prediction.output_shape, prediction.output);
  if (wants_picture) {
    const ClassMap map = prediction.class_map(info);
    if (!options.mask_png.empty()) write_png(color_mask(map), options.mask_png);
    if (!options.overlay_png.empty()) write_png(overlay_mask(*prediction.image, map), options.overlay_png);
  }
  std::printf("%s\n", lookout_json(prediction, info).dump(2).c_str());
}

void run_batch(const RunOptions& options) {
  if (!options.mask_png.empty() || !options.overlay_png.empty()) {
    throw Error(ErrorCode::InvalidArgument,
                "--mask and --overlay take a single image; batch lines carry "
                "each mask as \"AnomalyMask\"");
  }
  std::optional<fs::path> root;
  if (!options.root.empty()) root = options.root;
  const std::vector<DatasetEntry> entries =
      options.manifest.empty() ? list_image_folder(options.input) : read_manifest(options.manifest, root);
  Predictor predictor = make_predictor(options);

  std::ofstream file;
  if (!options.output.empty()) {
    file.open(options.output, std::ios::binary);
    if (!file) throw Error(ErrorCode::Io, "cannot write '" + options.output + "'");
  }
  const auto emit = [&](const nlohmann::ordered_json& line) {
    const std::string text = line.dump() + "\n";
    if (file.is_open()) {
      file << text;
    } else {
      std::fputs(text.c_str(), stdout);
    }
  };

  std::size_t failed = 0;
  std::optional<Error> first_failure;
  {
    ProgressBar progress(entries.size());
    for (const DatasetEntry& entry : entries) {
      nlohmann::ordered_json line;
      line["source-ref"] = entry.source_ref;
      try {
        const nlohmann::ordered_json verdict = lookout_json(predictor.predict(entry.image), predictor.info());
        for (const auto& [key, value] : verdict.items()) line[key] = value;
      } catch (const Error& e) {
        line["Error"] = e.what();
        ++failed;
        if (!first_failure) first_failure = e;
      }
      if (!file.is_open()) progress.clear();
      emit(line);
      progress.step(entry.image.filename().string());
    }
  }
  if (file.is_open()) {
    file.close();
    if (!file) throw Error(ErrorCode::Io, "cannot write '" + options.output + "'");
  }
  if (first_failure) {
    throw Error(first_failure->code(), std::to_string(failed) + " of " + std::to_string(entries.size()) +
                                           " inputs failed; first: " + first_failure->what());
  }
}

void run_command(const RunOptions& options) {
  if (options.input.empty() == options.manifest.empty()) {
    throw Error(ErrorCode::InvalidArgument,
                "give either an input (file or folder) or --manifest, not both "
                "or neither");
  }
  if (!options.root.empty() && options.manifest.empty()) {
    throw Error(ErrorCode::InvalidArgument, "--root maps s3:// references of a --manifest; there is none");
  }
  std::error_code ec;
  if (!options.manifest.empty() || fs::is_directory(options.input, ec)) {
    run_batch(options);
  } else {
    run_single(options);
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run",
                                     "Run a model on a JPEG/PNG image (preprocessed per the model) or "
                                     "a .npy tensor and print its verdict as "
                                     "Lookout for Vision DetectAnomalies JSON. Given a folder (every "
                                     ".png/.jpg/.jpeg under it, sorted) or "
                                     "--manifest, print one JSON line per image, with \"source-ref\" "
                                     "(an unreadable image gets an \"Error\" "
                                     "line and a nonzero exit code at the end)");
  cmd->add_option("model", options->model, "Model file (.tsr)")->required();
  cmd->add_option("input", options->input,
                  "JPEG or PNG image, .npy float tensor of the model's input "
                  "shape, or a folder of images");
  cmd->add_option("--manifest", options->manifest,
                  "Batch over a Ground Truth / Lookout for Vision manifest "
                  "(JSON Lines with \"source-ref\")");
  cmd->add_option("--root", options->root,
                  "Folder that s3://bucket/key references in the manifest map "
                  "to (DIR/bucket/key)");
  cmd->add_option("-o,--output", options->output,
                  "Single input: write the raw output tensor as float32 .npy. "
                  "Batch: write the JSON Lines here");
  cmd->add_option("--mask", options->mask_png,
                  "Segmentation: write the anomaly mask as an RGB PNG at the "
                  "image's size (background white, "
                  "each anomaly class its colour)");
  cmd->add_option("--overlay", options->overlay_png,
                  "Segmentation: write the image with the anomaly mask blended "
                  "over it (PNG, original size)");
  cmd->add_option("--threshold", options->threshold, "Anomaly threshold instead of the model's own")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--threads", options->threads, "Worker threads")->check(CLI::PositiveNumber);
  cmd->add_option("--backend", options->backend, "Backend: ref (scalar oracle) or auto (best for this machine)")
      ->capture_default_str();
  cmd->callback([options] { run_command(*options); });
}

}  // namespace tarsier::cli
