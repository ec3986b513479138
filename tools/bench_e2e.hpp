#pragma once
// `tarsier bench --e2e IMAGE`: the latency a caller sees when it starts from an encoded
// image, i.e. JPEG/PNG decode + preprocessing into the session's input + run(), with each
// stage timed so the share that is not the network shows.
#include <cstdint>
#include <string>
#include <tarsier/session.hpp>
#include <vector>

#include "bench_stats.hpp"

namespace tarsier::cli {

// The encoded image, read once: the file read is not part of the timed pipeline (a server
// receives bytes, not paths).
struct EncodedImage {
  std::string path;
  std::string format;  // "JPEG" or "PNG"
  std::vector<std::uint8_t> bytes;
};

// Throws Error(Io) for an unreadable file, Error(InvalidImage) for anything but JPEG/PNG.
EncodedImage read_encoded_image(const std::string& path);

struct StageTiming {
  std::vector<double> samples_ms;  // one per timed iteration
  LatencyStats stats;
  double share = 0;  // mean of this stage / mean of the whole pipeline
};

struct EndToEndReport {
  std::string image_path;
  std::string format;
  std::size_t image_bytes = 0;
  int width = 0, height = 0, channels = 0;  // as decoded
  std::vector<double> samples_ms;           // decode + preprocess + run, per iteration
  LatencyStats stats;
  double throughput_per_s = 0;  // images per second at the mean
  StageTiming decode, preprocess, inference;
};

// The pipeline on one session. Construction decodes and preprocesses the image into the
// session's single input once, so a bad image or a model it cannot feed fails before any
// timing: Error(UnsupportedModel) for a model with more than one input, the decoder's and
// preprocess()'s errors otherwise. The session must outlive the pipeline.
class EndToEndPipeline {
 public:
  EndToEndPipeline(Session& session, const EncodedImage& image);

  // `warmup` untimed then `runs` (>= 1) timed iterations of decode + preprocess + run().
  EndToEndReport time(int warmup, int runs);

 private:
  Session& session_;
  const EncodedImage& image_;
  InputSpec spec_;
  EndToEndReport shape_;  // the image's description, filled in by the constructor
};

}  // namespace tarsier::cli
