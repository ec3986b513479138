#include "cli_fixture.hpp"

#include "process_run.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace tarsier::test {
namespace {

Attributes conv1x1_attrs() {
  Attributes a;
  a.set("kernel_shape", std::vector<std::int64_t>{1, 1});
  a.set("strides", std::vector<std::int64_t>{1, 1});
  a.set("pads", std::vector<std::int64_t>{0, 0, 0, 0});
  a.set("dilations", std::vector<std::int64_t>{1, 1});
  a.set("group", std::int64_t{1});
  return a;
}

Model base_model(const std::string& name, Task task) {
  Model m;
  m.info.name = name;
  m.info.task = task;
  m.info.threshold = 0.5f;
  m.info.input.name = "image";
  m.info.input.shape = {1, 3, 4, 4};
  m.info.input.layout = Layout::NCHW;
  m.info.input.color = ColorOrder::RGB;
  m.info.input.resize = ResizeKind::Bilinear;
  m.info.input.scale = 0.01f;
  m.info.input.mean = {0.0f, 0.0f, 0.0f};
  m.info.input.std = {1.0f, 1.0f, 1.0f};
  m.info.provenance = {"hand-built", std::string(64, '0'), "test", "cli test", 13};
  m.graph.inputs = {"image"};
  m.graph.shapes["image"] = {1, 3, 4, 4};
  return m;
}

Model segmenter_with(std::int64_t classes, std::vector<std::string> labels) {
  Model m = base_model(classes == 1 ? "tiny-segmenter" : "tiny-segmenter2", Task::Segmentation);
  m.info.labels = std::move(labels);
  std::vector<float> w(static_cast<std::size_t>(classes) * 3, 0.0f);
  for (std::int64_t c = 0; c < classes; ++c) w[static_cast<std::size_t>(c * 3 + c)] = 1.0f;  // channel c <- input c
  m.graph.constants["head.weight"] = ConstTensor::from_vector({classes, 3, 1, 1}, w);
  m.graph.constants["head.bias"] = ConstTensor::from_vector({classes}, std::vector<float>(classes, 0.0f));
  m.graph.nodes = {Node{"head", OpType::Conv, {"image", "head.weight", "head.bias"}, {"scores"}, conv1x1_attrs()}};
  m.graph.outputs = {"scores"};
  infer_shapes(m.graph);
  m.info.outputs = {{"scores", {1, classes, 4, 4}}};
  return m;
}

}  // namespace

ScratchDir::ScratchDir() {
  static std::atomic<int> counter{0};
  path = std::filesystem::temp_directory_path() /
         ("tarsier_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::create_directories(path);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

CliResult run_cli(const std::vector<std::string>& args, const ScratchDir& scratch) {
  const ProcessResult p = run_process(TARSIER_CLI_PATH, args, scratch / "cli_stdout.txt", scratch / "cli_stderr.txt");
  return CliResult{p.exit_code, p.signal, p.out, p.err};
}

bool failed_cleanly(const CliResult& r) {
  return r.signal == 0 && r.exit_code >= 3 && r.exit_code <= 8 && r.err.rfind("tarsier: error: ", 0) == 0 &&
         r.err.find("Sanitizer") == std::string::npos && r.err.find("runtime error") == std::string::npos;
}

Model make_classifier() {
  Model m = base_model("tiny-classifier", Task::Classification);
  m.info.labels = {"normal", "anomaly"};
  m.graph.constants["fc.weight"] = ConstTensor::from_vector({2, 3}, {1, 0, 0, 0, 1, 0});
  m.graph.constants["fc.bias"] = ConstTensor::from_vector({2}, {0, 0});
  Node gap{"gap", OpType::GlobalAveragePool, {"image"}, {"pooled"}, {}};
  Node flat{"flatten", OpType::Flatten, {"pooled"}, {"flat"}, {}};
  flat.attrs.set("axis", std::int64_t{1});
  Node fc{"fc", OpType::Gemm, {"flat", "fc.weight", "fc.bias"}, {"logits"}, {}};
  fc.attrs.set("alpha", 1.0);
  fc.attrs.set("beta", 1.0);
  fc.attrs.set("transA", std::int64_t{0});
  fc.attrs.set("transB", std::int64_t{1});
  m.graph.nodes = {gap, flat, fc};
  m.graph.outputs = {"logits"};
  infer_shapes(m.graph);
  m.info.outputs = {{"logits", {1, 2}}};
  return m;
}

Model make_segmenter() { return segmenter_with(1, {"background", "defect"}); }
Model make_two_class_segmenter() { return segmenter_with(2, {"background", "defect"}); }
Model make_three_class_segmenter() { return segmenter_with(3, {"background", "scratch", "crack"}); }

Image solid_image(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Image img(w, h, 3);
  for (std::size_t i = 0; i < img.pixels.size(); i += 3) {
    img.pixels[i] = r;
    img.pixels[i + 1] = g;
    img.pixels[i + 2] = b;
  }
  return img;
}

std::vector<std::uint8_t> base64_decode(const std::string& text) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<std::uint8_t> out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    if (c == '=') break;
    const auto v = alphabet.find(c);
    if (v == std::string::npos) return {};
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<std::uint8_t>((bits >> count) & 0xFF));
    }
  }
  return out;
}

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

}  // namespace tarsier::test
