#include "image/resize.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <tarsier/error.hpp>

namespace tarsier {
namespace {

struct Tap {
  int index;
  float weight;
};

// For each output coordinate, the source samples it reads and their weights (summing to 1).
using AxisTaps = std::vector<std::vector<Tap>>;

AxisTaps bilinear_taps(int in, int out) {
  AxisTaps taps(out);
  const double scale = static_cast<double>(in) / out;
  for (int d = 0; d < out; ++d) {
    const double src = std::max(0.0, (d + 0.5) * scale - 0.5);
    int i0 = static_cast<int>(std::floor(src));
    double frac = src - i0;
    if (i0 >= in - 1) {
      i0 = in - 1;
      frac = 0.0;
    }
    taps[d].push_back({i0, static_cast<float>(1.0 - frac)});
    if (frac > 0.0) taps[d].push_back({i0 + 1, static_cast<float>(frac)});
  }
  return taps;
}

AxisTaps nearest_taps(int in, int out) {
  AxisTaps taps(out);
  const double scale = static_cast<double>(in) / out;
  for (int d = 0; d < out; ++d) {
    const int i = std::min(in - 1, static_cast<int>(std::floor((d + 0.5) * scale)));
    taps[d].push_back({i, 1.0f});
  }
  return taps;
}

AxisTaps area_taps(int in, int out) {
  if (in <= out) return bilinear_taps(in, out);
  AxisTaps taps(out);
  const double scale = static_cast<double>(in) / out;
  for (int d = 0; d < out; ++d) {
    const double start = d * scale;
    const double end = std::min<double>(in, (d + 1) * scale);
    const int first = static_cast<int>(std::floor(start));
    const int last = std::min(in - 1, static_cast<int>(std::ceil(end)) - 1);
    for (int i = first; i <= last; ++i) {
      const double overlap = std::min<double>(end, i + 1) - std::max<double>(start, i);
      if (overlap > 1e-12) taps[d].push_back({i, static_cast<float>(overlap / scale)});
    }
  }
  return taps;
}

AxisTaps make_taps(int in, int out, ResizeKind kind) {
  switch (kind) {
    case ResizeKind::Bilinear: return bilinear_taps(in, out);
    case ResizeKind::Nearest: return nearest_taps(in, out);
    case ResizeKind::Area: return area_taps(in, out);
  }
  throw Error(ErrorCode::InvalidArgument, "unknown resize kind");
}

}  // namespace

FloatImage resize_image(const Image& src, int width, int height, ResizeKind kind) {
  if (src.width <= 0 || src.height <= 0 || width <= 0 || height <= 0) {
    throw Error(ErrorCode::InvalidArgument, "resize: cannot resize " + std::to_string(src.width) + "x" +
                                                std::to_string(src.height) + " to " + std::to_string(width) +
                                                "x" + std::to_string(height));
  }
  const int channels = src.channels;
  const AxisTaps x_taps = make_taps(src.width, width, kind);
  const AxisTaps y_taps = make_taps(src.height, height, kind);

  // Horizontal pass over every source row, then vertical: separable, so the cost grows
  // with the taps of one axis at a time.
  std::vector<float> rows(static_cast<std::size_t>(src.height) * width * channels);
  for (int y = 0; y < src.height; ++y) {
    const std::uint8_t* in_row = src.pixels.data() + static_cast<std::size_t>(y) * src.width * channels;
    float* out_row = rows.data() + static_cast<std::size_t>(y) * width * channels;
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        float sum = 0.0f;
        for (const Tap& t : x_taps[x]) sum += t.weight * static_cast<float>(in_row[t.index * channels + c]);
        out_row[x * channels + c] = sum;
      }
    }
  }
  FloatImage out;
  out.width = width;
  out.height = height;
  out.channels = channels;
  out.pixels.assign(static_cast<std::size_t>(height) * width * channels, 0.0f);
  const std::size_t row_len = static_cast<std::size_t>(width) * channels;
  for (int y = 0; y < height; ++y) {
    float* out_row = out.pixels.data() + y * row_len;
    for (const Tap& t : y_taps[y]) {
      const float* in_row = rows.data() + t.index * row_len;
      for (std::size_t i = 0; i < row_len; ++i) out_row[i] += t.weight * in_row[i];
    }
  }
  return out;
}

}  // namespace tarsier
