// `tarsier bench --e2e`, `--threads-sweep` and `--histogram` through the real binary, and
// the thread-list parser directly. Times are checked for structure and sanity (positive,
// ordered percentiles, stages adding up), never against each other across runs: a loaded
// machine makes any such comparison flaky.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tarsier/error.hpp>

#include "bench/bench_cli.hpp"
#include "bench/bench_model.hpp"
#include "bench_runner.hpp"
#include "format/tsr.hpp"
#include "image/jpeg_builder.hpp"
#include "image/png_encode.hpp"
#include "process_run.hpp"

namespace tarsier::test {
namespace {

std::string gradient_jpeg(const TempDir& dir, int width, int height) {
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * height * 3);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>((i * 7) % 251);
  const std::vector<std::uint8_t> jpeg = build_jpeg(width, height, 3, pixels);
  const auto path = dir.path("part.jpg");
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(jpeg.data()), static_cast<std::streamsize>(jpeg.size()));
  return path.string();
}

void write_text(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

void expect_ordered_latency(const nlohmann::json& j, int runs) {
  EXPECT_EQ(j["runs"], runs);
  const double min = j["min_ms"], p50 = j["p50_ms"], p90 = j["p90_ms"], p99 = j["p99_ms"], max = j["max_ms"];
  const double mean = j["mean_ms"];
  EXPECT_GE(min, 0.0);
  EXPECT_LE(min, p50);
  EXPECT_LE(p50, p90);
  EXPECT_LE(p90, p99);
  EXPECT_LE(p99, max);
  EXPECT_LE(min, mean);
  EXPECT_LE(mean, max);
  EXPECT_GE(j["stddev_ms"].get<double>(), 0.0);
}

TEST(BenchE2e, JsonReportsPipelineAndStagesAlongsideComputeOnly) {
  TempDir dir;
  const std::string model = save_bench_model(dir).string();
  const std::string image = gradient_jpeg(dir, 40, 30);
  const BenchResult r = run_bench_cli(dir, {model, "--runs", "5", "--warmup", "1", "--e2e", image, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  // The compute-only figures are still the top-level ones bench/compare reads.
  for (const char* key : {"p50_ms", "p90_ms", "p99_ms", "mean_ms", "min_ms", "load_ms", "samples_ms"})
    EXPECT_TRUE(j.contains(key)) << key;
  expect_ordered_latency(j, 5);

  ASSERT_TRUE(j.contains("e2e"));
  const auto& e = j["e2e"];
  EXPECT_EQ(e["image"], image);
  EXPECT_EQ(e["format"], "JPEG");
  EXPECT_EQ(e["width"], 40);
  EXPECT_EQ(e["height"], 30);
  EXPECT_EQ(e["channels"], 3);
  EXPECT_GT(e["image_bytes"].get<double>(), 0.0);
  expect_ordered_latency(e, 5);
  ASSERT_EQ(e["samples_ms"].size(), 5u);
  for (const auto& v : e["samples_ms"]) EXPECT_GT(v.get<double>(), 0.0);
  EXPECT_NEAR(e["throughput_per_s"].get<double>(), 1000.0 / e["mean_ms"].get<double>(), 1e-6);

  // Each timed iteration is split into exactly these stages, so their means add up to the
  // pipeline's mean and their shares to one.
  double share = 0, mean = 0;
  for (const char* stage : {"decode", "preprocess", "inference"}) {
    SCOPED_TRACE(stage);
    ASSERT_TRUE(e["stages"].contains(stage));
    expect_ordered_latency(e["stages"][stage], 5);
    share += e["stages"][stage]["share"].get<double>();
    mean += e["stages"][stage]["mean_ms"].get<double>();
  }
  EXPECT_NEAR(share, 1.0, 1e-9);
  EXPECT_NEAR(mean, e["mean_ms"].get<double>(), 1e-9 * mean + 1e-12);
  EXPECT_GT(e["stages"]["inference"]["mean_ms"].get<double>(), 0.0);
  EXPECT_FALSE(j.contains("sweep"));
}

TEST(BenchE2e, GrayPngFeedsAnRgbModel) {
  TempDir dir;
  const std::string model = save_bench_model(dir).string();
  Image gray(20, 24, 1);
  for (std::size_t i = 0; i < gray.pixels.size(); ++i) gray.pixels[i] = static_cast<std::uint8_t>(i);
  const auto png = dir.path("gray.png");
  write_png(gray, png);
  const BenchResult r = run_bench_cli(dir, {model, "--runs", "2", "--e2e", png.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto e = nlohmann::json::parse(r.out)["e2e"];
  EXPECT_EQ(e["format"], "PNG");
  EXPECT_EQ(e["width"], 20);
  EXPECT_EQ(e["height"], 24);
  EXPECT_EQ(e["channels"], 1);
  EXPECT_EQ(e["samples_ms"].size(), 2u);
}

TEST(BenchE2e, TextShowsStagesAndShares) {
  TempDir dir;
  const std::string model = save_bench_model(dir).string();
  const BenchResult r = run_bench_cli(dir, {model, "--runs", "2", "--e2e", gradient_jpeg(dir, 16, 16)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* word : {"end to end", "decode", "preprocess", "inference", "share", "images/s", "JPEG, 16x16"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r.out;
}

TEST(BenchSweep, OneRowPerThreadCountInOrder) {
  TempDir dir;
  const std::string model = save_bench_model(dir).string();
  const BenchResult r = run_bench_cli(dir, {model, "--runs", "3", "--threads-sweep", "2,1,2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("sweep"));
  ASSERT_EQ(j["sweep"].size(), 3u);
  const std::vector<int> expected = {2, 1, 2};
  const double first_p50 = j["sweep"][0]["p50_ms"];
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    const auto& row = j["sweep"][i];
    EXPECT_EQ(row["threads"], expected[i]);
    expect_ordered_latency(row, 3);
    EXPECT_GE(row["load_ms"].get<double>(), 0.0);
    EXPECT_GT(row["first_run_ms"].get<double>(), 0.0);
    const double p50 = row["p50_ms"];
    ASSERT_GT(p50, 0.0);
    EXPECT_NEAR(row["speedup_p50"].get<double>(), first_p50 / p50, 1e-9);
    EXPECT_NEAR(row["throughput_per_s"].get<double>(), 1000.0 / row["mean_ms"].get<double>(), 1e-6);
  }
  EXPECT_DOUBLE_EQ(j["sweep"][0]["speedup_p50"].get<double>(), 1.0);
  EXPECT_EQ(j["threads"], 1);  // the main report keeps --threads
  EXPECT_FALSE(j.contains("e2e"));
}

TEST(BenchSweep, TextTableHasARowPerCount) {
  TempDir dir;
  const std::string model = save_bench_model(dir).string();
  const BenchResult r = run_bench_cli(dir, {model, "--runs", "2", "--threads-sweep", "1,2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::size_t at = r.out.find("thread sweep");
  ASSERT_NE(at, std::string::npos) << r.out;
  // Header line, then one line per thread count.
  std::size_t lines = 0;
  for (std::size_t i = r.out.find('\n', at) + 1; i < r.out.size() && r.out[i] != '\n'; i = r.out.find('\n', i) + 1) {
    ++lines;
  }
  EXPECT_EQ(lines, 3u) << r.out.substr(at);
  EXPECT_NE(r.out.find("speedup"), std::string::npos);
}

TEST(BenchHistogram, WritesAnSvgOfTheTimedRuns) {
  TempDir dir;
  const std::string model = save_bench_model(dir).string();
  const std::string svg = dir.path("latency.svg").string();
  const BenchResult r = run_bench_cli(dir, {model, "--runs", "7", "--histogram", svg, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["histogram_svg"], svg);
  const std::string text = read_text_file(svg);
  EXPECT_EQ(text.rfind("<?xml", 0), 0u);
  EXPECT_NE(text.find("<svg"), std::string::npos);
  EXPECT_NE(text.find("</svg>"), std::string::npos);
  EXPECT_NE(text.find("bench-tiny: 7 timed runs"), std::string::npos);
  for (const char* mark : {"class=\"p50\"", "class=\"p90\"", "class=\"p99\"", "class=\"bar\""})
    EXPECT_NE(text.find(mark), std::string::npos) << mark;

  const BenchResult human = run_bench_cli(dir, {model, "--runs", "2", "--histogram", svg});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("histogram   " + svg), std::string::npos) << human.out;
}

Model two_input_model() {
  GraphBuilder b(5);
  const auto x = b.input("a", {1, 3, 8, 8});
  const auto y = b.input("b", {1, 3, 8, 8});
  b.output(b.add(x, y));
  return b.model();
}

TEST(BenchOptionsCli, BadValuesFailCleanly) {
  TempDir dir;
  const std::string model = save_bench_model(dir).string();
  const std::string not_an_image = dir.path("notes.jpg").string();
  write_text(not_an_image, "these are words, not pixels");
  const std::string broken_jpeg = dir.path("broken.jpg").string();
  write_text(broken_jpeg, std::string("\xFF\xD8\xFF\xE0", 4) + "truncated");
  const auto two_inputs = dir.path("two_inputs.tsr");
  save_tsr(two_input_model(), two_inputs);
  const std::string image = gradient_jpeg(dir, 16, 16);

  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string mention;
  };
  const std::vector<Case> cases{
      {{model, "--threads-sweep", "0"}, 3, "--threads-sweep"},
      {{model, "--threads-sweep", "1,x"}, 3, "--threads-sweep"},
      {{model, "--threads-sweep", "1,,2"}, 3, "--threads-sweep"},
      {{model, "--threads-sweep", "-2"}, 3, "--threads-sweep"},
      {{model, "--threads-sweep", "2,"}, 3, "--threads-sweep"},
      {{model, "--histogram", dir.path("latency.png").string()}, 3, ".svg"},
      {{model, "--histogram", dir.path("missing_dir/latency.svg").string()}, 6, "missing_dir"},
      {{model, "--e2e", dir.path("absent.jpg").string()}, 6, "absent.jpg"},
      {{model, "--e2e", not_an_image}, 7, "notes.jpg"},
      {{model, "--e2e", broken_jpeg}, 7, "broken.jpg"},
      {{two_inputs.string(), "--e2e", image}, 5, "one image input"},
  };
  for (const Case& c : cases) {
    const BenchResult r = run_bench_cli(dir, c.args);
    SCOPED_TRACE(c.args[1] + " " + c.args[2]);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_EQ(r.err.rfind("tarsier: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(c.mention), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

}  // namespace
}  // namespace tarsier::test

namespace tarsier::cli {
namespace {

TEST(ThreadList, ParsesCommaSeparatedCounts) {
  EXPECT_EQ(parse_thread_list("1"), std::vector<int>{1});
  EXPECT_EQ(parse_thread_list("1,2,4"), (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(parse_thread_list("8,1"), (std::vector<int>{8, 1}));
}

TEST(ThreadList, RejectsAnythingElse) {
  for (const char* bad : {"", ",", "0", "1,0", "a", "1;2", "1,,2", "2,", " 1", "1.5", "-1", "99999999999"}) {
    SCOPED_TRACE(bad);
    try {
      parse_thread_list(bad);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(std::string(e.what()).find("--threads-sweep"), std::string::npos) << e.what();
    }
  }
}

TEST(ThreadList, ValidateChecksSweepCounts) {
  BenchOptions options;
  options.model = "m.tsr";
  options.threads_sweep = {1, 0};
  EXPECT_THROW(validate(options), Error);
}

}  // namespace
}  // namespace tarsier::cli
