#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "format/tsr.hpp"

namespace tarsier::test {
namespace {

class InspectTest : public ::testing::Test {
 protected:
  void SetUp() override { save_tsr(make_classifier(), model); }
  ScratchDir dir;
  std::string model = (dir / "classifier.tsr").string();
};

TEST_F(InspectTest, HumanSummary) {
  const CliResult r = run_cli({"inspect", model}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* expected : {"tiny-classifier", "classification", "normal, anomaly", "[1x3x4x4]", "logits [1x2]",
                               "verified (2 tensors)", "gap", "fc", "Gemm", "GFLOPs", "arena bytes", "weight bytes"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << "missing '" << expected << "' in:\n" << r.out;
  }
}

TEST_F(InspectTest, TensorTableOnRequest) {
  const CliResult r = run_cli({"inspect", model, "--tensors"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("fc.weight"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("crc32"), std::string::npos) << r.out;
}

TEST_F(InspectTest, JsonHasTheSameFacts) {
  const CliResult r = run_cli({"inspect", model, "--json"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["name"], "tiny-classifier");
  EXPECT_EQ(j["task"], "classification");
  EXPECT_EQ(j["labels"], (std::vector<std::string>{"normal", "anomaly"}));
  EXPECT_EQ(j["input"]["shape"], (std::vector<int>{1, 3, 4, 4}));
  EXPECT_EQ(j["input"]["layout"], "NCHW");
  EXPECT_EQ(j["outputs"][0]["shape"], (std::vector<int>{1, 2}));
  EXPECT_EQ(j["checksums"]["verified"], true);
  EXPECT_EQ(j["checksums"]["tensors"], 2);
  ASSERT_EQ(j["tensors"].size(), 2u);
  EXPECT_EQ(j["format"]["version"], "1.0");

  // Gemm [1x3] x [3x2]: 2 * 3 * 2 multiply-adds' FLOPs at least; the pool reads 48 values.
  std::int64_t sum = 0, params = 0;
  bool saw_fc = false;
  for (const auto& layer : j["layers"]) {
    sum += layer["flops"].get<std::int64_t>();
    params += layer["parameters"].get<std::int64_t>();
    if (layer["name"] == "fc") {
      saw_fc = true;
      EXPECT_GE(layer["flops"].get<std::int64_t>(), 12);
      EXPECT_EQ(layer["output_shape"], (std::vector<int>{1, 2}));
    }
  }
  EXPECT_TRUE(saw_fc);
  EXPECT_EQ(j["total_flops"].get<std::int64_t>(), sum);
  EXPECT_EQ(params, 8);  // 6 weights + 2 biases
  EXPECT_EQ(j["total_parameters"].get<std::int64_t>(), 8);
  EXPECT_GT(j["arena_bytes"].get<std::int64_t>(), 0);
}

TEST_F(InspectTest, DamagedOrMissingModelFails) {
  auto bytes = read_bytes(model);
  bytes.resize(bytes.size() - 5);
  write_bytes(dir / "cut.tsr", bytes);
  for (const std::string& path : std::vector<std::string>{(dir / "cut.tsr").string(), (dir / "missing.tsr").string()}) {
    const CliResult r = run_cli({"inspect", path}, dir);
    EXPECT_TRUE(failed_cleanly(r)) << r.err;
  }
}

TEST(Cli, NoArgumentsIsAUsageError) {
  ScratchDir dir;
  const CliResult r = run_cli({"run"}, dir);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.signal, 0);
}

}  // namespace
}  // namespace tarsier::test
