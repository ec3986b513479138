#pragma once
// Convolution on NHWC activations: implicit GEMM (shared-memory tiles, fused epilogue, split-K)
// for dense and grouped convolutions, a direct kernel for depthwise ones; conv2d picks the path.
//
// Use: at load, conv2d_supported, then conv2d_pack_weights into a host buffer of
// conv2d_packed_weight_bytes and upload it; per run, a workspace of conv2d_workspace_bytes
// (0: pass null) and conv2d. All pointers but dst_host / w_oihw are device pointers; under the
// emulator (cuda_emu) host memory is device memory and cudaStream_t is a simt::Stream*.
#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/common/conv_params.hpp"
#include "kernels/cuda/conv/conv_math.hpp"

namespace tarsier::TARSIER_CUDA_NS {

// Whether conv2d handles p in math; if not and why != null, *why says what is missing.
// Needs positive sizes, c_in and c_out divisible by groups, h_out/w_out consistent with the
// geometry, and every tensor below 2^31 elements (32-bit indexing).
bool conv2d_supported(const kernels::Conv2dParams& p, ConvMath math, std::string* why = nullptr);

// Size of the packed weights for p (16-byte multiple).
std::size_t conv2d_packed_weight_bytes(const kernels::Conv2dParams& p, ConvMath math);

// Host only, once at load: w_oihw [c_out][c_in/groups][kernel_h][kernel_w] (ONNX layout, float)
// rearranged and converted into dst_host (conv2d_packed_weight_bytes of p; padding zeroed).
// Throws tarsier::Error when p is not supported.
void conv2d_pack_weights(const kernels::Conv2dParams& p, ConvMath math, const float* w_oihw, void* dst_host);

// How many slices the implicit GEMM splits K into for p (1: no split). Decided from the shape:
// split when the output tiles are too few to fill a GPU and K is deep (e.g. 7x7x512 layers).
int conv2d_split_k(const kernels::Conv2dParams& p, ConvMath math);

// Device scratch conv2d needs for p (fp32 split-K partials), 0 when none. split_k as in conv2d.
std::size_t conv2d_workspace_bytes(const kernels::Conv2dParams& p, ConvMath math, int split_k = 0);

// y = epilogue(conv(x, w) + bias + residual), launched on stream (returns at once on a GPU).
//   x         NHWC [n][h_in][w_in][c_in], storage type of math, dense.
//   w_packed  from conv2d_pack_weights, uploaded.
//   bias      device float [c_out] or null.
//   residual  NHWC [n][h_out][w_out][c_out], storage type of math, dense (pixel stride c_out),
//             or null.
//   y         NHWC [n][h_out][w_out][...], pixel i channel c at y[i * y_pixel_stride + c];
//             y_pixel_stride >= c_out, so a producer can write its channel slice of a concat in
//             place (y = start of the slice); channels outside [0, c_out) are not touched.
//             y must not alias x; it may alias residual only when y_pixel_stride == c_out.
//   workspace conv2d_workspace_bytes(p, math, split_k) device bytes (null when 0).
//   split_k   0: conv2d_split_k(p, math); otherwise forced (clamped to the K tiles; tests).
// Throws tarsier::Error when p is not supported.
void conv2d(const kernels::Conv2dParams& p, ConvMath math, const void* x, const void* w_packed, const float* bias,
            const void* residual, void* y, std::int64_t y_pixel_stride, void* workspace, cudaStream_t stream,
            int split_k = 0);

}  // namespace tarsier::TARSIER_CUDA_NS
