#pragma once
// Internal to kernels/cuda/conv: the implicit-GEMM engine shared by conv2d (dense and grouped)
// and conv_transpose2d (2x2 stride 2). Rows (M) are output pixels, columns (N) output
// channels, K runs over (kernel row, kernel column, input channel of the group), so an A tile is
// gathered straight from the NHWC input and a B tile read from weights packed per group as
// [k_pad][n_pad] (zero padded, so B loads need no bounds checks).
#include <cstddef>
#include <cstdint>

#include "kernels/common/epilogue.hpp"
#include "kernels/cuda/conv/conv_math.hpp"

namespace tarsier::TARSIER_CUDA_NS::conv_detail {

// Tile sizes: every mode uses 64x64 output tiles; K tiles are 16 deep for the SIMT modes
// (256 threads, 4x4 outputs each) and 32 for WMMA (4 warps of 2x2 16x16 fragments).
inline constexpr int kTileM = 64;
inline constexpr int kTileN = 64;
inline constexpr int kPackK = 32;  // packed K rows are padded to this (the deepest K tile)
constexpr int tile_k(ConvMath math) { return math == ConvMath::Fp16Wmma ? 32 : 16; }

// The geometry one launch needs, passed to the kernel by value. All int: supported() checks
// that every tensor has fewer than 2^31 elements.
struct IgemmGeometry {
  int n = 1, h_in = 0, w_in = 0, c_in = 0;  // x: NHWC, pixel stride c_in
  int h_out = 0, w_out = 0;                 // the GEMM's output pixels (M = n*h_out*w_out)
  int kh = 1, kw = 1, sh = 1, sw = 1, pad_top = 0, pad_left = 0, dh = 1, dw = 1;
  int groups = 1, cig = 0, cog = 0;  // input channels (K) and output columns (N) per group
  int m = 0, k = 0;                  // M, K per group
  int k_pad = 0, n_pad = 0;          // packed rows / columns per group
  // Output: plain (pixel m, column q) -> y[m * y_stride + q], or the 2x2 stride-2 scatter of a
  // ConvTranspose: column q = (2a + b) * c_out + co goes to pixel (2i + a, 2j + b) of a
  // [2*h_out][2*w_out] output.
  bool scatter2x2 = false;
  int c_out = 0;  // channels of y (groups * cog, or cog / 4 when scatter2x2)
  std::int64_t y_stride = 0;
  kernels::Epilogue epilogue{};
};

IgemmGeometry make_packed_dims(IgemmGeometry g);  // fills k_pad, n_pad from k, cog

// Bytes of packed weights for g in math.
std::size_t igemm_packed_bytes(const IgemmGeometry& g, ConvMath math);

// Host: stores value v of (group, k row, column q) into packed weights dst (zeroed beforehand).
void igemm_pack_store(const IgemmGeometry& g, ConvMath math, void* dst, int group, int k, int q, float v);

// K slices for g in math: split_k 0 decides from the shape, otherwise clamped to the K tiles.
int igemm_split_k(const IgemmGeometry& g, ConvMath math, int split_k);
std::size_t igemm_workspace_bytes(const IgemmGeometry& g, ConvMath math, int split_k);

// y = epilogue(A * B + bias + residual) per the geometry.
void igemm_run(const IgemmGeometry& g, ConvMath math, const void* x, const void* w_packed, const float* bias,
               const void* residual, void* y, void* workspace, cudaStream_t stream, int split_k);

}  // namespace tarsier::TARSIER_CUDA_NS::conv_detail
