// `tarsier convert` end to end: exit status, summary, and no output file on failure.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "convert_test_util.hpp"

namespace tarsier::test {
namespace {

namespace fs = std::filesystem;

class CliConvert : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tarsier_cli_convert_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write_model(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }

  // Runs the CLI; returns its exit status and leaves stdout+stderr in output_.
  int run(const std::string& args) {
    const fs::path log = dir_ / "log.txt";
    const std::string cmd = std::string("'") + TARSIER_CLI + "' " + args + " > '" + log.string() + "' 2>&1";
    const int status = std::system(cmd.c_str());
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    output_ = ss.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path dir_;
  std::string output_;
};

OnnxBuilder good_model() {
  OnnxBuilder b(13);
  b.input("input", {1, 3, 8, 8});
  b.initializer("w", {2, 3, 3, 3}, random_floats(54, 4));
  b.node("Conv", {"input", "w"}, {"c"});
  b.node("GlobalAveragePool", {"c"}, {"g"});
  b.node("Flatten", {"g"}, {"logits"});
  b.output("logits");
  return b;
}

TEST_F(CliConvert, SuccessWritesTheFileAndASummary) {
  const fs::path in = write_model("good.onnx", good_model().bytes());
  const fs::path out = dir_ / "good.tsr";
  ASSERT_EQ(run("convert '" + in.string() + "' -o '" + out.string() + "' --labels ok,bad --fp16"), 0) << output_;
  EXPECT_TRUE(fs::exists(out));
  EXPECT_GT(fs::file_size(out), 0u);
  EXPECT_NE(output_.find("nodes"), std::string::npos) << output_;
  EXPECT_NE(output_.find("fp16"), std::string::npos) << output_;
}

TEST_F(CliConvert, LetterboxFlagIsStoredInTheInputSpec) {
  const fs::path in = write_model("good.onnx", good_model().bytes());
  const fs::path plain = dir_ / "plain.tsr", boxed = dir_ / "boxed.tsr";
  ASSERT_EQ(run("convert '" + in.string() + "' -o '" + plain.string() + "' --resize area"), 0) << output_;
  ASSERT_EQ(run("convert '" + in.string() + "' -o '" + boxed.string() + "' --resize area --letterbox"), 0) << output_;
  ASSERT_EQ(run("inspect --json '" + plain.string() + "'"), 0) << output_;
  EXPECT_NE(output_.find("\"letterbox\": false"), std::string::npos) << output_;
  ASSERT_EQ(run("inspect --json '" + boxed.string() + "'"), 0) << output_;
  EXPECT_NE(output_.find("\"letterbox\": true"), std::string::npos) << output_;
}

TEST_F(CliConvert, UnsupportedOpFailsWithoutOutput) {
  OnnxBuilder b(16);
  b.input("input", {1, 2, 4, 4});
  b.initializer("grid", {1, 4, 4, 2}, std::vector<float>(32, 0.0f));
  b.node("GridSample", {"input", "grid"}, {"out"}, "GridSample_12");
  b.output("out");
  const fs::path in = write_model("bad.onnx", b.bytes());
  const fs::path out = dir_ / "bad.tsr";
  EXPECT_NE(run("convert '" + in.string() + "' -o '" + out.string() + "'"), 0);
  EXPECT_NE(output_.find("GridSample_12"), std::string::npos) << output_;
  EXPECT_NE(output_.find("opset 16"), std::string::npos) << output_;
  EXPECT_FALSE(fs::exists(out));
  // Nothing else (no temporary file) is left in the folder either.
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_TRUE(e.path().filename() == "bad.onnx" || e.path().filename() == "log.txt") << e.path();
}

TEST_F(CliConvert, DamagedOrMissingInputFailsWithoutOutput) {
  std::string bytes = good_model().bytes();
  const fs::path in = write_model("cut.onnx", bytes.substr(0, bytes.size() / 2));
  const fs::path out = dir_ / "cut.tsr";
  EXPECT_NE(run("convert '" + in.string() + "' -o '" + out.string() + "'"), 0);
  EXPECT_NE(output_.find("cut.onnx"), std::string::npos) << output_;
  EXPECT_FALSE(fs::exists(out));

  EXPECT_NE(run("convert '" + (dir_ / "missing.onnx").string() + "' -o '" + out.string() + "'"), 0);
  EXPECT_NE(output_.find("missing.onnx"), std::string::npos) << output_;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(CliConvert, BadFlagValuesFailWithoutOutput) {
  const fs::path in = write_model("good.onnx", good_model().bytes());
  const fs::path out = dir_ / "flags.tsr";
  for (const std::string flags : {"--color purple", "--size 12", "--mean 1,x", "--task detection", "--labels a,b,c"}) {
    EXPECT_NE(run("convert '" + in.string() + "' -o '" + out.string() + "' " + flags), 0) << flags;
    EXPECT_FALSE(fs::exists(out)) << flags;
  }
}

}  // namespace
}  // namespace tarsier::test
