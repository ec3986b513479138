#pragma once
// `tarsier bench` without the command line: load a model, time its runs, profile layers,
// time the end-to-end pipeline, sweep thread counts. Kept free of CLI11 and printing so
// tests and other tools can call it.
#include <cstdint>
#include <optional>
#include <string>
#include <tarsier/session.hpp>
#include <vector>

#include "bench_e2e.hpp"
#include "bench_stats.hpp"
#include "bench_system.hpp"

namespace tarsier::cli {

struct BenchOptions {
  std::string model;
  std::string backend = "auto";
  int threads = 1;
  int runs = 20;
  int warmup = 2;
  bool profile = false;
  int profile_runs = 0;            // profiled runs; 0 = min(runs, 10)
  std::string e2e_image;           // also time decode + preprocess + run of this JPEG/PNG
  std::vector<int> threads_sweep;  // also time a fresh session at each of these thread counts
};

// Throws Error(InvalidArgument) naming the bad option.
void validate(const BenchOptions& options);

// "1,2,4" -> {1, 2, 4}; throws Error(InvalidArgument) naming --threads-sweep for anything
// but a comma-separated list of thread counts >= 1.
std::vector<int> parse_thread_list(const std::string& text);

// One thread count of a sweep: its own session, warm-up and timed runs.
struct SweepRow {
  int threads = 1;
  double load_ms = 0;
  double first_run_ms = 0;
  LatencyStats stats;
  double throughput_per_s = 0;
  double speedup_p50 = 0;  // p50 of the sweep's first row / this row's p50
};

struct LayerTiming {
  LayerInfo info;
  double ms = 0;  // median over the profiled runs (0 without --profile)
};

struct BenchReport {
  std::string model_path;
  std::string model_name;
  std::string backend;
  int threads = 1;
  int warmup = 0;
  std::int64_t batch = 1;  // first dimension of input 0
  std::vector<TensorShape> inputs;
  double load_ms = 0;              // Session construction: read, verify, passes, packing, planning
  double first_run_ms = 0;         // the first run() after load (cold caches, lazy work)
  std::vector<double> samples_ms;  // the timed runs, in order
  LatencyStats stats;
  double throughput_per_s = 0;  // batch * 1000 / mean_ms
  std::size_t arena_bytes = 0;
  std::size_t weight_bytes = 0;
  std::size_t peak_live_bytes = 0;
  double rss_after_load_mb = 0;
  double peak_rss_mb = 0;
  std::int64_t total_flops = 0;
  bool profiled = false;
  int profile_runs = 0;
  std::vector<LayerTiming> layers;
  std::optional<EndToEndReport> e2e;  // with --e2e
  std::vector<SweepRow> sweep;        // with --threads-sweep, in the order given
  SystemInfo system;
};

BenchReport run_bench(const BenchOptions& options);

// The same fixed pseudo-random pattern in [-1, 1) for every benchmark run, so two
// engines (and two days) see the same input.
void fill_pattern(std::span<float> data, std::uint32_t seed);

}  // namespace tarsier::cli
