#pragma once
// Reference 2-D transposed convolution (NCHW, float32).
#include "kernels/common/conv_params.hpp"

namespace tarsier::ref {

// y = epilogue(conv_transpose(x, w) + bias); layouts as documented on
// ConvTranspose2dParams (w is [c_in][c_out/groups][kh][kw]). bias may be null.
// h_out/w_out come from p, so output_padding is whatever p.h_out implies: rows/columns
// that no input reaches hold epilogue(bias). Allocates nothing; y must not alias x/w/bias.
void conv_transpose2d(const kernels::ConvTranspose2dParams& p, const float* x, const float* w,
                      const float* bias, float* y);

}  // namespace tarsier::ref
