#pragma once
// From a decoded image to the model's input tensor, as the model's InputSpec says:
//  1. letterbox (optional): pad to a square canvas, image centred, padding black (0);
//  2. resize to the input's spatial size (see resize.hpp for the exact sampling);
//  3. colour: gray images are replicated for RGB/BGR models; colour images become luma
//     (0.299 R + 0.587 G + 0.114 B, ITU-R 601 as PIL's "L") for gray models; BGR swaps;
//  4. tensor = (pixel * scale - mean[c]) / std[c], c indexing the tensor's own channel
//     order (so a BGR model's mean[0] applies to blue); a single mean/std applies to all
//     channels, none means 0 and 1;
//  5. written as NCHW or NHWC.
#include <array>
#include <span>
#include <vector>

#include <tarsier/model_info.hpp>

#include "image/image.hpp"

namespace tarsier {

// Pads to max(width, height) squared with the image centred (extra odd pixel right/bottom).
Image pad_to_square(const Image& image);

// Everything preprocess() decides before touching pixels, for an image of the given size: a
// device implementation (the CUDA backend) computes the same tensor from it.
struct PreprocessPlan {
  // The image at (offset_x, offset_y) on a black canvas_width x canvas_height canvas (the
  // letterbox square), or the image itself.
  int canvas_width = 0, canvas_height = 0, offset_x = 0, offset_y = 0;
  int out_width = 0, out_height = 0, out_channels = 0;
  bool nchw = true;
  ResizeKind resize = ResizeKind::Bilinear;
  std::array<int, 3> source{0, 0, 0};  // image channel feeding tensor channel c; -1: luma
  std::array<float, 3> a{}, b{};       // tensor channel c = pixel * a[c] + b[c]
};

// Throws like preprocess() for an unusable spec or image channel count.
PreprocessPlan plan_preprocess(const InputSpec& spec, int image_width, int image_height, int image_channels);

// Writes the input tensor of `spec` for `image` into `out`, which must hold exactly the
// spec's element count. Throws Error(InvalidArgument | UnsupportedModel) naming the problem.
void preprocess(const Image& image, const InputSpec& spec, std::span<float> out);
std::vector<float> preprocess(const Image& image, const InputSpec& spec);

}  // namespace tarsier
