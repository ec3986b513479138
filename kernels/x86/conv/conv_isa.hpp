#pragma once
// The contract between the ISA-neutral conv-family entry points
// (kernels/x86/conv_*.cpp, plain flags) and their per-ISA implementations
// (avx2/, avx512/, built with their own flags). Adding an ISA means adding its
// files and one row in conv_dispatch.cpp's table.
#include <cstdint>

#include "kernels/common/conv_params.hpp"
#include "kernels/common/pool_params.hpp"
#include "kernels/common/resize_params.hpp"
#include "kernels/x86/conv_kernels.hpp"

namespace tarsier::x86::conv {

// Streamed Winograd weights are laid out in groups of this many output
// channels.
inline constexpr std::int64_t kStreamLanes = 16;

// Everything one winograd_conv call needs; block = tiles per block (sizes the
// workspace).
struct WinogradCall {
  Isa isa = Isa::Avx2;
  WinogradTile tile = WinogradTile::F4x4;
  const kernels::Conv2dParams* p = nullptr;
  const float* x = nullptr;
  const float* packed = nullptr;    // stored weights: U packed per position, or
  const float* stream_w = nullptr;  // streamed weights: raw filters, see winograd_prepare_weights
  std::int64_t chunk = 0, kc = 0;   // streamed: U is built for chunk x kc filter pairs at once
  const float* bias = nullptr;
  const float* residual = nullptr;
  std::int64_t ld_residual = 0;
  float* y = nullptr;
  std::int64_t ldy = 0;
  float* workspace = nullptr;
  std::int64_t tile_begin = 0, tile_end = 0, block = 1;
  std::int64_t oc_begin = 0, oc_end = 0;  // output channels computed
};

struct DwconvCall {
  const kernels::Conv2dParams* p = nullptr;
  const float* x = nullptr;
  const float* packed_w = nullptr;
  const float* bias = nullptr;
  const float* residual = nullptr;
  std::int64_t ld_residual = 0;
  float* y = nullptr;
  std::int64_t ldy = 0;
  std::int64_t row_begin = 0, row_end = 0;
};

using WinogradFn = void (*)(const WinogradCall&);
using DwconvFn = void (*)(const DwconvCall&);
using PoolFn = void (*)(const kernels::Pool2dParams&, const float*, float*, std::int64_t, std::int64_t, std::int64_t);
using GlobalPoolFn = void (*)(std::int64_t, std::int64_t, const float*, float*, std::int64_t, std::int64_t,
                              std::int64_t);
using ResizeFn = void (*)(const kernels::ResizeParams&, const float*, float*, std::int64_t, std::int64_t, std::int64_t);

// One ISA's implementations; conv_table(isa) returns the row for isa.
struct ConvIsaTable {
  WinogradFn winograd;
  DwconvFn dwconv;
  PoolFn maxpool, avgpool;
  GlobalPoolFn global_avgpool;
  ResizeFn resize;
};
const ConvIsaTable& conv_table(Isa isa);

#define TARSIER_CONV_ISA_DECLS(isa)                                                                          \
  void f32_winograd_##isa(const WinogradCall& c);                                                            \
  void f32_dwconv_##isa(const DwconvCall& c);                                                                \
  void f32_maxpool_##isa(const kernels::Pool2dParams& p, const float* x, float* y, std::int64_t ldy,         \
                         std::int64_t row_begin, std::int64_t row_end);                                      \
  void f32_avgpool_##isa(const kernels::Pool2dParams& p, const float* x, float* y, std::int64_t ldy,         \
                         std::int64_t row_begin, std::int64_t row_end);                                      \
  void f32_global_avgpool_##isa(std::int64_t c, std::int64_t hw, const float* x, float* y, std::int64_t ldy, \
                                std::int64_t n_begin, std::int64_t n_end);                                   \
  void f32_resize_##isa(const kernels::ResizeParams& p, const float* x, float* y, std::int64_t ldy,          \
                        std::int64_t row_begin, std::int64_t row_end);

TARSIER_CONV_ISA_DECLS(avx2)
TARSIER_CONV_ISA_DECLS(avx512)
#undef TARSIER_CONV_ISA_DECLS

}  // namespace tarsier::x86::conv
