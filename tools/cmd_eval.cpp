// `tarsier eval model.tsr --manifest F` / `tarsier eval model.tsr DIR`: every labelled image
// through the model, then the accuracy figures of tools/eval_metrics.hpp.
#include <algorithm>
#include <cctype>
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
  // Per anomaly class of the model (by name), from images whose mask has a colour map
  // naming that class; in the order the classes were first met.
  std::vector<std::pair<std::string, std::vector<MaskAgreement>>> per_class;
  std::vector<std::string> failures;  // "source-ref: message"
  std::optional<Error> first_failure;
};

std::string where(const DatasetEntry& e) {
  return e.line > 0 ? "line " + std::to_string(e.line) + " ('" + e.source_ref + "')" : "'" + e.source_ref + "'";
}

struct ImageMasks {
  MaskAgreement anomaly;                                       // any anomaly class vs any
  std::vector<std::pair<std::string, MaskAgreement>> classes;  // model class name -> agreement
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Each model anomaly class against the truth class of the same name (case-insensitive).
std::vector<std::pair<std::string, MaskAgreement>> class_agreements(const SegmentationVerdict& verdict,
                                                                    const ClassMap& predicted, const BinaryMask& truth,
                                                                    const std::vector<MaskClass>& truth_classes) {
  std::vector<std::pair<std::string, MaskAgreement>> out;
  if (truth.classes.empty()) return out;
  for (std::size_t k = 1; k < verdict.class_names.size(); ++k) {
    for (std::size_t t = 1; t < truth_classes.size(); ++t) {
      if (lower(truth_classes[t].name) != lower(verdict.class_names[k])) continue;
      std::vector<std::uint8_t> p(predicted.classes.size()), q(truth.classes.size());
      for (std::size_t i = 0; i < p.size(); ++i) p[i] = predicted.classes[i] == k;
      for (std::size_t i = 0; i < q.size(); ++i) q[i] = truth.classes[i] == t;
      out.emplace_back(verdict.class_names[k], compare_masks(p, q));
      break;
    }
  }
  return out;
}

// The predicted and true anomaly masks of one image, at the image's size. Anomalous images
// without a mask have no pixel truth and are left out of the mask figures.
std::optional<ImageMasks> mask_agreement(const DatasetEntry& entry, const Prediction& prediction,
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
    truth = {
        image.width, image.height, std::vector<std::uint8_t>(static_cast<std::size_t>(image.width) * image.height), {}};
  } else {
    return std::nullopt;
  }
  const ClassMap predicted = prediction.class_map(info);
  return ImageMasks{compare_masks(predicted.classes, truth.anomaly),
                    class_agreements(*prediction.segmentation, predicted, truth, entry.mask_classes)};
}

EvalResults evaluate(Predictor& predictor, const std::vector<DatasetEntry>& entries) {
  EvalResults r;
  ProgressBar progress(entries.size());
  for (const DatasetEntry& entry : entries) {
    try {
      const Prediction prediction = predictor.predict(entry.image);
      const std::optional<ImageMasks> masks = mask_agreement(entry, prediction, predictor.info());
      r.scores.push_back(prediction.anomaly_score());
      r.truth.push_back(*entry.is_anomaly);
      if (masks) {
        r.masks.push_back(masks->anomaly);
        for (const auto& [name, agreement] : masks->classes) {
          auto it =
              std::find_if(r.per_class.begin(), r.per_class.end(), [&](const auto& c) { return c.first == name; });
          if (it == r.per_class.end()) it = r.per_class.insert(r.per_class.end(), {name, {}});
          it->second.push_back(agreement);
        }
      }
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
    nlohmann::ordered_json per_class = nlohmann::ordered_json::array();
    for (const auto& [name, agreements] : r.per_class) {
      const SegmentationMetrics c = segmentation_metrics(agreements);
      per_class.push_back({{"Name", name},
                           {"Images", c.images},
                           {"MeanIoU", number(c.mean_iou)},
                           {"MeanDice", number(c.mean_dice)},
                           {"PixelIoU", number(c.pixel_iou)},
                           {"PixelDice", number(c.pixel_dice)}});
    }
    j["Segmentation"]["PerClass"] = per_class;
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
    for (const auto& [name, agreements] : r.per_class) {
      const SegmentationMetrics c = segmentation_metrics(agreements);
      figures.add({name, "pixel IoU " + text(c.pixel_iou) + ", pixel Dice " + text(c.pixel_dice) + ", mean IoU " +
                             text(c.mean_iou) + " (" + std::to_string(c.images) + " images)"});
    }
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
