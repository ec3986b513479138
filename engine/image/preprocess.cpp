#include "image/preprocess.hpp"

#include <algorithm>
#include <array>
#include <string>

#include <tarsier/error.hpp>

#include "core/tensor.hpp"
#include "image/resize.hpp"

namespace tarsier {
namespace {

struct Geometry {
  std::int64_t channels, height, width;
};

[[noreturn]] void unsupported(const InputSpec& spec, const std::string& problem) {
  throw Error(ErrorCode::UnsupportedModel, "cannot feed an image to model input '" + spec.name + "' of shape " +
                                               shape_to_string(spec.shape) + ": " + problem);
}

Geometry geometry_of(const InputSpec& spec) {
  if (spec.dtype != "float32") unsupported(spec, "dtype " + spec.dtype + " is not float32");
  if (spec.shape.size() != 4) unsupported(spec, "an image input must have rank 4");
  if (spec.shape[0] != 1) unsupported(spec, "batch size must be 1");
  const bool nchw = spec.layout == Layout::NCHW;
  const Geometry g{nchw ? spec.shape[1] : spec.shape[3], nchw ? spec.shape[2] : spec.shape[1],
                   nchw ? spec.shape[3] : spec.shape[2]};
  const std::int64_t want = spec.color == ColorOrder::Gray ? 1 : 3;
  if (g.channels != want) {
    unsupported(spec, std::string("colour order ") + to_string(spec.color) + " needs " + std::to_string(want) +
                          " channels, the shape has " + std::to_string(g.channels));
  }
  if (g.height <= 0 || g.width <= 0 || g.height > 65536 || g.width > 65536) {
    unsupported(spec, "spatial size out of range");
  }
  return g;
}

// Per tensor channel: multiply by a, add b, i.e. (p * scale - mean) / std.
struct Affine {
  std::array<float, 3> a{}, b{};
};

Affine affine_of(const InputSpec& spec, std::int64_t channels) {
  auto pick = [&](const std::vector<float>& values, std::int64_t c, float fallback, const char* what) {
    if (values.empty()) return fallback;
    if (values.size() == 1) return values[0];
    if (static_cast<std::int64_t>(values.size()) != channels) {
      unsupported(spec, std::string(what) + " has " + std::to_string(values.size()) + " values for " +
                            std::to_string(channels) + " channels");
    }
    return values[static_cast<std::size_t>(c)];
  };
  Affine f;
  for (std::int64_t c = 0; c < channels; ++c) {
    const float mean = pick(spec.mean, c, 0.0f, "mean");
    const float stdev = pick(spec.std, c, 1.0f, "std");
    if (!(stdev != 0.0f)) unsupported(spec, "std of channel " + std::to_string(c) + " is zero");
    f.a[c] = spec.scale / stdev;
    f.b[c] = -mean / stdev;
  }
  return f;
}

}  // namespace

Image pad_to_square(const Image& image) {
  const int side = std::max(image.width, image.height);
  Image out(side, side, image.channels);
  const int x0 = (side - image.width) / 2;
  const int y0 = (side - image.height) / 2;
  const std::size_t row = static_cast<std::size_t>(image.width) * image.channels;
  for (int y = 0; y < image.height; ++y) {
    std::copy_n(image.pixels.begin() + static_cast<std::ptrdiff_t>(y * row), row, &out.at(x0, y0 + y, 0));
  }
  return out;
}

PreprocessPlan plan_preprocess(const InputSpec& spec, int image_width, int image_height, int image_channels) {
  const Geometry g = geometry_of(spec);
  if (image_channels != 1 && image_channels != 3) {
    throw Error(ErrorCode::InvalidArgument,
                "preprocess: images must have 1 or 3 channels, not " + std::to_string(image_channels));
  }
  const Affine f = affine_of(spec, g.channels);
  PreprocessPlan plan;
  const int side = std::max(image_width, image_height);
  plan.canvas_width = spec.letterbox ? side : image_width;
  plan.canvas_height = spec.letterbox ? side : image_height;
  plan.offset_x = (plan.canvas_width - image_width) / 2;  // as pad_to_square places it
  plan.offset_y = (plan.canvas_height - image_height) / 2;
  plan.out_width = static_cast<int>(g.width);
  plan.out_height = static_cast<int>(g.height);
  plan.out_channels = static_cast<int>(g.channels);
  plan.nchw = spec.layout == Layout::NCHW;
  plan.resize = spec.resize;
  plan.a = f.a;
  plan.b = f.b;
  if (spec.color == ColorOrder::Gray) {
    plan.source[0] = image_channels == 3 ? -1 : 0;
  } else if (image_channels == 3) {
    plan.source = spec.color == ColorOrder::BGR ? std::array<int, 3>{2, 1, 0} : std::array<int, 3>{0, 1, 2};
  }
  return plan;
}

void preprocess(const Image& image, const InputSpec& spec, std::span<float> out) {
  const PreprocessPlan plan = plan_preprocess(spec, image.width, image.height, image.channels);
  const std::size_t count = static_cast<std::size_t>(plan.out_channels) * plan.out_height * plan.out_width;
  if (out.size() != count) {
    throw Error(ErrorCode::InvalidArgument, "preprocess: output buffer holds " + std::to_string(out.size()) +
                                                " floats, input '" + spec.name + "' needs " + std::to_string(count));
  }
  const FloatImage resized = spec.letterbox
                                 ? resize_image(pad_to_square(image), plan.out_width, plan.out_height, spec.resize)
                                 : resize_image(image, plan.out_width, plan.out_height, spec.resize);

  const std::size_t plane = static_cast<std::size_t>(plan.out_height) * plan.out_width;
  for (int y = 0; y < plan.out_height; ++y) {
    for (int x = 0; x < plan.out_width; ++x) {
      const std::size_t pixel = static_cast<std::size_t>(y) * plan.out_width + x;
      for (int c = 0; c < plan.out_channels; ++c) {
        const int src = plan.source[static_cast<std::size_t>(c)];
        const float p =
            src >= 0 ? resized.at(x, y, src)
                     : 0.299f * resized.at(x, y, 0) + 0.587f * resized.at(x, y, 1) + 0.114f * resized.at(x, y, 2);
        const float v = p * plan.a[static_cast<std::size_t>(c)] + plan.b[static_cast<std::size_t>(c)];
        out[plan.nchw ? c * plane + pixel : pixel * plan.out_channels + c] = v;
      }
    }
  }
}

std::vector<float> preprocess(const Image& image, const InputSpec& spec) {
  const Geometry g = geometry_of(spec);
  std::vector<float> out(static_cast<std::size_t>(g.channels * g.height * g.width));
  preprocess(image, spec, out);
  return out;
}

}  // namespace tarsier
