#pragma once
// Reference 2-D convolution (NCHW, float32): the oracle for every other backend.
#include "kernels/common/conv_params.hpp"

namespace tarsier::ref {

// y = epilogue(conv(x, w) + bias + residual); layouts as documented on Conv2dParams.
// bias and residual may be null. Covers groups (incl. depthwise), dilation, strides and
// asymmetric pads. h_out/w_out are taken from p (shape inference computed them).
// Allocates nothing; y must not alias x, w or bias (it may alias residual).
void conv2d(const kernels::Conv2dParams& p, const float* x, const float* w, const float* bias,
            const float* residual, float* y);

}  // namespace tarsier::ref
