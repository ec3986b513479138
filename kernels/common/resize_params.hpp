#pragma once
#include <cstdint>

namespace tarsier::kernels {

enum class ResizeMode : std::uint8_t { Nearest, Linear };
// ONNX coordinate_transformation_mode values the engine supports.
enum class CoordinateTransform : std::uint8_t {
  HalfPixel,
  PytorchHalfPixel,
  AlignCorners,
  Asymmetric,
};
// ONNX nearest_mode values.
enum class NearestRounding : std::uint8_t { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };

// Resize of the two spatial axes of an NCHW tensor. scale_h/scale_w are the ONNX
// scales (output/input as given by the model; equal to h_out/h_in when sizes were given).
struct ResizeParams {
  std::int64_t n = 1, c = 0, h_in = 0, w_in = 0, h_out = 0, w_out = 0;
  float scale_h = 1.0f, scale_w = 1.0f;
  ResizeMode mode = ResizeMode::Nearest;
  CoordinateTransform transform = CoordinateTransform::HalfPixel;
  NearestRounding rounding = NearestRounding::RoundPreferFloor;
};

}  // namespace tarsier::kernels
