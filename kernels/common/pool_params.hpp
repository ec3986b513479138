#pragma once
#include <cstdint>

namespace tarsier::kernels {

// Max / average pooling on NCHW. h_out/w_out are given (ceil_mode is resolved by shape
// inference); windows that start inside the padded input but run past it are clipped.
struct Pool2dParams {
  std::int64_t n = 1, c = 0, h_in = 0, w_in = 0, h_out = 0, w_out = 0;
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  std::int64_t dilation_h = 1, dilation_w = 1;  // MaxPool only
  bool count_include_pad = false;               // AveragePool only
};

}  // namespace tarsier::kernels
