#pragma once
// Image preprocessing on the device: an 8-bit HWC image (1 or 3 channels) to the model's
// normalized input tensor, the exact computation of engine/image/preprocess.cpp (letterbox,
// separable bilinear / nearest / area resampling with the same taps in double, colour
// selection or luma, (p * scale - mean) / std), written without FMA contraction so the float
// result is bit-identical to the CPU path; a half output is that float rounded once.
// The backend fills the parameters from tarsier::plan_preprocess (engine/image/preprocess.hpp).
// Device pointers; launches on `stream`, allocates nothing.
#include <cstdint>

#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::TARSIER_CUDA_NS {

// Same order as tarsier::ResizeKind.
enum class ImageResize : std::uint8_t { Bilinear, Nearest, Area };

struct ImagePreprocessParams {
  // Source image: rows of src_width * src_channels bytes, densely packed.
  int src_width = 0, src_height = 0, src_channels = 0;  // channels 1 or 3
  // The resampled canvas: the image placed at (offset_x, offset_y) on a canvas_width x
  // canvas_height black canvas (the letterbox square), or the image itself (offsets 0).
  int canvas_width = 0, canvas_height = 0, offset_x = 0, offset_y = 0;
  // Output tensor [1][out_channels][out_height][out_width] (nchw) or [1][h][w][c].
  int out_width = 0, out_height = 0, out_channels = 0;  // channels 1 or 3
  bool nchw = true;
  ImageResize resize = ImageResize::Bilinear;
  // Per tensor channel: the source channel read, or -1 for luma 0.299 R + 0.587 G + 0.114 B.
  int source[3] = {0, 1, 2};
  // Per tensor channel: value = pixel * a + b.
  float a[3] = {1.0f, 1.0f, 1.0f}, b[3] = {0.0f, 0.0f, 0.0f};
};

// T is float or __half. Throws Error(InvalidArgument) for inconsistent parameters.
template <class T>
void preprocess_image(const ImagePreprocessParams& p, const std::uint8_t* image, T* out, cudaStream_t stream);

}  // namespace tarsier::TARSIER_CUDA_NS
