#include "bench_json.hpp"

namespace tarsier::cli {
namespace {

void put_latency(nlohmann::ordered_json& j, const LatencyStats& s) {
  j["runs"] = s.runs;
  j["min_ms"] = s.min_ms;
  j["mean_ms"] = s.mean_ms;
  j["p50_ms"] = s.p50_ms;
  j["p90_ms"] = s.p90_ms;
  j["p99_ms"] = s.p99_ms;
  j["max_ms"] = s.max_ms;
  j["stddev_ms"] = s.stddev_ms;
}

nlohmann::ordered_json stage_json(const StageTiming& stage) {
  nlohmann::ordered_json j;
  put_latency(j, stage.stats);
  j["share"] = stage.share;
  return j;
}

nlohmann::ordered_json e2e_json(const EndToEndReport& e) {
  nlohmann::ordered_json j;
  j["image"] = e.image_path;
  j["format"] = e.format;
  j["image_bytes"] = e.image_bytes;
  j["width"] = e.width;
  j["height"] = e.height;
  j["channels"] = e.channels;
  put_latency(j, e.stats);
  j["throughput_per_s"] = e.throughput_per_s;
  j["samples_ms"] = e.samples_ms;
  j["stages"] = {{"decode", stage_json(e.decode)},
                 {"preprocess", stage_json(e.preprocess)},
                 {"inference", stage_json(e.inference)}};
  return j;
}

nlohmann::ordered_json sweep_row_json(const SweepRow& row) {
  nlohmann::ordered_json j;
  j["threads"] = row.threads;
  j["load_ms"] = row.load_ms;
  j["first_run_ms"] = row.first_run_ms;
  put_latency(j, row.stats);
  j["throughput_per_s"] = row.throughput_per_s;
  j["speedup_p50"] = row.speedup_p50;
  return j;
}

}  // namespace

double gflops_per_s(std::int64_t flops, double ms) { return ms > 0 ? static_cast<double>(flops) / (ms * 1e6) : 0.0; }

nlohmann::ordered_json to_json(const BenchReport& r) {
  nlohmann::ordered_json j;
  j["engine"] = "tarsier";
  j["version"] = TARSIER_VERSION;
  j["model"] = r.model_name;
  j["model_path"] = r.model_path;
  j["backend"] = r.backend;
  j["threads"] = r.threads;
  j["inputs"] = nlohmann::ordered_json::array();
  for (const auto& in : r.inputs) j["inputs"].push_back({{"name", in.name}, {"shape", in.shape}});
  j["batch"] = r.batch;
  j["load_ms"] = r.load_ms;
  j["first_run_ms"] = r.first_run_ms;
  j["warmup"] = r.warmup;
  j["runs"] = r.stats.runs;
  j["min_ms"] = r.stats.min_ms;
  j["mean_ms"] = r.stats.mean_ms;
  j["p50_ms"] = r.stats.p50_ms;
  j["p90_ms"] = r.stats.p90_ms;
  j["p99_ms"] = r.stats.p99_ms;
  j["max_ms"] = r.stats.max_ms;
  j["stddev_ms"] = r.stats.stddev_ms;
  j["throughput_per_s"] = r.throughput_per_s;
  j["samples_ms"] = r.samples_ms;
  j["total_flops"] = r.total_flops;
  j["gflops_per_s_at_p50"] = gflops_per_s(r.total_flops, r.stats.p50_ms);
  j["arena_bytes"] = r.arena_bytes;
  j["weight_bytes"] = r.weight_bytes;
  j["peak_live_bytes"] = r.peak_live_bytes;
  j["rss_after_load_mb"] = r.rss_after_load_mb;
  j["peak_rss_mb"] = r.peak_rss_mb;
  const SystemInfo& s = r.system;
  j["cpu"] = s.cpu_model;
  j["isa"] = s.isa;
  j["isa_flags"] = s.isa_flags;
  j["isa_forced"] = s.isa_forced.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.isa_forced);
  j["governor"] = s.governor;
  j["cpu_mhz"] = s.cpu_mhz;
  j["online_cpus"] = s.online_cpus;
  j["affinity"] = format_cpu_list(s.affinity);
  j["load_average"] = s.load_average;
  j["profiled"] = r.profiled;
  if (r.profiled) j["profile_runs"] = r.profile_runs;

  double profiled_total = 0;
  for (const auto& l : r.layers) profiled_total += l.ms;
  j["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : r.layers) {
    nlohmann::ordered_json layer{{"name", l.info.name},
                                 {"op", l.info.op},
                                 {"kernel", l.info.kernel},
                                 {"output_shape", l.info.output_shape},
                                 {"flops", l.info.flops}};
    if (r.profiled) {
      layer["ms"] = l.ms;
      layer["share"] = profiled_total > 0 ? l.ms / profiled_total : 0.0;
      layer["gflops_per_s"] = gflops_per_s(l.info.flops, l.ms);
    }
    j["layers"].push_back(std::move(layer));
  }
  if (r.profiled) j["profile_total_ms"] = profiled_total;
  if (r.e2e) j["e2e"] = e2e_json(*r.e2e);
  if (!r.sweep.empty()) {
    j["sweep"] = nlohmann::ordered_json::array();
    for (const SweepRow& row : r.sweep) j["sweep"].push_back(sweep_row_json(row));
  }
  return j;
}

}  // namespace tarsier::cli
