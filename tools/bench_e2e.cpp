#include "bench_e2e.hpp"

#include <chrono>
#include <tarsier/error.hpp>

#include "image/image_file.hpp"
#include "image/preprocess.hpp"

namespace tarsier::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

void finish(StageTiming& stage, double pipeline_mean_ms) {
  stage.stats = summarize(stage.samples_ms);
  stage.share = pipeline_mean_ms > 0 ? stage.stats.mean_ms / pipeline_mean_ms : 0.0;
}

}  // namespace

EncodedImage read_encoded_image(const std::string& path) {
  EncodedImage image;
  image.path = path;
  image.bytes = read_file_bytes(path);
  const FileKind kind = sniff_file_kind(image.bytes);
  if (kind != FileKind::Jpeg && kind != FileKind::Png) {
    throw Error(ErrorCode::InvalidImage, "--e2e: '" + path + "' is not a JPEG or PNG image");
  }
  image.format = kind == FileKind::Jpeg ? "JPEG" : "PNG";
  return image;
}

EndToEndPipeline::EndToEndPipeline(Session& session, const EncodedImage& image) : session_(session), image_(image) {
  const std::vector<TensorShape> inputs = session.inputs();
  if (inputs.size() != 1) {
    throw Error(ErrorCode::UnsupportedModel,
                "--e2e feeds models with one image input; this one has " + std::to_string(inputs.size()) + " inputs");
  }
  spec_ = session.info().input;
  spec_.shape = inputs[0].shape;  // the graph's own shape is authoritative, as in `tarsier run`
  const Image decoded = decode_image(image.bytes, image.path);
  preprocess(decoded, spec_, session.input(0));
  shape_.image_path = image.path;
  shape_.format = image.format;
  shape_.image_bytes = image.bytes.size();
  shape_.width = decoded.width;
  shape_.height = decoded.height;
  shape_.channels = decoded.channels;
}

EndToEndReport EndToEndPipeline::time(int warmup, int runs) {
  const std::span<float> destination = session_.input(0);
  for (int i = 0; i < warmup; ++i) {
    preprocess(decode_image(image_.bytes, image_.path), spec_, destination);
    session_.run();
  }
  EndToEndReport r = shape_;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    const Image decoded = decode_image(image_.bytes, image_.path);
    const auto decoded_at = Clock::now();
    preprocess(decoded, spec_, destination);
    const auto preprocessed_at = Clock::now();
    session_.run();
    const auto done = Clock::now();
    r.samples_ms.push_back(ms_between(start, done));
    r.decode.samples_ms.push_back(ms_between(start, decoded_at));
    r.preprocess.samples_ms.push_back(ms_between(decoded_at, preprocessed_at));
    r.inference.samples_ms.push_back(ms_between(preprocessed_at, done));
  }
  r.stats = summarize(r.samples_ms);  // throws for runs < 1
  r.throughput_per_s = r.stats.mean_ms > 0 ? 1000.0 / r.stats.mean_ms : 0.0;
  finish(r.decode, r.stats.mean_ms);
  finish(r.preprocess, r.stats.mean_ms);
  finish(r.inference, r.stats.mean_ms);
  return r;
}

}  // namespace tarsier::cli
