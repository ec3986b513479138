#include "anomaly_mask.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include <tarsier/error.hpp>

namespace tarsier::cli {
namespace {

// Distinct, saturated colours readable over typical part images; none is white.
constexpr std::array<Rgb, 10> kPalette{{{0x23, 0xA4, 0x36},
                                        {0xE0, 0x11, 0x5F},
                                        {0x1F, 0x77, 0xB4},
                                        {0xFF, 0x7F, 0x0E},
                                        {0x94, 0x67, 0xBD},
                                        {0x8C, 0x56, 0x4B},
                                        {0x17, 0xBE, 0xCF},
                                        {0xBC, 0xBD, 0x22},
                                        {0xD6, 0x27, 0x28},
                                        {0x00, 0x00, 0x80}}};

Rgb color_of(std::uint8_t cls) { return cls == 0 ? kBackgroundColor : anomaly_class_color(cls); }

// Source index along one axis: the pixel centre (d + 0.5) in image coordinates, shifted by the
// letterbox offset, scaled onto `out` cells of a `canvas`-long axis.
int source_index(int d, int offset, int canvas, std::int64_t out) {
  const double position = (d + offset + 0.5) * static_cast<double>(out) / canvas;
  return std::clamp(static_cast<int>(position), 0, static_cast<int>(out - 1));
}

}  // namespace

Rgb anomaly_class_color(std::size_t anomaly_class) {
  return kPalette[(std::max<std::size_t>(anomaly_class, 1) - 1) % kPalette.size()];
}

std::string to_hex(Rgb color) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02X%02X%02X", color.r, color.g, color.b);
  return text;
}

ClassMap class_map_for_image(const SegmentationVerdict& verdict, int width, int height, bool letterbox) {
  if (width < 1 || height < 1) throw Error(ErrorCode::InvalidArgument, "a mask needs a positive image size");
  const int side = std::max(width, height);
  const int canvas_w = letterbox ? side : width;
  const int canvas_h = letterbox ? side : height;
  const int x0 = letterbox ? (side - width) / 2 : 0;
  const int y0 = letterbox ? (side - height) / 2 : 0;
  std::vector<int> columns(static_cast<std::size_t>(width));
  for (int x = 0; x < width; ++x) columns[static_cast<std::size_t>(x)] = source_index(x, x0, canvas_w, verdict.width);
  ClassMap map{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height)};
  for (int y = 0; y < height; ++y) {
    const auto row = static_cast<std::size_t>(source_index(y, y0, canvas_h, verdict.height) * verdict.width);
    for (int x = 0; x < width; ++x) {
      map.classes[static_cast<std::size_t>(y) * width + x] =
          verdict.classes[row + columns[static_cast<std::size_t>(x)]];
    }
  }
  return map;
}

std::vector<double> class_percentages(const ClassMap& map, std::size_t classes) {
  std::vector<std::size_t> counts(classes, 0);
  for (const std::uint8_t c : map.classes) {
    if (c < classes) ++counts[c];
  }
  std::vector<double> percent(classes, 0.0);
  if (map.classes.empty()) return percent;
  for (std::size_t c = 0; c < classes; ++c) {
    percent[c] = 100.0 * static_cast<double>(counts[c]) / static_cast<double>(map.classes.size());
  }
  return percent;
}

Image color_mask(const ClassMap& map) {
  Image out(map.width, map.height, 3);
  for (std::size_t i = 0; i < map.classes.size(); ++i) {
    const Rgb c = color_of(map.classes[i]);
    out.pixels[3 * i] = c.r;
    out.pixels[3 * i + 1] = c.g;
    out.pixels[3 * i + 2] = c.b;
  }
  return out;
}

Image overlay_mask(const Image& image, const ClassMap& map) {
  if (image.width != map.width || image.height != map.height) {
    throw Error(ErrorCode::Internal, "overlay: the mask and the image differ in size");
  }
  Image out(image.width, image.height, 3);
  for (std::size_t i = 0; i < map.classes.size(); ++i) {
    for (int ch = 0; ch < 3; ++ch) {
      const std::uint8_t source = image.pixels[i * image.channels + (image.channels == 3 ? ch : 0)];
      std::uint8_t value = source;
      if (map.classes[i] != 0) {
        const Rgb c = color_of(map.classes[i]);
        const std::uint8_t tint = ch == 0 ? c.r : ch == 1 ? c.g : c.b;
        value = static_cast<std::uint8_t>((source + tint + 1) / 2);
      }
      out.pixels[3 * i + ch] = value;
    }
  }
  return out;
}

}  // namespace tarsier::cli
