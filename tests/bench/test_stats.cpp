#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include <tarsier/error.hpp>

#include "bench_runner.hpp"
#include "bench_stats.hpp"
#include "bench_system.hpp"

namespace tarsier::cli {
namespace {

TEST(BenchStats, PercentilesInterpolateBetweenRanks) {
  const std::vector<double> four{1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(percentile(four, 0), 1.0);
  EXPECT_DOUBLE_EQ(percentile(four, 100), 4.0);
  EXPECT_DOUBLE_EQ(percentile(four, 50), 2.5);
  EXPECT_DOUBLE_EQ(percentile(four, 90), 3.7);  // rank 0.9 * 3 = 2.7
  const std::vector<double> one{7};
  EXPECT_DOUBLE_EQ(percentile(one, 99), 7.0);
  EXPECT_THROW(percentile(std::vector<double>{}, 50), Error);
}

TEST(BenchStats, SummaryOfAKnownSample) {
  // Unsorted on purpose; mean 5, squared deviations sum to 32.
  const std::vector<double> samples{9, 2, 5, 4, 4, 7, 4, 5};
  const LatencyStats s = summarize(samples);
  EXPECT_EQ(s.runs, 8u);
  EXPECT_DOUBLE_EQ(s.min_ms, 2);
  EXPECT_DOUBLE_EQ(s.max_ms, 9);
  EXPECT_DOUBLE_EQ(s.mean_ms, 5);
  EXPECT_DOUBLE_EQ(s.p50_ms, 4.5);
  EXPECT_NEAR(s.stddev_ms, std::sqrt(32.0 / 7.0), 1e-12);
  EXPECT_NEAR(s.p99_ms, 7 + 2 * 0.93, 1e-12);  // rank 6.93 between 7 and 9
  EXPECT_THROW(summarize(std::vector<double>{}), Error);
}

TEST(BenchStats, OrderHoldsForAnySample) {
  std::vector<double> samples;
  unsigned state = 12345;
  for (int n = 1; n < 60; ++n) {
    state = state * 1103515245u + 12345u;
    samples.push_back(static_cast<double>(state % 1000) / 7.0);
    const LatencyStats s = summarize(samples);
    EXPECT_LE(s.min_ms, s.p50_ms);
    EXPECT_LE(s.p50_ms, s.p90_ms);
    EXPECT_LE(s.p90_ms, s.p99_ms);
    EXPECT_LE(s.p99_ms, s.max_ms);
    EXPECT_LE(s.min_ms, s.mean_ms);
    EXPECT_LE(s.mean_ms, s.max_ms);
    EXPECT_EQ(s.min_ms, *std::min_element(samples.begin(), samples.end()));
  }
}

TEST(BenchSystem, CpuListsCollapseRuns) {
  EXPECT_EQ(format_cpu_list({}), "");
  EXPECT_EQ(format_cpu_list({0}), "0");
  EXPECT_EQ(format_cpu_list({0, 1}), "0-1");
  EXPECT_EQ(format_cpu_list({0, 1, 2, 3, 6, 8, 9}), "0-3,6,8-9");
}

TEST(BenchSystem, ProbeDescribesThisProcess) {
  const SystemInfo s = probe_system();
  EXPECT_FALSE(s.cpu_model.empty());
  EXPECT_FALSE(s.isa.empty());
  EXPECT_FALSE(s.governor.empty());
  EXPECT_GE(s.online_cpus, 1);
  ASSERT_FALSE(s.affinity.empty());
  EXPECT_TRUE(std::is_sorted(s.affinity.begin(), s.affinity.end()));
  EXPECT_GT(peak_rss_mb(), 0.0);
}

TEST(BenchInput, PatternIsFixedBoundedAndVaried) {
  std::vector<float> a(1000), b(1000), c(1000);
  fill_pattern(a, 1);
  fill_pattern(b, 1);
  fill_pattern(c, 2);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::set<float> distinct(a.begin(), a.end());
  EXPECT_GT(distinct.size(), 900u);
  for (const float v : a) {
    EXPECT_GE(v, -1.0f);
    EXPECT_LT(v, 1.0f);
  }
  double mean = 0;
  for (const float v : a) mean += v;
  EXPECT_NEAR(mean / 1000.0, 0.0, 0.1);
}

TEST(BenchOptionsCheck, RejectsNonsense) {
  BenchOptions ok;
  ok.model = "m.tsr";
  EXPECT_NO_THROW(validate(ok));
  for (auto breaker : {+[](BenchOptions& o) { o.runs = 0; }, +[](BenchOptions& o) { o.threads = 0; },
                       +[](BenchOptions& o) { o.warmup = -1; }, +[](BenchOptions& o) { o.profile_runs = -2; },
                       +[](BenchOptions& o) { o.model.clear(); }}) {
    BenchOptions bad = ok;
    breaker(bad);
    try {
      validate(bad);
      ADD_FAILURE() << "accepted a bad option";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    }
  }
}

}  // namespace
}  // namespace tarsier::cli
