// The real `tarsier bench` binary: JSON fields present and consistent, text output,
// bad arguments rejected with tools/main.cpp's clean error exit.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_cli.hpp"
#include "bench/bench_model.hpp"

namespace tarsier::test {
namespace {

using Result = BenchResult;

Result bench(const TempDir& dir, const std::vector<std::string>& args) { return run_bench_cli(dir, args); }

TEST(BenchCli, JsonHasEveryFieldAndConsistentOrder) {
  TempDir dir;
  const std::string model = save_bench_model(dir).string();
  const Result r = bench(dir, {model, "--runs", "9", "--warmup", "1", "--threads", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);  // exactly one JSON object on stdout
  ASSERT_TRUE(j.is_object());
  for (const char* key : {"p50_ms", "p90_ms", "p99_ms", "mean_ms", "min_ms", "max_ms", "stddev_ms", "load_ms",
                          "first_run_ms", "runs", "threads", "backend", "peak_rss_mb", "arena_bytes", "weight_bytes",
                          "model", "cpu", "isa", "governor", "affinity", "throughput_per_s", "layers", "samples_ms"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["model"], "bench-tiny");
  EXPECT_EQ(j["runs"], 9);
  EXPECT_EQ(j["threads"], 2);
  EXPECT_EQ(j["samples_ms"].size(), 9u);
  const double min = j["min_ms"], p50 = j["p50_ms"], p90 = j["p90_ms"], p99 = j["p99_ms"], max = j["max_ms"];
  const double mean = j["mean_ms"];
  EXPECT_LE(min, p50);
  EXPECT_LE(p50, p90);
  EXPECT_LE(p90, p99);
  EXPECT_LE(p99, max);
  EXPECT_LE(min, mean);
  EXPECT_LE(mean, max);
  EXPECT_GE(j["stddev_ms"].get<double>(), 0.0);
  EXPECT_GE(j["load_ms"].get<double>(), 0.0);
  EXPECT_GT(j["peak_rss_mb"].get<double>(), 0.0);
  EXPECT_GT(j["arena_bytes"].get<double>(), 0.0);
  // Samples are the raw runs: their extremes are min and max.
  double lo = 1e300, hi = -1;
  for (const auto& v : j["samples_ms"]) {
    lo = std::min(lo, v.get<double>());
    hi = std::max(hi, v.get<double>());
  }
  EXPECT_DOUBLE_EQ(lo, min);
  EXPECT_DOUBLE_EQ(hi, max);
  ASSERT_FALSE(j["layers"].empty());
  for (const auto& layer : j["layers"]) {
    EXPECT_FALSE(layer["kernel"].get<std::string>().empty());
    EXPECT_FALSE(layer.contains("ms"));  // no --profile
  }
  EXPECT_EQ(j["profiled"], false);
}

TEST(BenchCli, ProfileSharesSumToOne) {
  TempDir dir;
  const std::string model = save_bench_model(dir).string();
  const Result r = bench(dir, {model, "--runs", "3", "--profile", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["profiled"], true);
  EXPECT_EQ(j["profile_runs"], 3);
  double share = 0, ms = 0;
  for (const auto& layer : j["layers"]) {
    ASSERT_TRUE(layer.contains("ms"));
    EXPECT_GE(layer["gflops_per_s"].get<double>(), 0.0);
    share += layer["share"].get<double>();
    ms += layer["ms"].get<double>();
  }
  EXPECT_NEAR(ms, j["profile_total_ms"].get<double>(), 1e-9);
  if (ms > 0) {
    EXPECT_NEAR(share, 1.0, 1e-9);
  }
}

TEST(BenchCli, TextReportNamesTheFigures) {
  TempDir dir;
  const std::string model = save_bench_model(dir).string();
  const Result r = bench(dir, {model, "--runs", "2", "--profile"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* word : {"bench-tiny", "load", "first run", "p50", "p99", "stddev", "throughput", "peak RSS",
                           "governor", "affinity", "per-layer profile", "share", "GFLOP/s", "by kernel"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r.out;
}

TEST(BenchCli, BadArgumentsFailCleanly) {
  TempDir dir;
  const std::string model = save_bench_model(dir).string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{model, "--runs", "0"}, "--runs"},
      {{model, "--threads", "0"}, "--threads"},
      {{model, "--warmup", "-1"}, "--warmup"},
      {{model, "--backend", "nonsense"}, "nonsense"},
  };
  for (const auto& [args, mention] : cases) {
    const Result r = bench(dir, args);
    SCOPED_TRACE(mention);
    EXPECT_EQ(r.exit_code, 3) << r.err;  // 2 + ErrorCode::InvalidArgument
    EXPECT_EQ(r.err.rfind("tarsier: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(mention), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  const Result missing = bench(dir, {dir.path("absent.tsr").string()});
  EXPECT_GE(missing.exit_code, 3);
  EXPECT_EQ(missing.err.rfind("tarsier: error: ", 0), 0u) << missing.err;
  const Result no_number = bench(dir, {model, "--runs", "many"});
  EXPECT_NE(no_number.exit_code, 0);
}

}  // namespace
}  // namespace tarsier::test
