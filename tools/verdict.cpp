#include "verdict.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <tarsier/error.hpp>

namespace tarsier::cli {
namespace {

void require_finite(std::span<const float> values) {
  for (const float v : values) {
    if (std::isnan(v)) throw Error(ErrorCode::Internal, "the model output holds NaN values");
  }
}

bool in_unit_interval(float v) { return v >= 0.0f && v <= 1.0f; }

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Whether `count` values spaced `stride` apart already form a probability distribution.
bool is_distribution(const float* values, std::size_t count, std::size_t stride) {
  double sum = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    const float v = values[i * stride];
    if (!in_unit_interval(v)) return false;
    sum += v;
  }
  return std::abs(sum - 1.0) <= 1e-3;
}

// Reads `count` values spaced `stride` apart as probabilities: normalised as they are when
// `distribution`, else through softmax.
std::vector<double> to_probabilities(const float* values, std::size_t count, std::size_t stride, bool distribution) {
  std::vector<double> p(count);
  double sum = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    p[i] = values[i * stride];
    sum += p[i];
  }
  if (distribution) {
    for (double& x : p) x /= sum;
    return p;
  }
  const double top = *std::max_element(p.begin(), p.end());
  sum = 0.0;
  for (double& x : p) {
    x = std::exp(x - top);
    sum += x;
  }
  for (double& x : p) x /= sum;
  return p;
}

bool is_anomaly_label(const std::string& label) {
  std::string lower = label;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "anomaly";
}

std::vector<std::string> class_names_of(const ModelInfo& info, std::int64_t channels) {
  const auto classes = static_cast<std::size_t>(std::max<std::int64_t>(channels, 2));
  if (info.labels.size() == classes) return info.labels;
  std::vector<std::string> names{"background"};
  if (classes == 2) {
    names.emplace_back("anomaly");
  } else {
    for (std::size_t i = 1; i < classes; ++i) names.push_back("class_" + std::to_string(i));
  }
  return names;
}

}  // namespace

ClassificationVerdict classify(std::span<const float> output, const ModelInfo& info) {
  if (output.empty()) throw Error(ErrorCode::UnsupportedModel, "the model output is empty");
  require_finite(output);
  ClassificationVerdict v;
  if (output.size() == 1) {
    const double p = in_unit_interval(output[0]) ? output[0] : sigmoid(output[0]);
    v.probabilities = {1.0 - p, p};
  } else {
    v.probabilities =
        to_probabilities(output.data(), output.size(), 1, is_distribution(output.data(), output.size(), 1));
  }
  const std::size_t classes = v.probabilities.size();
  if (info.labels.size() == classes) {
    v.labels = info.labels;
  } else if (classes == 2) {
    v.labels = {"normal", "anomaly"};
  } else {
    for (std::size_t i = 0; i < classes; ++i) v.labels.push_back("class_" + std::to_string(i));
  }
  v.anomaly_index = classes - 1;
  for (std::size_t i = 0; i < classes; ++i) {
    if (is_anomaly_label(v.labels[i])) {
      v.anomaly_index = i;
      break;
    }
  }
  v.anomaly_score = v.probabilities[v.anomaly_index];
  v.is_anomalous = v.anomaly_score >= info.threshold;
  v.confidence = v.is_anomalous ? v.anomaly_score : 1.0 - v.anomaly_score;
  if (v.is_anomalous) {
    v.label = v.labels[v.anomaly_index];
  } else {
    std::size_t best = v.anomaly_index == 0 ? 1 : 0;
    for (std::size_t i = 0; i < classes; ++i) {
      if (i != v.anomaly_index && v.probabilities[i] > v.probabilities[best]) best = i;
    }
    v.label = v.labels[best];
  }
  return v;
}

SegmentationVerdict segment(std::span<const float> output, std::span<const std::int64_t> shape, const ModelInfo& info) {
  std::int64_t channels = 1, height = 0, width = 0;
  bool channels_last = false;
  if (shape.size() == 4 && shape[0] == 1) {
    channels_last = info.input.layout == Layout::NHWC;
    channels = channels_last ? shape[3] : shape[1];
    height = channels_last ? shape[1] : shape[2];
    width = channels_last ? shape[2] : shape[3];
  } else if (shape.size() == 3 && shape[0] == 1) {
    height = shape[1];
    width = shape[2];
  } else if (shape.size() == 2) {
    height = shape[0];
    width = shape[1];
  } else {
    std::string dims;
    for (const auto d : shape) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
    throw Error(ErrorCode::UnsupportedModel,
                "a segmentation output must be [1, C, H, W], [1, H, W] or [H, W]; this one is [" + dims + "]");
  }
  if (channels > 255) {
    throw Error(ErrorCode::UnsupportedModel,
                "a segmentation output has at most 255 classes; this one has " + std::to_string(channels));
  }
  if (channels < 1 || height < 1 || width < 1 ||
      static_cast<std::size_t>(channels * height * width) != output.size()) {
    throw Error(ErrorCode::UnsupportedModel, "the segmentation output size does not match its shape");
  }
  require_finite(output);

  SegmentationVerdict v;
  v.height = height;
  v.width = width;
  const std::size_t pixels = static_cast<std::size_t>(height * width);
  v.anomaly.resize(pixels);
  v.class_names = class_names_of(info, channels);
  std::vector<std::uint8_t> likeliest(pixels, 1);  // the likeliest anomaly class per pixel
  if (channels == 1) {
    const bool probabilities = std::all_of(output.begin(), output.end(), in_unit_interval);
    for (std::size_t i = 0; i < pixels; ++i) {
      v.anomaly[i] = probabilities ? output[i] : static_cast<float>(sigmoid(output[i]));
    }
  } else {
    // Decided once for the whole map, so neighbouring pixels are never read differently.
    const auto c = static_cast<std::size_t>(channels);
    const std::size_t stride = channels_last ? 1 : pixels;
    auto first = [&](std::size_t i) { return channels_last ? output.data() + i * c : output.data() + i; };
    bool distribution = true;
    for (std::size_t i = 0; i < pixels && distribution; ++i) distribution = is_distribution(first(i), c, stride);
    for (std::size_t i = 0; i < pixels; ++i) {
      const std::vector<double> p = to_probabilities(first(i), c, stride, distribution);
      v.anomaly[i] = static_cast<float>(1.0 - p[0]);
      likeliest[i] = static_cast<std::uint8_t>(std::max_element(p.begin() + 1, p.end()) - p.begin());
    }
  }
  v.mask.resize(pixels);
  v.classes.resize(pixels);
  std::size_t count = 0;
  float top = 0.0f;
  for (std::size_t i = 0; i < pixels; ++i) {
    const bool hit = v.anomaly[i] >= info.threshold;
    v.mask[i] = hit ? 255 : 0;
    v.classes[i] = hit ? likeliest[i] : 0;
    count += hit;
    top = std::max(top, v.anomaly[i]);
  }
  v.anomalous_area = static_cast<double>(count) / static_cast<double>(pixels);
  v.anomaly_score = top;
  v.is_anomalous = count > 0;
  v.confidence = v.is_anomalous ? v.anomaly_score : 1.0 - v.anomaly_score;
  return v;
}

}  // namespace tarsier::cli
