#pragma once
// Small self-contained SVG charts the CLI writes next to its numbers (no
// plotting library): a latency histogram for `tarsier bench` and an ROC curve
// for `tarsier eval`.
#include <span>
#include <string>

#include "eval_metrics.hpp"

namespace tarsier::cli {

// Histogram of latencies in milliseconds, with p50/p90/p99 marked (the same
// percentile definition as bench_stats). `title` is escaped. A single sample or
// all-equal samples get an axis widened around the value. Throws
// Error(InvalidArgument) for no samples or a non-finite one.
std::string latency_histogram_svg(std::span<const double> samples_ms,
                                  const std::string &title);

// ROC curve with the diagonal, the AUC in the legend ("n/a" when NaN) and the
// point of the given threshold marked: the point with the lowest threshold that
// is >= it (that point classifies exactly like the threshold). `roc` as
// classification_metrics returns it; empty (one class absent) draws the axes
// and a note instead of a curve. Throws Error(InvalidArgument) for rates
// outside [0, 1].
std::string roc_curve_svg(std::span<const RocPoint> roc, double auc,
                          double marked_threshold, const std::string &title);

} // namespace tarsier::cli
