#pragma once
// What a .tsr file says about the model around its graph: enough for an application
// to feed it an image and read a verdict without knowing how it was trained.
#include <cstdint>
#include <string>
#include <vector>

namespace tarsier {

enum class Task { Classification, Segmentation };
enum class ColorOrder { RGB, BGR, Gray };
enum class ResizeKind { Bilinear, Nearest, Area };
enum class Layout { NCHW, NHWC };

struct InputSpec {
  std::string name;
  std::vector<std::int64_t> shape;  // e.g. {1, 3, 224, 224}
  std::string dtype = "float32";
  Layout layout = Layout::NCHW;
  ColorOrder color = ColorOrder::RGB;
  ResizeKind resize = ResizeKind::Bilinear;
  bool letterbox = false;  // pad to square before resizing
  // tensor = (pixel * scale - mean[c]) / std[c], pixel in 0..255.
  float scale = 1.0f / 255.0f;
  std::vector<float> mean{0.485f, 0.456f, 0.406f};
  std::vector<float> std{0.229f, 0.224f, 0.225f};
};

struct OutputSpec {
  std::string name;
  std::vector<std::int64_t> shape;
};

struct Provenance {
  std::string source_file;
  std::string source_sha256;
  std::string converter_version;
  std::string producer;  // e.g. "pytorch 1.13.1"
  std::int64_t opset = 0;
};

struct ModelInfo {
  std::string name;
  Task task = Task::Classification;
  std::vector<std::string> labels;  // classification: one per class; segmentation: background first
  float threshold = 0.5f;           // anomaly decision threshold on the anomaly score
  InputSpec input;
  std::vector<OutputSpec> outputs;
  Provenance provenance;
};

const char* to_string(Task t);
const char* to_string(ColorOrder c);
const char* to_string(ResizeKind r);
const char* to_string(Layout l);

}  // namespace tarsier
