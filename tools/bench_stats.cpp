#include "bench_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <tarsier/error.hpp>

namespace tarsier::cli {

double percentile(std::span<const double> sorted, double p) {
  if (sorted.empty()) throw Error(ErrorCode::InvalidArgument, "percentile of an empty sample");
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(rank));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = rank - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

LatencyStats summarize(std::span<const double> samples_ms) {
  if (samples_ms.empty()) throw Error(ErrorCode::InvalidArgument, "no timed runs to summarize");
  std::vector<double> sorted(samples_ms.begin(), samples_ms.end());
  std::sort(sorted.begin(), sorted.end());
  LatencyStats s;
  s.runs = sorted.size();
  s.min_ms = sorted.front();
  s.max_ms = sorted.back();
  s.mean_ms = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
  s.p50_ms = percentile(sorted, 50);
  s.p90_ms = percentile(sorted, 90);
  s.p99_ms = percentile(sorted, 99);
  if (sorted.size() > 1) {
    double squares = 0;
    for (const double v : sorted) squares += (v - s.mean_ms) * (v - s.mean_ms);
    s.stddev_ms = std::sqrt(squares / static_cast<double>(sorted.size() - 1));
  }
  return s;
}

}  // namespace tarsier::cli
