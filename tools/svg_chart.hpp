#pragma once
// Small self-contained SVG charts the CLI writes next to its numbers (no
// plotting library): a latency histogram for `tarsier bench` and an ROC curve
// for `tarsier eval`.
#include <span>
#include <string>

#include "eval_metrics.hpp"

namespace tarsier::cli {

// Histogram of latencies in milliseconds, with p50/p90/p99 marked. `title` is
// escaped.
std::string latency_histogram_svg(std::span<const double> samples_ms,
                                  const std::string &title);

// ROC curve with the diagonal, the AUC in the legend and the point of the given
// threshold marked.
std::string roc_curve_svg(std::span<const RocPoint> roc, double auc,
                          double marked_threshold, const std::string &title);

} // namespace tarsier::cli
