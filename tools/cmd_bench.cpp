// `tarsier bench model.tsr`: load time, first run, timed runs, per-layer profile,
// end-to-end pipeline, thread sweep, latency histogram.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <tarsier/error.hpp>

#include "bench_json.hpp"
#include "bench_runner.hpp"
#include "commands.hpp"
#include "core/tensor.hpp"
#include "svg_chart.hpp"
#include "text_table.hpp"

namespace tarsier::cli {
namespace {

std::string fixed(double value, int decimals = 3) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : " ") + item;
  return s;
}

void print_profile(const BenchReport& r) {
  double total = 0;
  for (const auto& l : r.layers) total += l.ms;
  std::printf("\nper-layer profile (median of %d profiled runs; sum %s ms)\n", r.profile_runs, fixed(total).c_str());
  TextTable table;
  table.add({"#", "name", "op", "kernel", "output", "ms", "share", "GFLOP/s"});
  table.align_right({0, 5, 6, 7});
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const LayerTiming& l = r.layers[i];
    table.add({std::to_string(i), l.info.name, l.info.op, l.info.kernel, shape_to_string(l.info.output_shape),
               fixed(l.ms), fixed(total > 0 ? 100.0 * l.ms / total : 0.0, 1) + "%",
               fixed(gflops_per_s(l.info.flops, l.ms), 1)});
  }
  table.print(stdout, "  ");

  // Where the time goes by kernel: the first thing to look at when a model is slow.
  struct Sum {
    int count = 0;
    double ms = 0;
    std::int64_t flops = 0;
  };
  std::map<std::string, Sum> by_kernel;
  for (const auto& l : r.layers) {
    Sum& s = by_kernel[l.info.kernel];
    ++s.count;
    s.ms += l.ms;
    s.flops += l.info.flops;
  }
  std::printf("\nby kernel\n");
  TextTable kernels;
  kernels.add({"kernel", "layers", "ms", "share", "GFLOP/s"});
  kernels.align_right({1, 2, 3, 4});
  for (const auto& [name, s] : by_kernel)
    kernels.add({name, std::to_string(s.count), fixed(s.ms), fixed(total > 0 ? 100.0 * s.ms / total : 0.0, 1) + "%",
                 fixed(gflops_per_s(s.flops, s.ms), 1)});
  kernels.print(stdout, "  ");
}

std::vector<std::string> latency_cells(const LatencyStats& s) {
  return {fixed(s.min_ms), fixed(s.mean_ms), fixed(s.p50_ms),   fixed(s.p90_ms),
          fixed(s.p99_ms), fixed(s.max_ms),  fixed(s.stddev_ms)};
}

void print_e2e(const EndToEndReport& e) {
  std::printf("\nend to end: decode + preprocess + run, %s (%s, %dx%d, %d channel%s, %s)\n", e.image_path.c_str(),
              e.format.c_str(), e.width, e.height, e.channels, e.channels == 1 ? "" : "s",
              format_bytes(e.image_bytes).c_str());
  TextTable table;
  table.add({"ms", "min", "mean", "p50", "p90", "p99", "max", "stddev", "share"});
  const auto add = [&](const std::string& name, const LatencyStats& stats, const std::string& share) {
    std::vector<std::string> row{name};
    for (std::string& cell : latency_cells(stats)) row.push_back(std::move(cell));
    row.push_back(share);
    table.add(std::move(row));
  };
  add("e2e", e.stats, "");
  add("decode", e.decode.stats, fixed(100.0 * e.decode.share, 1) + "%");
  add("preprocess", e.preprocess.stats, fixed(100.0 * e.preprocess.share, 1) + "%");
  add("inference", e.inference.stats, fixed(100.0 * e.inference.share, 1) + "%");
  table.align_right({1, 2, 3, 4, 5, 6, 7, 8});
  table.print(stdout, "  ");
  std::printf("  throughput  %s images/s end to end (share: of the mean end-to-end time)\n",
              fixed(e.throughput_per_s, 2).c_str());
}

void print_sweep(const BenchReport& r) {
  std::printf("\nthread sweep (%zu timed runs each after %d warm-up, a fresh session per row)\n", r.stats.runs,
              r.warmup);
  TextTable table;
  table.add({"threads", "load ms", "first ms", "p50", "p90", "p99", "mean", "inferences/s", "speedup p50"});
  for (const SweepRow& row : r.sweep) {
    table.add({std::to_string(row.threads), fixed(row.load_ms), fixed(row.first_run_ms), fixed(row.stats.p50_ms),
               fixed(row.stats.p90_ms), fixed(row.stats.p99_ms), fixed(row.stats.mean_ms),
               fixed(row.throughput_per_s, 2), fixed(row.speedup_p50, 2) + "x"});
  }
  table.align_right({0, 1, 2, 3, 4, 5, 6, 7, 8});
  table.print(stdout, "  ");
}

void print_human(const BenchReport& r) {
  const SystemInfo& s = r.system;
  TextTable head;
  head.add({"model", r.model_name + " (" + r.model_path + ")"});
  for (const auto& in : r.inputs) head.add({"input", in.name + " " + shape_to_string(in.shape)});
  head.add({"backend", r.backend + ", " + std::to_string(r.threads) + (r.threads == 1 ? " thread" : " threads")});
  head.add({"cpu", s.cpu_model + (s.cpu_mhz > 0 ? " @ " + fixed(s.cpu_mhz, 0) + " MHz" : "")});
  head.add(
      {"isa", s.isa + " (" + join(s.isa_flags) + ")" + (s.isa_forced.empty() ? "" : ", TARSIER_ISA=" + s.isa_forced)});
  head.add({"governor", s.governor});
  head.add({"affinity", "cpus " + format_cpu_list(s.affinity) + " of " + std::to_string(s.online_cpus) + " online"});
  if (s.load_average >= 0)
    head.add({"load avg",
              fixed(s.load_average, 2) + (s.load_average > s.online_cpus ? " (busy machine: timings contended)" : "")});
  head.add({"load", fixed(r.load_ms) + " ms"});
  head.add({"first run", fixed(r.first_run_ms) + " ms"});
  head.add({"timed runs", std::to_string(r.stats.runs) + " (after " + std::to_string(r.warmup) + " warm-up)"});
  head.print(stdout, "  ");

  std::printf("\n");
  TextTable latency;
  latency.add({"ms", "min", "mean", "p50", "p90", "p99", "max", "stddev"});
  latency.add({"", fixed(r.stats.min_ms), fixed(r.stats.mean_ms), fixed(r.stats.p50_ms), fixed(r.stats.p90_ms),
               fixed(r.stats.p99_ms), fixed(r.stats.max_ms), fixed(r.stats.stddev_ms)});
  latency.align_right({1, 2, 3, 4, 5, 6, 7});
  latency.print(stdout, "  ");

  std::printf("\n");
  TextTable tail;
  tail.add({"throughput", fixed(r.throughput_per_s, 2) + " inferences/s (batch " + std::to_string(r.batch) + "), " +
                              fixed(gflops_per_s(r.total_flops, r.stats.p50_ms), 2) + " GFLOP/s at p50 (" +
                              fixed(static_cast<double>(r.total_flops) / 1e9, 2) + " GFLOP per run)"});
  tail.add({"memory", "arena " + format_bytes(r.arena_bytes) + ", weights " + format_bytes(r.weight_bytes) +
                          ", peak RSS " + fixed(r.peak_rss_mb, 1) + " MiB (" + fixed(r.rss_after_load_mb, 1) +
                          " MiB after load)"});
  tail.print(stdout, "  ");

  if (r.e2e) print_e2e(*r.e2e);
  if (!r.sweep.empty()) print_sweep(r);

  if (r.profiled) {
    print_profile(r);
  } else {
    std::map<std::string, int> kernels;
    for (const auto& l : r.layers) ++kernels[l.info.kernel];
    std::string list;
    for (const auto& [name, count] : kernels) list += (list.empty() ? "" : ", ") + name + " x" + std::to_string(count);
    // After the e2e and sweep tables this line needs its own paragraph.
    if (r.e2e || !r.sweep.empty()) std::printf("\n");
    std::printf("  kernels     %s\n  (--profile for per-layer times)\n", list.c_str());
  }
}

bool ends_with_svg(const std::string& path) {
  if (path.size() < 4) return false;
  std::string tail = path.substr(path.size() - 4);
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == ".svg";
}

// Opened before the benchmark runs, so a path that cannot be written fails in seconds, not
// after minutes of timing.
std::ofstream open_histogram(const std::string& path) {
  if (!ends_with_svg(path)) {
    throw Error(ErrorCode::InvalidArgument,
                "--histogram writes an SVG file: give a name ending in .svg (got '" + path + "')");
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(ErrorCode::Io, "--histogram: cannot write '" + path + "'");
  return out;
}

void write_histogram(std::ofstream& out, const std::string& path, const BenchReport& r) {
  const std::string title = r.model_name + ": " + std::to_string(r.stats.runs) + " timed runs, " + r.backend + ", " +
                            std::to_string(r.threads) + (r.threads == 1 ? " thread" : " threads");
  out << latency_histogram_svg(r.samples_ms, title);
  out.close();
  if (!out) throw Error(ErrorCode::Io, "--histogram: writing '" + path + "' failed");
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto options = std::make_shared<BenchOptions>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd =
      app.add_subcommand("bench", "Measure a model's latency: load, first run, p50/p90/p99, per-layer profile");
  cmd->add_option("model", options->model, "Model file (.tsr)")->required();
  cmd->add_option("-t,--threads", options->threads, "Threads for the session")->capture_default_str();
  cmd->add_option("-r,--runs", options->runs, "Timed runs")->capture_default_str();
  cmd->add_option("-w,--warmup", options->warmup, "Untimed runs after the first run")->capture_default_str();
  cmd->add_option("--backend", options->backend, "Backend: auto, ref, ...")->capture_default_str();
  cmd->add_flag("--profile", options->profile, "Time every layer (extra runs after the timed ones)");
  cmd->add_option("--profile-runs", options->profile_runs, "Profiled runs (default: min(runs, 10))");
  cmd->add_option("--e2e", options->e2e_image,
                  "Also time decode + preprocess + run of this JPEG/PNG image (end to end)");
  auto sweep = std::make_shared<std::string>();
  cmd->add_option("--threads-sweep", *sweep, "Also time a fresh session at each thread count, e.g. 1,2,4");
  auto histogram = std::make_shared<std::string>();
  cmd->add_option("--histogram", *histogram, "Write a latency histogram of the timed runs to this .svg file");
  cmd->add_flag("--json", *json, "Print one JSON object instead of text");
  cmd->callback([options, json, sweep, histogram] {
    if (!sweep->empty()) options->threads_sweep = parse_thread_list(*sweep);
    validate(*options);
    std::ofstream histogram_file;
    if (!histogram->empty()) histogram_file = open_histogram(*histogram);
    const BenchReport report = run_bench(*options);
    if (!histogram->empty()) write_histogram(histogram_file, *histogram, report);
    if (*json) {
      nlohmann::ordered_json j = to_json(report);
      if (!histogram->empty()) j["histogram_svg"] = *histogram;
      std::printf("%s\n", j.dump(2).c_str());
    } else {
      print_human(report);
      if (!histogram->empty()) std::printf("\n  histogram   %s\n", histogram->c_str());
    }
  });
}

}  // namespace tarsier::cli
