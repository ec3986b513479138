#include "bench_runner.hpp"

#include <algorithm>
#include <chrono>

#include <tarsier/error.hpp>

namespace tarsier::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void require_at_least(const char* option, int value, int minimum) {
  if (value < minimum)
    throw Error(ErrorCode::InvalidArgument, std::string(option) + " must be at least " + std::to_string(minimum) +
                                                " (got " + std::to_string(value) + ")");
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return percentile(values, 50);
}

}  // namespace

void validate(const BenchOptions& options) {
  require_at_least("--threads", options.threads, 1);
  require_at_least("--runs", options.runs, 1);
  require_at_least("--warmup", options.warmup, 0);
  require_at_least("--profile-runs", options.profile_runs, 0);
  if (options.model.empty()) throw Error(ErrorCode::InvalidArgument, "no model file given");
}

void fill_pattern(std::span<float> data, std::uint32_t seed) {
  // xorshift32: tiny, fixed across platforms and standard libraries (std::mt19937's
  // distributions are not).
  std::uint32_t state = seed ? seed : 0x9E3779B9u;
  for (float& v : data) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    v = static_cast<float>(state >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
}

BenchReport run_bench(const BenchOptions& options) {
  validate(options);
  BenchReport r;
  r.model_path = options.model;
  r.threads = options.threads;
  r.warmup = options.warmup;
  r.system = probe_system();

  SessionOptions session_options;
  session_options.backend = options.backend;
  session_options.threads = options.threads;
  Session session(options.model, session_options);
  r.load_ms = session.load_ms();
  r.rss_after_load_mb = peak_rss_mb();
  r.model_name = session.info().name;
  r.backend = session.backend_name();
  r.inputs = session.inputs();
  if (!r.inputs.empty() && !r.inputs[0].shape.empty()) r.batch = std::max<std::int64_t>(1, r.inputs[0].shape[0]);
  for (std::size_t i = 0; i < r.inputs.size(); ++i)
    fill_pattern(session.input(i), 1234u + static_cast<std::uint32_t>(i));

  auto start = Clock::now();
  session.run();
  r.first_run_ms = ms_since(start);
  for (int i = 0; i < options.warmup; ++i) session.run();

  r.samples_ms.reserve(static_cast<std::size_t>(options.runs));
  for (int i = 0; i < options.runs; ++i) {
    start = Clock::now();
    session.run();
    r.samples_ms.push_back(ms_since(start));
  }
  r.stats = summarize(r.samples_ms);
  r.throughput_per_s = r.stats.mean_ms > 0 ? static_cast<double>(r.batch) * 1000.0 / r.stats.mean_ms : 0.0;

  const MemoryReport memory = session.memory();
  r.arena_bytes = memory.arena_bytes;
  r.weight_bytes = memory.weight_bytes;
  r.peak_live_bytes = memory.peak_live_bytes;
  r.model_weight_bytes = memory.model_weight_bytes;
  r.peak_activation_bytes = memory.peak_activation_bytes;

  const std::vector<LayerInfo> layers = session.layers();
  for (const LayerInfo& layer : layers) {
    r.total_flops += layer.flops;
    r.layers.push_back(LayerTiming{layer, 0.0});
  }
  if (options.profile) {
    // Profiled runs come after the timed ones: waiting on each layer would skew them.
    r.profiled = true;
    r.profile_runs = options.profile_runs > 0 ? options.profile_runs : std::min(options.runs, 10);
    std::vector<std::vector<double>> per_layer(layers.size());
    std::vector<double> one_run(layers.size());
    for (int run = 0; run < r.profile_runs; ++run) {
      session.run_profiled(one_run);
      for (std::size_t l = 0; l < layers.size(); ++l) per_layer[l].push_back(one_run[l]);
    }
    for (std::size_t l = 0; l < layers.size(); ++l) r.layers[l].ms = median(per_layer[l]);
  }
  r.peak_rss_mb = peak_rss_mb();
  return r;
}

}  // namespace tarsier::cli
