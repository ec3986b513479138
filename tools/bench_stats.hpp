#pragma once
// Latency statistics of a set of timed runs.
#include <cstddef>
#include <span>

namespace tarsier::cli {

struct LatencyStats {
  std::size_t runs = 0;
  double min_ms = 0, mean_ms = 0, p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  double stddev_ms = 0;  // sample standard deviation (n - 1); 0 for a single run
};

// Percentile p (0..100) of `sorted` (ascending, non-empty), interpolating linearly
// between the two nearest ranks (numpy's default), so p50 of {1, 2} is 1.5.
double percentile(std::span<const double> sorted, double p);

// Throws Error(InvalidArgument) for no samples.
LatencyStats summarize(std::span<const double> samples_ms);

}  // namespace tarsier::cli
