#pragma once
// Convolution-family kernels of the x86 SIMD backend on NHWC activations:
// Winograd 3x3, depthwise convolution, max/average/global pooling and
// nearest/bilinear resize.
//
// Layouts: activations are NHWC (pixel-major, channels contiguous). Inputs are
// dense (pixel stride = their channel count). Every output takes a pixel stride
// ldy >= its channel count, so a producer can write straight into its channel
// slice of a concat output; the columns of y beyond the channel count are never
// touched. Residuals are NHWC with pixel stride ld_residual and may be y itself
// (same stride): each element is read before it is written.
//
// Threading: every kernel computes a caller-given range of independent work
// items (Winograd tiles, output rows over n * h_out), so threads split the
// range and results are identical for any split. Nothing here throws or keeps
// state; scratch comes from the caller. Only the load-time weight packing
// allocates (a temporary for the Winograd transform). The Isa must be one the
// CPU has (x86::has_isa); Sigmoid epilogues are computed exactly like
// kernels/ref (scalar std::exp) after the vector store.
#include <cstddef>
#include <cstdint>

#include "kernels/common/conv_params.hpp"
#include "kernels/common/pool_params.hpp"
#include "kernels/common/resize_params.hpp"
#include "kernels/x86/gemm.hpp"

namespace tarsier::x86 {

// ---------------------------------------------------------------------------------------
// Winograd F(m x m, 3 x 3) for 3x3 convolutions with stride 1, dilation 1,
// groups 1 and any pads. Weights are transformed (G g G^T, in double) and
// packed once; a call then processes its tiles (m x m output pixels each) in
// blocks: input transform B^T d B vectorised across channels, (m+2)^2 GEMMs
// with x86::gemm (rows = tiles of the block), output transform A^T M A with
// bias + residual + activation fused, clipped at the right/bottom edges.
//
// Accuracy: max|y - ref| / max|ref| for one layer in fp32 (kernels/ref itself
// rounds too), unit-range inputs, weights in [-0.5, 0.5], measured by
// tests/x86_conv/winograd_test.cpp:
//   layer (C in = out)   F(2x2) (points 0, +-1)   F(4x4) (points 0, +-1, +-2)
//   56x56x64             9.6e-7                   6.5e-6
//   28x28x128            1.2e-6                   8.0e-6
//   14x14x256            1.7e-6                   1.3e-5
//   7x7x512              2.1e-6                   1.1e-5
// A ResNet18-like stack of 16 convolutions (13 by Winograd) ends within 3e-6 of
// the reference with either tile (tests/x86_conv/winograd_chain_test.cpp), far
// inside the golden 1e-4. Speed: see winograd_preferred_tile and
// bench/kernels_conv.
enum class WinogradTile : std::uint8_t { F2x2 = 2, F4x4 = 4 };

// 3x3, stride 1, dilation 1, groups 1.
bool winograd_applicable(const kernels::Conv2dParams& p);

// The faster tile for this layer, measured on this machine (1 thread,
// bench/kernels_conv): F(4x4) once there are at least 32 of its tiles (ResNet18
// 56x56 and 28x28, all U-Net layers: 2.3-3.2x im2col + GEMM); F(2x2) below
// (14x14: 1.7x, 7x7: 1.1-1.2x im2col + GEMM), where streaming 36 transformed
// weight matrices for a handful of tiles costs more than the extra products.
WinogradTile winograd_preferred_tile(const kernels::Conv2dParams& p);

// Output tiles over the batch: n * ceil(h_out / m) * ceil(w_out / m). Tile t
// covers image t / (th * tw), tile row (t / tw) % th, tile column t % tw.
std::int64_t winograd_tiles(WinogradTile t, const kernels::Conv2dParams& p);

// Tiles processed per internal block (a good split granularity between
// threads).
std::int64_t winograd_tile_block(Isa isa, WinogradTile t, const kernels::Conv2dParams& p);

// How a layer keeps its weights. Stored: U = G g G^T transformed and packed
// once at load, (m+2)^2 floats per filter pair (4x the raw filter for
// F(4x4), 1.8x for F(2x2)): fastest where U is reused by many tiles. Streamed:
// the raw filters ([c_in][9][c_out], 1x) are kept and U is rebuilt per chunk of
// output channels on every run, in cache, just before its GEMMs: for deep
// layers with few tiles (large weights, small images) this costs little time
// (ResNet18 layer3/4: see engine/backend/x86/README.md) and saves most of the
// memory and of the load time. Both give the same result for any thread count;
// they differ from each other by rounding only (U in double vs float).
enum class WinogradWeights : std::uint8_t { Stored, Streamed };

// Tiles per block in streamed mode (U is rebuilt per block, so blocks are large).
std::int64_t winograd_stream_block(Isa isa, WinogradTile t, const kernels::Conv2dParams& p);

// Floats of the prepared weights of one layer.
std::size_t winograd_weight_floats(Isa isa, WinogradTile t, WinogradWeights mode, std::int64_t c_in,
                                   std::int64_t c_out);

// w_oihw: [c_out][c_in][3][3]. out holds winograd_weight_floats() floats
// (64-byte aligned is best); every float of it is written.
void winograd_prepare_weights(Isa isa, WinogradTile t, WinogradWeights mode, const float* w_oihw, std::int64_t c_in,
                              std::int64_t c_out, float* out);

// Stored mode, as before: same as winograd_weight_floats /
// winograd_prepare_weights(Stored).
std::size_t winograd_packed_floats(Isa isa, WinogradTile t, std::int64_t c_in, std::int64_t c_out);
void winograd_pack_weights(Isa isa, WinogradTile t, const float* w_oihw, std::int64_t c_in, std::int64_t c_out,
                           float* packed);

// Scratch floats one calling thread needs (transformed input and products of
// one block, the GEMM's own scratch and, streamed, one chunk of U).
std::size_t winograd_workspace_floats(Isa isa, WinogradTile t, const kernels::Conv2dParams& p,
                                      WinogradWeights mode = WinogradWeights::Stored);

// Output channel ranges passed to winograd_conv start at a multiple of this (a
// GEMM panel, or streamed, a chunk of U).
std::int64_t winograd_oc_align(Isa isa, const kernels::Conv2dParams& p, WinogradWeights mode = WinogradWeights::Stored);

// y (NHWC, pixel stride ldy) = epilogue(conv3x3(x) + bias + residual) for the
// output pixels of tiles [tile_begin, tile_end) and output channels [oc_begin,
// oc_end) (oc_end = -1: c_out). x is NHWC dense [n][h_in][w_in][c_in]; bias
// [c_out] or null; weights as prepared for `mode`. workspace:
// winograd_workspace_floats() floats for the same mode, private to the calling
// thread. Threads split the tiles; where there are few tiles (deep layers: 7x7
// has 4 F(4x4) tiles) they can split output channels instead (each then repeats
// the cheap input transform), so that each thread streams (or, streamed,
// builds) only its part of the transformed weights.
void winograd_conv(Isa isa, WinogradTile t, const kernels::Conv2dParams& p, const float* x, const float* weights,
                   const float* bias, const float* residual, std::int64_t ld_residual, float* y, std::int64_t ldy,
                   float* workspace, std::int64_t tile_begin, std::int64_t tile_end, std::int64_t oc_begin = 0,
                   std::int64_t oc_end = -1, WinogradWeights mode = WinogradWeights::Stored);

// ---------------------------------------------------------------------------------------
// Depthwise convolution: groups == c_in == c_out (multiplier 1), any kernel
// size, stride, dilation and pads. Vectorised across channels with masked
// tails; 3x3 has an unrolled path.
bool dwconv_applicable(const kernels::Conv2dParams& p);

// Packed weights: [kernel_h][kernel_w][c] (a vector of channels per tap is
// contiguous).
std::size_t dwconv_packed_floats(const kernels::Conv2dParams& p);
void dwconv_pack_weights(const kernels::Conv2dParams& p, const float* w_oihw, float* packed);

// Output rows over the batch: n * h_out. Row r is image r / h_out, output row r
// % h_out.
std::int64_t conv_rows(const kernels::Conv2dParams& p);

// Rows [row_begin, row_end) of y = epilogue(dwconv(x) + bias + residual).
void dwconv_nhwc(Isa isa, const kernels::Conv2dParams& p, const float* x, const float* packed_w, const float* bias,
                 const float* residual, std::int64_t ld_residual, float* y, std::int64_t ldy, std::int64_t row_begin,
                 std::int64_t row_end);

// ---------------------------------------------------------------------------------------
// Pooling with exactly kernels/ref/pool2d.hpp's semantics (clipped windows,
// count_include_pad over the padded input, empty windows -> -inf for max and 0
// for average). Rows as conv_rows: [0, n * h_out). x: [n][h_in][w_in][c] dense;
// y: pixel stride ldy.
std::int64_t pool_rows(const kernels::Pool2dParams& p);
void max_pool2d_nhwc(Isa isa, const kernels::Pool2dParams& p, const float* x, float* y, std::int64_t ldy,
                     std::int64_t row_begin, std::int64_t row_end);
void avg_pool2d_nhwc(Isa isa, const kernels::Pool2dParams& p, const float* x, float* y, std::int64_t ldy,
                     std::int64_t row_begin, std::int64_t row_end);

// y[b][c] (pixel stride ldy, one pixel per image) = mean over the hw pixels of
// image b, for images [n_begin, n_end). Summed in pixel order like the
// reference, so the result is the same.
void global_avg_pool_nhwc(Isa isa, std::int64_t c, std::int64_t hw, const float* x, float* y, std::int64_t ldy,
                          std::int64_t n_begin, std::int64_t n_end);

// ---------------------------------------------------------------------------------------
// Resize (nearest with every rounding, linear with every coordinate transform)
// with exactly kernels/ref/resize.hpp's coordinate math. Rows [row_begin,
// row_end) of [0, n * h_out).
std::int64_t resize_rows(const kernels::ResizeParams& p);
void resize2d_nhwc(Isa isa, const kernels::ResizeParams& p, const float* x, float* y, std::int64_t ldy,
                   std::int64_t row_begin, std::int64_t row_end);

}  // namespace tarsier::x86
