// `tarsier eval model.tsr --manifest F` / `tarsier eval model.tsr DIR`: every labelled image
// through the model, then the accuracy figures of tools/eval_metrics.hpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "eval_metrics.hpp"
#include "manifest.hpp"
#include "predict.hpp"
#include "progress_bar.hpp"
#include "svg_chart.hpp"
#include "text_table.hpp"

namespace tarsier::cli {
namespace {

namespace fs = std::filesystem;

struct EvalOptions {
  std::string model;
  std::string folder;
  std::string manifest;
  std::string root;
  std::string roc_svg;
  bool json = false;
  double threshold = -1.0;  // < 0: the model's own
  std::string backend = SessionOptions{}.backend;
  int threads = 1;
};

struct EvalResults {
  std::vector<double> scores;
  std::vector<bool> truth;
  std::vector<MaskAgreement> masks;
  std::vector<std::string> failures;  // "source-ref: message"
  std::optional<Error> first_failure;
};

std::string where(const DatasetEntry& e) {
  return e.line > 0 ? "line " + std::to_string(e.line) + " ('" + e.source_ref + "')" : "'" + e.source_ref + "'";
}

// The predicted and true anomaly masks of one image, at the image's size. Anomalous images
// without a mask have no pixel truth and are left out of the mask figures.
std::optional<MaskAgreement> mask_agreement(const DatasetEntry& entry, const Prediction& prediction,
                                            const ModelInfo& info) {
  if (!prediction.segmentation || !prediction.image) return std::nullopt;
  const Image& image = *prediction.image;
  BinaryMask truth;
  if (entry.mask) {
    truth = read_truth_mask(*entry.mask, entry.mask_classes);
    if (truth.width != image.width || truth.height != image.height) {
      throw Error(ErrorCode::InvalidArgument, "mask '" + entry.mask->string() + "' is " + std::to_string(truth.width) +
                                                  "x" + std::to_string(truth.height) + " but its image is " +
                                                  std::to_string(image.width) + "x" + std::to_string(image.height));
    }
  } else if (entry.is_anomaly == false) {
    truth = {image.width, image.height,
             std::vector<std::uint8_t>(static_cast<std::size_t>(image.width) * image.height)};
  } else {
    return std::nullopt;
  }
  const ClassMap predicted = prediction.class_map(info);
  return compare_masks(predicted.classes, truth.anomaly);
}

EvalResults evaluate(Predictor& predictor, const std::vector<DatasetEntry>& entries) {
  EvalResults r;
  ProgressBar progress(entries.size());
  for (const DatasetEntry& entry : entries) {
    try {
      const Prediction prediction = predictor.predict(entry.image);
      const std::optional<MaskAgreement> agreement = mask_agreement(entry, prediction, predictor.info());
      r.scores.push_back(prediction.anomaly_score());
      r.truth.push_back(*entry.is_anomaly);
      if (agreement) r.masks.push_back(*agreement);
    } catch (const Error& e) {
      r.failures.push_back(entry.source_ref + ": " + e.what());
      if (!r.first_failure) r.first_failure = e;
    }
    progress.step(entry.image.filename().string());
  }
  return r;
}

// NaN (an undefined figure, e.g. ROC-AUC with one class) becomes JSON null.
nlohmann::ordered_json number(double v) {
  return std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
}

std::string text(double v) { return std::isnan(v) ? "n/a" : format_number(v); }

nlohmann::ordered_json to_json(const ClassificationMetrics& m, const std::optional<SegmentationMetrics>& s,
                               const EvalResults& r, double threshold) {
  nlohmann::ordered_json j;
  const auto anomalies = static_cast<std::int64_t>(std::count(r.truth.begin(), r.truth.end(), true));
  j["Images"] = r.scores.size();
  j["Anomalous"] = anomalies;
  j["Normal"] = static_cast<std::int64_t>(r.scores.size()) - anomalies;
  j["Threshold"] = threshold;
  j["ConfusionMatrix"] = {{"TruePositive", m.counts.true_positive},
                          {"FalsePositive", m.counts.false_positive},
                          {"TrueNegative", m.counts.true_negative},
                          {"FalseNegative", m.counts.false_negative}};
  j["Accuracy"] = number(m.accuracy);
  j["Precision"] = number(m.precision);
  j["Recall"] = number(m.recall);
  j["F1"] = number(m.f1);
  j["RocAuc"] = number(m.roc_auc);
  j["BestF1Threshold"] = number(m.best_f1_threshold);
  j["BestF1"] = number(m.best_f1);
  if (s) {
    j["Segmentation"] = {{"Images", s->images},
                         {"MeanIoU", number(s->mean_iou)},
                         {"MeanDice", number(s->mean_dice)},
                         {"PixelIoU", number(s->pixel_iou)},
                         {"PixelDice", number(s->pixel_dice)}};
  }
  j["Errors"] = r.failures;
  return j;
}

void print_text(const ClassificationMetrics& m, const std::optional<SegmentationMetrics>& s, const EvalResults& r,
                double threshold) {
  const auto anomalies = static_cast<std::int64_t>(std::count(r.truth.begin(), r.truth.end(), true));
  std::printf(
      "%zu images (%lld anomalous, %lld normal), threshold %s\n\n", r.scores.size(), static_cast<long long>(anomalies),
      static_cast<long long>(r.scores.size()) - static_cast<long long>(anomalies), format_number(threshold).c_str());
  TextTable confusion;
  confusion.add({"", "predicted normal", "predicted anomaly"});
  confusion.add({"true normal", std::to_string(m.counts.true_negative), std::to_string(m.counts.false_positive)});
  confusion.add({"true anomaly", std::to_string(m.counts.false_negative), std::to_string(m.counts.true_positive)});
  confusion.align_right({1, 2});
  confusion.print(stdout, "  ");
  std::printf("\n");
  TextTable figures;
  figures.add({"accuracy", text(m.accuracy)});
  figures.add({"precision", text(m.precision)});
  figures.add({"recall", text(m.recall)});
  figures.add({"F1", text(m.f1)});
  figures.add({"ROC-AUC", text(m.roc_auc)});
  figures.add({"best F1", text(m.best_f1) + " at threshold " + text(m.best_f1_threshold)});
  if (s) {
    figures.add({"mean IoU", text(s->mean_iou) + " (" + std::to_string(s->images) + " images with mask truth)"});
    figures.add({"mean Dice", text(s->mean_dice)});
    figures.add({"pixel IoU", text(s->pixel_iou)});
    figures.add({"pixel Dice", text(s->pixel_dice)});
  }
  figures.print(stdout, "  ");
  for (const std::string& f : r.failures) std::printf("  failed: %s\n", f.c_str());
}

void eval_command(const EvalOptions& options) {
  if (options.folder.empty() == options.manifest.empty()) {
    throw Error(ErrorCode::InvalidArgument,
                "give either a folder (normal/, anomaly/) or --manifest, not both or neither");
  }
  if (!options.root.empty() && options.manifest.empty()) {
    throw Error(ErrorCode::InvalidArgument, "--root maps s3:// references of a --manifest; there is none");
  }
  std::optional<fs::path> root;
  if (!options.root.empty()) root = options.root;
  const std::vector<DatasetEntry> entries =
      options.manifest.empty() ? read_labelled_folder(options.folder) : read_manifest(options.manifest, root);
  if (entries.empty()) throw Error(ErrorCode::InvalidArgument, "the data set holds no images");
  for (const DatasetEntry& e : entries) {
    if (!e.is_anomaly) {
      throw Error(ErrorCode::InvalidArgument, options.manifest + ": " + where(e) +
                                                  " has no label (an attribute X with \"X-metadata\" holding "
                                                  "\"class-name\" normal or anomaly)");
    }
  }

  SessionOptions session_options;
  session_options.threads = options.threads;
  session_options.backend = options.backend;
  std::optional<float> threshold;
  if (options.threshold >= 0.0) threshold = static_cast<float>(options.threshold);
  Predictor predictor(options.model, session_options, threshold);
  const double used_threshold = predictor.info().threshold;

  const EvalResults r = evaluate(predictor, entries);
  if (r.scores.empty()) {
    throw Error(r.first_failure->code(), "no image could be evaluated; first: " + std::string(r.first_failure->what()));
  }
  const auto truth = std::make_unique<bool[]>(r.truth.size());
  for (std::size_t i = 0; i < r.truth.size(); ++i) truth[i] = r.truth[i];
  const ClassificationMetrics m =
      classification_metrics(r.scores, std::span<const bool>(truth.get(), r.truth.size()), used_threshold);
  std::optional<SegmentationMetrics> s;
  if (!r.masks.empty()) s = segmentation_metrics(r.masks);

  if (options.json) {
    std::printf("%s\n", to_json(m, s, r, used_threshold).dump(2).c_str());
  } else {
    print_text(m, s, r, used_threshold);
  }
  if (!options.roc_svg.empty()) {
    std::ofstream svg(options.roc_svg, std::ios::binary);
    svg << roc_curve_svg(m.roc, m.roc_auc, used_threshold, "ROC: " + fs::path(options.model).filename().string());
    if (!svg) throw Error(ErrorCode::Io, "cannot write '" + options.roc_svg + "'");
  }
  if (r.first_failure) {
    throw Error(r.first_failure->code(), std::to_string(r.failures.size()) + " of " + std::to_string(entries.size()) +
                                             " images failed; first: " + r.first_failure->what());
  }
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand(
      "eval",
      "Evaluate a model on a labelled data set (a Ground Truth / Lookout for Vision manifest, or a folder with "
      "normal/ and anomaly/ and optional masks/<stem>.png): confusion matrix, accuracy, precision, recall, F1, "
      "ROC-AUC, the best-F1 threshold, and for segmentation models with mask truth mean IoU and Dice");
  cmd->add_option("model", options->model, "Model file (.tsr)")->required();
  cmd->add_option("folder", options->folder, "Folder with normal/ and anomaly/ image subfolders (and optional masks/)");
  cmd->add_option("--manifest", options->manifest, "Labelled manifest (JSON Lines, SageMaker Ground Truth format)");
  cmd->add_option("--root", options->root,
                  "Folder that s3://bucket/key references in the manifest map to (DIR/bucket/key)");
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  cmd->add_option("--roc", options->roc_svg, "Write the ROC curve as an SVG image");
  cmd->add_option("--threshold", options->threshold, "Anomaly threshold instead of the model's own")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--threads", options->threads, "Worker threads")->check(CLI::PositiveNumber);
  cmd->add_option("--backend", options->backend, "Backend: ref (scalar oracle) or auto (best for this machine)")
      ->capture_default_str();
  cmd->callback([options] { eval_command(*options); });
}

}  // namespace tarsier::cli
