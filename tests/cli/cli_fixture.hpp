#pragma once
// Helpers for CLI tests: a scratch folder, running the `tarsier` binary, and tiny models
// whose outputs can be computed by hand.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <tarsier/error.hpp>

#include "format/model.hpp"
#include "image/image.hpp"

namespace tarsier::test {

struct ScratchDir {
  std::filesystem::path path;
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path / name; }
};

struct CliResult {
  int exit_code = -1;     // -1 when the process died from a signal
  int signal = 0;
  std::string out, err;
};

// True when the run ended through tools/main.cpp's tarsier::Error handler: exit code
// 2 + ErrorCode and a "tarsier: error:" line (a sanitizer report or crash gives neither).
bool failed_cleanly(const CliResult& r);

// Runs `tarsier ARGS...` (each argument shell-quoted), capturing stdout and stderr.
CliResult run_cli(const std::vector<std::string>& args, const ScratchDir& scratch);

// Input [1, 3, 4, 4] NCHW RGB, scale 0.01, mean 0, std 1, bilinear.
//   classifier:  logits = (mean of R plane, mean of G plane); labels normal, anomaly.
//   segmenter:   one channel = R plane (a logit map).
//   segmenter2:  two channels = (R plane, G plane): background, defect.
//   segmenter3:  three channels = (R, G, B planes): background, scratch, crack.
Model make_classifier();
Model make_segmenter();
Model make_two_class_segmenter();
Model make_three_class_segmenter();

// Exit code for a tarsier::Error of this code (tools/main.cpp: 2 + code).
inline int exit_code_for(ErrorCode code) { return 2 + static_cast<int>(code); }

// An RGB image of one colour.
Image solid_image(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b);

// Decodes standard base64 (with padding); an invalid character makes the result empty.
std::vector<std::uint8_t> base64_decode(const std::string& text);

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path);

}  // namespace tarsier::test
