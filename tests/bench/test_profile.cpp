#include <gtest/gtest.h>

#include <vector>

#include <tarsier/session.hpp>

#include "bench/bench_model.hpp"
#include "bench_runner.hpp"
#include "runtime/alloc_counter.hpp"

namespace tarsier::test {
namespace {

TEST(RunProfiled, TimesExecutedLayersAndMatchesRun) {
  TempDir dir;
  Session s(save_bench_model(dir));
  cli::fill_pattern(s.input(0), 5);
  s.run();
  const std::vector<float> plain(s.output(0).begin(), s.output(0).end());

  const auto layers = s.layers();
  std::vector<double> ms(layers.size(), -1.0);
  s.run_profiled(ms);
  const std::vector<float> profiled(s.output(0).begin(), s.output(0).end());
  EXPECT_EQ(plain, profiled);  // same kernels, same order: bit-identical

  int executed = 0, skipped = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    SCOPED_TRACE(layers[i].name + " " + layers[i].kernel);
    EXPECT_GE(ms[i], 0.0);
    if (layers[i].kernel == "alias" || layers[i].kernel == "concat.in_place") {
      EXPECT_EQ(ms[i], 0.0);
      ++skipped;
    } else {
      ++executed;
    }
  }
  EXPECT_GE(executed, 4);
  EXPECT_GE(skipped, 1);  // the reshape at least
}

TEST(RunProfiled, RejectsAWronglySizedSpan) {
  TempDir dir;
  Session s(save_bench_model(dir));
  std::vector<double> ms(s.layers().size() + 1);
  EXPECT_THROW(s.run_profiled(ms), Error);
  ms.resize(s.layers().size() - 1);
  EXPECT_THROW(s.run_profiled(ms), Error);
}

TEST(RunProfiled, AllocatesNothing) {
  TempDir dir;
  Session s(save_bench_model(dir));
  std::vector<double> ms(s.layers().size());
  s.run_profiled(ms);
  const std::size_t before = allocation_count();
  s.run_profiled(ms);
  EXPECT_EQ(allocation_count(), before);
}

TEST(RunBench, ReportIsConsistent) {
  TempDir dir;
  cli::BenchOptions options;
  options.model = save_bench_model(dir).string();
  options.runs = 7;
  options.warmup = 1;
  options.profile = true;
  const cli::BenchReport r = cli::run_bench(options);
  EXPECT_EQ(r.model_name, "bench-tiny");
  EXPECT_EQ(r.samples_ms.size(), 7u);
  EXPECT_EQ(r.stats.runs, 7u);
  EXPECT_EQ(r.profile_runs, 7);
  EXPECT_LE(r.stats.min_ms, r.stats.p50_ms);
  EXPECT_LE(r.stats.p99_ms, r.stats.max_ms);
  EXPECT_GT(r.arena_bytes, 0u);
  EXPECT_GT(r.weight_bytes, 0u);
  EXPECT_GE(r.peak_rss_mb, r.rss_after_load_mb);
  Session s(options.model);
  const auto layers = s.layers();
  ASSERT_EQ(r.layers.size(), layers.size());
  std::int64_t flops = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    EXPECT_EQ(r.layers[i].info.name, layers[i].name);
    EXPECT_EQ(r.layers[i].info.kernel, layers[i].kernel);
    flops += layers[i].flops;
  }
  EXPECT_EQ(r.total_flops, flops);
}

}  // namespace
}  // namespace tarsier::test
