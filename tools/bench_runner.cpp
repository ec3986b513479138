#include "bench_runner.hpp"

#include <algorithm>
#include <charconv>
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

SessionOptions session_options_for(const BenchOptions& options, int threads) {
  SessionOptions session_options;
  session_options.backend = options.backend;
  session_options.threads = threads;
  return session_options;
}

void fill_inputs(Session& session) {
  const std::size_t count = session.inputs().size();
  for (std::size_t i = 0; i < count; ++i) fill_pattern(session.input(i), 1234u + static_cast<std::uint32_t>(i));
}

struct TimedSeries {
  double first_run_ms = 0;
  std::vector<double> samples_ms;
};

// The first run, `warmup` untimed runs, then `runs` timed ones.
TimedSeries time_runs(Session& session, int warmup, int runs) {
  TimedSeries t;
  auto start = Clock::now();
  session.run();
  t.first_run_ms = ms_since(start);
  for (int i = 0; i < warmup; ++i) session.run();
  t.samples_ms.reserve(static_cast<std::size_t>(runs));
  for (int i = 0; i < runs; ++i) {
    start = Clock::now();
    session.run();
    t.samples_ms.push_back(ms_since(start));
  }
  return t;
}

double throughput(std::int64_t batch, const LatencyStats& stats) {
  return stats.mean_ms > 0 ? static_cast<double>(batch) * 1000.0 / stats.mean_ms : 0.0;
}

// Everything measured on the session of --threads, which is destroyed before a sweep
// loads its own sessions (two arenas at once would distort the sweep's memory and caches).
void measure_main_session(const BenchOptions& options, const std::optional<EncodedImage>& e2e_image, BenchReport& r) {
  Session session(options.model, session_options_for(options, options.threads));
  r.load_ms = session.load_ms();
  r.rss_after_load_mb = peak_rss_mb();
  r.model_name = session.info().name;
  r.backend = session.backend_name();
  r.inputs = session.inputs();
  if (!r.inputs.empty() && !r.inputs[0].shape.empty()) r.batch = std::max<std::int64_t>(1, r.inputs[0].shape[0]);

  // A bad image or a model it cannot feed fails now, not after the timed runs.
  std::optional<EndToEndPipeline> pipeline;
  if (e2e_image) pipeline.emplace(session, *e2e_image);

  fill_inputs(session);
  const TimedSeries series = time_runs(session, options.warmup, options.runs);
  r.first_run_ms = series.first_run_ms;
  r.samples_ms = series.samples_ms;
  r.stats = summarize(r.samples_ms);
  r.throughput_per_s = throughput(r.batch, r.stats);

  const MemoryReport memory = session.memory();
  r.arena_bytes = memory.arena_bytes;
  r.weight_bytes = memory.weight_bytes;
  r.peak_live_bytes = memory.peak_live_bytes;

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
  if (pipeline) r.e2e = pipeline->time(options.warmup, options.runs);
  r.peak_rss_mb = peak_rss_mb();
}

SweepRow measure_thread_count(const BenchOptions& options, int threads, std::int64_t batch) {
  Session session(options.model, session_options_for(options, threads));
  fill_inputs(session);
  const TimedSeries series = time_runs(session, options.warmup, options.runs);
  SweepRow row;
  row.threads = threads;
  row.load_ms = session.load_ms();
  row.first_run_ms = series.first_run_ms;
  row.stats = summarize(series.samples_ms);
  row.throughput_per_s = throughput(batch, row.stats);
  return row;
}

}  // namespace

void validate(const BenchOptions& options) {
  require_at_least("--threads", options.threads, 1);
  require_at_least("--runs", options.runs, 1);
  require_at_least("--warmup", options.warmup, 0);
  require_at_least("--profile-runs", options.profile_runs, 0);
  if (options.model.empty()) throw Error(ErrorCode::InvalidArgument, "no model file given");
  for (const int threads : options.threads_sweep) require_at_least("--threads-sweep", threads, 1);
}

std::vector<int> parse_thread_list(const std::string& text) {
  std::vector<int> threads;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    int value = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || value < 1) {
      throw Error(ErrorCode::InvalidArgument, "--threads-sweep: '" + item +
                                                  "' is not a thread count >= 1 (expected a list like 1,2,4; got '" +
                                                  text + "')");
    }
    threads.push_back(value);
    if (comma == text.size()) return threads;
    start = comma + 1;
  }
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
  // Read before loading the model: a missing or non-image file fails at once.
  std::optional<EncodedImage> e2e_image;
  if (!options.e2e_image.empty()) e2e_image = read_encoded_image(options.e2e_image);

  BenchReport r;
  r.model_path = options.model;
  r.threads = options.threads;
  r.warmup = options.warmup;
  r.system = probe_system();
  measure_main_session(options, e2e_image, r);

  for (const int threads : options.threads_sweep) {
    r.sweep.push_back(measure_thread_count(options, threads, r.batch));
    const double first_p50 = r.sweep.front().stats.p50_ms;
    r.sweep.back().speedup_p50 = r.sweep.back().stats.p50_ms > 0 ? first_p50 / r.sweep.back().stats.p50_ms : 0.0;
  }
  return r;
}

}  // namespace tarsier::cli
