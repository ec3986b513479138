#pragma once
// `tarsier bench` without the command line: load a model, time its runs, profile layers.
// Kept free of CLI11 and printing so tests and other tools can call it.
#include <cstdint>
#include <string>
#include <vector>

#include <tarsier/session.hpp>

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
  int profile_runs = 0;  // profiled runs; 0 = min(runs, 10)
};

// Throws Error(InvalidArgument) naming the bad option.
void validate(const BenchOptions& options);

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
  std::size_t model_weight_bytes = 0;     // the model's constants as fp32
  std::size_t peak_activation_bytes = 0;  // largest set of activations live at once
  // (arena + kept weights) / (model weights + peak activations): 1 = no overhead.
  double memory_overhead() const {
    const double need = static_cast<double>(model_weight_bytes + peak_activation_bytes);
    return need > 0 ? static_cast<double>(arena_bytes + weight_bytes) / need : 0.0;
  }
  double rss_after_load_mb = 0;
  double peak_rss_mb = 0;
  std::int64_t total_flops = 0;
  bool profiled = false;
  int profile_runs = 0;
  std::vector<LayerTiming> layers;
  SystemInfo system;
};

BenchReport run_bench(const BenchOptions& options);

// The same fixed pseudo-random pattern in [-1, 1) for every benchmark run, so two
// engines (and two days) see the same input.
void fill_pattern(std::span<float> data, std::uint32_t seed);

}  // namespace tarsier::cli
