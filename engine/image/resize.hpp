#pragma once
// Image resampling for preprocessing. Pixel centres sit at half-integer coordinates:
// output pixel d maps to source coordinate (d + 0.5) * in / out - 0.5.
//  - Bilinear: two taps around that coordinate, clamped at the borders (OpenCV's
//    INTER_LINEAR; PIL without antialiasing). No antialiasing when shrinking.
//  - Nearest: source index floor((d + 0.5) * in / out) (PIL's NEAREST, ONNX half_pixel
//    with floor rounding).
//  - Area: when shrinking an axis, the mean of the source interval [d*s, (d+1)*s), s = in/out,
//    partial pixels weighted by their overlap (OpenCV's INTER_AREA); when enlarging, bilinear.
// Results stay in float: no rounding back to 8 bits between resize and normalisation.
#include <vector>

#include <tarsier/model_info.hpp>

#include "image/image.hpp"

namespace tarsier {

struct FloatImage {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> pixels;  // HWC

  float at(int x, int y, int c) const {
    return pixels[(static_cast<std::size_t>(y) * width + x) * channels + c];
  }
};

FloatImage resize_image(const Image& src, int width, int height, ResizeKind kind);

}  // namespace tarsier
