#pragma once
// Geometry of a 2-D convolution / transposed convolution on NCHW float tensors.
#include <cstdint>

#include "epilogue.hpp"

namespace tarsier::kernels {

// Conv: x [n][c_in][h_in][w_in], w [c_out][c_in/groups][kernel_h][kernel_w],
// bias [c_out] or null, residual (same shape as y) or null, y [n][c_out][h_out][w_out].
// y = epilogue(conv(x, w) + bias + residual).
struct Conv2dParams {
  std::int64_t n = 1, c_in = 0, h_in = 0, w_in = 0;
  std::int64_t c_out = 0, h_out = 0, w_out = 0;
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  std::int64_t dilation_h = 1, dilation_w = 1;
  std::int64_t groups = 1;
  Epilogue epilogue{};
};

// ConvTranspose: x [n][c_in][h_in][w_in], w [c_in][c_out/groups][kernel_h][kernel_w],
// bias [c_out] or null, y [n][c_out][h_out][w_out] with
// h_out = (h_in-1)*stride_h - pad_top - pad_bottom + dilation_h*(kernel_h-1) + output_padding_h + 1.
struct ConvTranspose2dParams {
  std::int64_t n = 1, c_in = 0, h_in = 0, w_in = 0;
  std::int64_t c_out = 0, h_out = 0, w_out = 0;
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  std::int64_t dilation_h = 1, dilation_w = 1;
  std::int64_t output_padding_h = 0, output_padding_w = 0;
  std::int64_t groups = 1;
  Epilogue epilogue{};
};

}  // namespace tarsier::kernels
