// Batch `tarsier run` over a folder or a manifest: JSON Lines, per-image errors, exit codes.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "format/tsr.hpp"
#include "image/jpeg_builder.hpp"
#include "image/png_encode.hpp"

namespace tarsier::test {
namespace {

namespace fs = std::filesystem;

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

class BatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    save_tsr(make_classifier(), classifier);
    fs::create_directories(images / "sub");
    // normal: R > G; anomaly: G > R (tiny classifier's logits are the plane means).
    write_png(solid_image(4, 4, 200, 20, 0), images / "b_normal.png");
    write_png(solid_image(6, 6, 20, 200, 0), images / "sub" / "c_anomaly.PNG");
    const Image jpeg = solid_image(8, 8, 30, 220, 0);
    write_bytes(images / "a_anomaly.jpg", build_jpeg(8, 8, 3, jpeg.pixels));
    write_bytes(images / "notes.txt", {'x'});
  }

  CliResult run(const std::vector<std::string>& args) { return run_cli(args, dir); }

  ScratchDir dir;
  std::string classifier = (dir / "classifier.tsr").string();
  fs::path images = dir / "images";
};

TEST_F(BatchTest, FolderGivesOneSortedLinePerImage) {
  const CliResult r = run({"run", classifier, images.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;  // no progress bar when stderr is not a terminal
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["source-ref"], (images / "a_anomaly.jpg").string());
  EXPECT_EQ(lines[1]["source-ref"], (images / "b_normal.png").string());
  EXPECT_EQ(lines[2]["source-ref"], (images / "sub" / "c_anomaly.PNG").string());
  EXPECT_EQ(lines[0]["IsAnomalous"], true);
  EXPECT_EQ(lines[1]["IsAnomalous"], false);
  EXPECT_EQ(lines[2]["IsAnomalous"], true);
  // Each line is the single-image verdict plus "source-ref".
  const CliResult single = run({"run", classifier, (images / "b_normal.png").string()});
  nlohmann::json expected = nlohmann::json::parse(single.out);
  nlohmann::json got = lines[1];
  got.erase("source-ref");
  got["Tarsier"].erase("LatencyMs");
  expected["Tarsier"].erase("LatencyMs");
  EXPECT_EQ(got, expected);
}

TEST_F(BatchTest, OutputFileAndUnreadableImage) {
  auto png = encode_png(solid_image(4, 4, 1, 2, 3));
  png.resize(png.size() / 2);
  write_bytes(images / "broken.png", png);
  const auto out = dir / "out.jsonl";
  const CliResult r = run({"run", classifier, images.string(), "-o", out.string()});
  EXPECT_TRUE(failed_cleanly(r)) << r.err;
  EXPECT_EQ(r.exit_code, exit_code_for(ErrorCode::InvalidImage));
  EXPECT_NE(r.err.find("1 of 4"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  const std::vector<std::uint8_t> bytes = read_bytes(out);
  const auto lines = json_lines(std::string(bytes.begin(), bytes.end()));
  ASSERT_EQ(lines.size(), 4u);  // a_anomaly, b_normal, broken, sub/c_anomaly
  EXPECT_EQ(lines[2]["source-ref"], (images / "broken.png").string());
  EXPECT_NE(lines[2]["Error"].get<std::string>().find("broken.png"), std::string::npos);
  EXPECT_FALSE(lines[2].contains("IsAnomalous"));
  EXPECT_TRUE(lines[0].contains("IsAnomalous"));
  EXPECT_TRUE(lines[1].contains("IsAnomalous"));
  EXPECT_TRUE(lines[3].contains("IsAnomalous"));
}

TEST_F(BatchTest, ManifestWithRelativeAbsoluteAndS3Paths) {
  // s3://parts/test/x.png -> ROOT/parts/test/x.png
  const fs::path root = dir / "root";
  fs::create_directories(root / "parts" / "test");
  fs::copy_file(images / "b_normal.png", root / "parts" / "test" / "x.png");
  const auto manifest = images / "set.manifest";
  write_text(manifest,
             "{\"source-ref\": \"b_normal.png\", \"anomaly-label\": 0, "
             "\"anomaly-label-metadata\": "
             "{\"class-name\": \"normal\"}}\n"
             "\n"
             "{\"source-ref\": \"" +
                 (images / "a_anomaly.jpg").string() +
                 "\"}\n"
                 "{\"anomaly-label-metadata\": {\"class-name\": \"normal\"}, "
                 "\"source-ref\": \"s3://parts/test/x.png\", "
                 "\"anomaly-label\": 0}\n");
  const CliResult r = run({"run", classifier, "--manifest", manifest.string(), "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["source-ref"], "b_normal.png");
  EXPECT_EQ(lines[0]["IsAnomalous"], false);
  EXPECT_EQ(lines[1]["IsAnomalous"], true);
  EXPECT_EQ(lines[2]["source-ref"], "s3://parts/test/x.png");
  EXPECT_EQ(lines[2]["IsAnomalous"], false);
  EXPECT_EQ(lines[2]["AnomalyScore"], lines[0]["AnomalyScore"]);

  // The same manifest without --root: the s3 line is named.
  const CliResult no_root = run({"run", classifier, "--manifest", manifest.string()});
  EXPECT_TRUE(failed_cleanly(no_root)) << no_root.err;
  EXPECT_EQ(no_root.exit_code, exit_code_for(ErrorCode::InvalidArgument));
  EXPECT_NE(no_root.err.find("set.manifest:4"), std::string::npos) << no_root.err;
  EXPECT_NE(no_root.err.find("--root"), std::string::npos) << no_root.err;
  EXPECT_TRUE(no_root.out.empty());
}

TEST_F(BatchTest, BadManifestsNameTheLine) {
  struct Case {
    std::string second_line;
    ErrorCode code;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {"{\"source-ref\": \"b_normal.png\"", ErrorCode::InvalidArgument, "not a JSON object"},
      {"[1, 2]", ErrorCode::InvalidArgument, "not a JSON object"},
      {"{\"anomaly-label\": 1}", ErrorCode::InvalidArgument, "source-ref"},
      {"{\"source-ref\": 7}", ErrorCode::InvalidArgument, "source-ref"},
      {"{\"source-ref\": \"missing.png\"}", ErrorCode::Io, "missing.png"},
      {"{\"source-ref\": \"s3://b/../../etc/passwd\"}", ErrorCode::InvalidArgument, "under --root"},
      {"{\"source-ref\": \"s3:///etc/passwd\"}", ErrorCode::InvalidArgument, "under --root"},
      {"{\"source-ref\": \"b_normal.png\", \"l\": 1, \"l-metadata\": "
       "{\"class-name\": \"dent\"}}",
       ErrorCode::InvalidArgument, "dent"},
      {"{\"source-ref\": \"b_normal.png\", \"anomaly-mask-ref\": "
       "\"b_normal.png\", \"anomaly-mask-ref-metadata\": "
       "{\"internal-color-map\": {\"0\": {\"class-name\": \"BACKGROUND\", "
       "\"hex-color\": \"white\"}}}}",
       ErrorCode::InvalidArgument, "white"},
  };
  const auto manifest = images / "bad.manifest";
  for (const Case& c : cases) {
    write_text(manifest, "{\"source-ref\": \"b_normal.png\"}\n" + c.second_line + "\n");
    const CliResult r = run({"run", classifier, "--manifest", manifest.string(), "--root", dir.path.string()});
    EXPECT_TRUE(failed_cleanly(r)) << c.second_line << ": " << r.err;
    EXPECT_EQ(r.exit_code, exit_code_for(c.code)) << c.second_line << ": " << r.err;
    EXPECT_NE(r.err.find("bad.manifest:2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.fragment), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  const CliResult missing = run({"run", classifier, "--manifest", (dir / "none.manifest").string()});
  EXPECT_TRUE(failed_cleanly(missing)) << missing.err;
  EXPECT_EQ(missing.exit_code, exit_code_for(ErrorCode::Io));
  EXPECT_NE(missing.err.find("none.manifest"), std::string::npos);
}

TEST_F(BatchTest, MaskOptionsAreForSingleImages) {
  const CliResult r = run({"run", classifier, images.string(), "--mask", (dir / "m.png").string()});
  EXPECT_TRUE(failed_cleanly(r)) << r.err;
  EXPECT_EQ(r.exit_code, exit_code_for(ErrorCode::InvalidArgument));
}

TEST_F(BatchTest, EmptyFolderGivesNoLines) {
  fs::create_directories(dir / "empty");
  const CliResult r = run({"run", classifier, (dir / "empty").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace tarsier::test
