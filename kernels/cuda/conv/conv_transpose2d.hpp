#pragma once
// Transposed convolution on NHWC activations: kernel 2x2 stride 2 pad 0 (U-Net upsampling) runs
// on the implicit-GEMM tiles of conv2d (a 1x1 GEMM whose 4*c_out columns scatter to the 2x2
// output quads); everything else the reference supports runs a direct gather kernel.
// Same conventions as conv2d.hpp (device pointers, storage type from ConvMath).
#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/common/conv_params.hpp"
#include "kernels/cuda/conv/conv_math.hpp"

namespace tarsier::TARSIER_CUDA_NS {

// Whether conv_transpose2d handles p in math (positive sizes, groups dividing c_in and c_out,
// tensors below 2^31 elements); if not and why != null, *why says what is missing.
bool conv_transpose2d_supported(const kernels::ConvTranspose2dParams& p, ConvMath math, std::string* why = nullptr);

// Size of the packed weights for p (16-byte multiple).
std::size_t conv_transpose2d_packed_weight_bytes(const kernels::ConvTranspose2dParams& p, ConvMath math);

// Host only, once at load: w_iohw [c_in][c_out/groups][kernel_h][kernel_w] (ONNX layout, float)
// into dst_host (conv_transpose2d_packed_weight_bytes of p). Throws tarsier::Error if unsupported.
void conv_transpose2d_pack_weights(const kernels::ConvTranspose2dParams& p, ConvMath math, const float* w_iohw,
                                   void* dst_host);

// Device scratch for p (split-K partials of the 2x2/2 path), 0 when none. split_k as below.
std::size_t conv_transpose2d_workspace_bytes(const kernels::ConvTranspose2dParams& p, ConvMath math, int split_k = 0);

// y = epilogue(conv_transpose(x, w) + bias).
//   x  NHWC [n][h_in][w_in][c_in] dense;  bias device float [c_out] or null;
//   y  NHWC, pixel i channel c at y[i * y_pixel_stride + c], y_pixel_stride >= c_out (concat
//      slices written in place; other channels untouched). Output pixels no input reaches
//      (output_padding) get epilogue(bias).
//   split_k  0: decided from the shape; otherwise forced (2x2/2 path only; tests).
void conv_transpose2d(const kernels::ConvTranspose2dParams& p, ConvMath math, const void* x, const void* w_packed,
                      const float* bias, void* y, std::int64_t y_pixel_stride, void* workspace, cudaStream_t stream,
                      int split_k = 0);

}  // namespace tarsier::TARSIER_CUDA_NS
