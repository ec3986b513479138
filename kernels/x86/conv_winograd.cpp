// Winograd 3x3: weight transform and packing, sizes, block choice; the per-ISA
// code does the rest (conv/winograd_impl.hpp).
#include <algorithm>
#include <array>
#include <vector>

#include "kernels/x86/conv/conv_isa.hpp"
#include "kernels/x86/conv_kernels.hpp"

namespace tarsier::x86 {

namespace {

int tile_edge(WinogradTile t) { return t == WinogradTile::F2x2 ? 2 : 4; }
int positions(WinogradTile t) { return (tile_edge(t) + 2) * (tile_edge(t) + 2); }

// G of F(m x m, 3 x 3) (rows = m + 2), matching B^T and A^T in
// conv/winograd_impl.hpp.
constexpr std::array<std::array<double, 3>, 4> kG2{
    {{1.0, 0.0, 0.0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0.0, 0.0, 1.0}}};
constexpr std::array<std::array<double, 3>, 6> kG4{{{1.0 / 4, 0.0, 0.0},
                                                    {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                                    {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                                    {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                                    {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                                    {0.0, 0.0, 1.0}}};

double g_at(WinogradTile t, int row, int col) { return t == WinogradTile::F2x2 ? kG2[row][col] : kG4[row][col]; }

std::int64_t round16(std::int64_t n) { return (n + 15) / 16 * 16; }

}  // namespace

bool winograd_applicable(const kernels::Conv2dParams& p) {
  return p.kernel_h == 3 && p.kernel_w == 3 && p.stride_h == 1 && p.stride_w == 1 && p.dilation_h == 1 &&
         p.dilation_w == 1 && p.groups == 1;
}

WinogradTile winograd_preferred_tile(const kernels::Conv2dParams& p) {
  return winograd_tiles(WinogradTile::F4x4, p) >= 32 ? WinogradTile::F4x4 : WinogradTile::F2x2;
}

std::int64_t winograd_tiles(WinogradTile t, const kernels::Conv2dParams& p) {
  const std::int64_t m = tile_edge(t);
  return p.n * ((p.h_out + m - 1) / m) * ((p.w_out + m - 1) / m);
}

std::int64_t winograd_tile_block(Isa isa, WinogradTile t, const kernels::Conv2dParams& p) {
  // V and M of one block (positions x tiles x (c_in + c_out) floats) should
  // stay near L2 (1 MiB on Zen 4/5) while the packed U streams through once per
  // block; more tiles per block amortise that stream. Measured on
  // ResNet18/U-Net layers (AVX-512, 1 thread): budgets of 256 KiB .. 2 MiB are
  // within noise except 14x14x256, which gains 20% from 512 KiB to 1 MiB. Whole
  // microkernel row blocks avoid short GEMM tiles.
  const std::int64_t mr = gemm_mr(isa, p.c_out);
  const std::int64_t per_tile_bytes = positions(t) * (p.c_in + p.c_out) * 4;
  std::int64_t block = (std::int64_t{1} << 20) / std::max<std::int64_t>(per_tile_bytes, 1);
  block = std::clamp<std::int64_t>(block / mr * mr, mr, 8 * mr);
  // Streaming U twice for a few leftover tiles costs more than spilling L2 a
  // little (14x14x256, 16 tiles: one block of 16 is 25% faster than 12 + 4).
  const std::int64_t tiles = winograd_tiles(t, p);
  if (tiles <= 2 * block) block = tiles;
  return std::max<std::int64_t>(1, block);
}

namespace {

// Streamed U is built for kStreamChunk output channels (a whole number of GEMM panels on
// every tile shape; the input transform is repeated c_out / 64 times) by kc input channels,
// sized so that this slice of U (positions x kc x 64 floats) stays around kStreamSliceBytes
// (about L2; measured on ResNet18 layer3/4: 512 KiB slices made short GEMMs, 1 MiB ran 15-25%
// faster, 2 MiB slower again) while the next slice's filters are prefetched.
constexpr std::int64_t kStreamChunk = 64;
constexpr std::int64_t kStreamSliceBytes = 1024 * 1024;
// Streamed tile blocks are larger than stored ones (U is rebuilt per block): the transformed
// input of a block may take this much.
constexpr std::int64_t kStreamBlockBytes = 2 * 1024 * 1024;

std::int64_t stream_chunk(const kernels::Conv2dParams& p) { return std::min(kStreamChunk, p.c_out); }

std::int64_t stream_kc(WinogradTile t, const kernels::Conv2dParams& p) {
  const std::int64_t kc = kStreamSliceBytes / (positions(t) * kStreamChunk * 4) / 16 * 16;
  return std::min(std::max<std::int64_t>(kc, 16), p.c_in);
}

}  // namespace

std::int64_t winograd_stream_block(Isa isa, WinogradTile t, const kernels::Conv2dParams& p) {
  const std::int64_t mr = gemm_mr(isa, stream_chunk(p));
  const std::int64_t tiles = winograd_tiles(t, p);
  std::int64_t block = kStreamBlockBytes / std::max<std::int64_t>(positions(t) * p.c_in * 4, 1) / mr * mr;
  block = std::max(block, mr);
  return tiles <= 2 * block ? std::max<std::int64_t>(tiles, 1) : block;
}

std::int64_t winograd_oc_align(Isa isa, const kernels::Conv2dParams& p, WinogradWeights mode) {
  return mode == WinogradWeights::Streamed ? stream_chunk(p) : gemm_nr(isa, p.c_out);
}

std::size_t winograd_weight_floats(Isa isa, WinogradTile t, WinogradWeights mode, std::int64_t c_in,
                                   std::int64_t c_out) {
  if (mode == WinogradWeights::Streamed)
    return static_cast<std::size_t>(9 * c_in *
                                    ((c_out + conv::kStreamLanes - 1) / conv::kStreamLanes * conv::kStreamLanes));
  return winograd_packed_floats(isa, t, c_in, c_out);
}

void winograd_prepare_weights(Isa isa, WinogradTile t, WinogradWeights mode, const float* w_oihw, std::int64_t c_in,
                              std::int64_t c_out, float* out) {
  if (mode == WinogradWeights::Stored) {
    winograd_pack_weights(isa, t, w_oihw, c_in, c_out, out);
    return;
  }
  // Per chunk of kStreamChunk output channels one contiguous block, ordered as
  // the run-time transform reads it: [c_in][groups of 16 output channels][9
  // taps][16], zero-padded to whole groups. The transform then streams each
  // chunk strictly sequentially (with [c_in][9][c_out] rows it ran at a third
  // of the bandwidth). Written in that order too: the 16 filters of a group are
  // read as 16 sequential streams (a write stride of 16 floats took a sixth of
  // ResNet18's load).
  constexpr std::int64_t lanes = conv::kStreamLanes;
  const std::int64_t chunk = std::min(kStreamChunk, c_out);
  float* dst = out;
  float taps[lanes][9];
  for (std::int64_t co0 = 0; co0 < c_out; co0 += chunk) {
    const std::int64_t w = std::min(chunk, c_out - co0);
    const std::int64_t groups = (w + lanes - 1) / lanes;
    for (std::int64_t ci = 0; ci < c_in; ++ci)
      for (std::int64_t g = 0; g < groups; ++g) {
        const std::int64_t live = std::min(lanes, w - g * lanes);
        for (std::int64_t lane = 0; lane < lanes; ++lane) {
          if (lane < live) std::copy_n(w_oihw + ((co0 + g * lanes + lane) * c_in + ci) * 9, 9, taps[lane]);
          else std::fill_n(taps[lane], 9, 0.0f);
        }
        for (int k = 0; k < 9; ++k)
          for (std::int64_t lane = 0; lane < lanes; ++lane) *dst++ = taps[lane][k];
      }
  }
}

std::size_t winograd_packed_floats(Isa isa, WinogradTile t, std::int64_t c_in, std::int64_t c_out) {
  return static_cast<std::size_t>(positions(t)) * packed_b_floats(isa, c_in, c_out);
}

void winograd_pack_weights(Isa isa, WinogradTile t, const float* w_oihw, std::int64_t c_in, std::int64_t c_out,
                           float* packed) {
  const int a = tile_edge(t) + 2;
  // U[pos] (c_in x c_out, as pack_b lays out B: panels of nr output channels, [c_in][nr] each,
  // padding columns zero), computed in double and rounded once. This runs at model load, so
  // it is written for speed: per input channel, the 3x3 filters of all output channels are
  // gathered as rows of c_out values, G g G^T is evaluated row-wise over c_out (contiguous,
  // vectorisable loops), and each row is stored straight into its place in the panels (a
  // full-size U and a pack_b pass per position took two thirds of ResNet18's load time).
  double gm[6][3];
  for (int i = 0; i < a; ++i)
    for (int k = 0; k < 3; ++k) gm[i][k] = g_at(t, i, k);
  const std::int64_t nr = gemm_nr(isa, c_out);
  const std::int64_t padded = (c_out + nr - 1) / nr * nr;
  const auto co_n = static_cast<std::size_t>(c_out);
  const std::size_t pos_floats = packed_b_floats(isa, c_in, c_out);
  std::vector<double> g(9 * co_n), gg(static_cast<std::size_t>(a) * 3 * co_n);
  std::vector<float> row(static_cast<std::size_t>(padded), 0.0f);
  for (std::int64_t ci = 0; ci < c_in; ++ci) {
    for (std::size_t co = 0; co < co_n; ++co)
      for (int k = 0; k < 9; ++k)
        g[k * co_n + co] = static_cast<double>(w_oihw[(co * static_cast<std::size_t>(c_in) + ci) * 9 + k]);
    for (int i = 0; i < a; ++i)  // gg = G g: gg[i][j] = sum_k G[i][k] g[k][j]
      for (int j = 0; j < 3; ++j) {
        double* dst = gg.data() + (i * 3 + j) * co_n;
        const double* g0 = g.data() + (0 * 3 + j) * co_n;
        const double* g1 = g.data() + (1 * 3 + j) * co_n;
        const double* g2 = g.data() + (2 * 3 + j) * co_n;
        for (std::size_t co = 0; co < co_n; ++co) dst[co] = gm[i][0] * g0[co] + gm[i][1] * g1[co] + gm[i][2] * g2[co];
      }
    for (int i = 0; i < a; ++i)  // U = gg G^T: U[i][j] = sum_k gg[i][k] G[j][k]
      for (int j = 0; j < a; ++j) {
        const double* r0 = gg.data() + (i * 3 + 0) * co_n;
        const double* r1 = gg.data() + (i * 3 + 1) * co_n;
        const double* r2 = gg.data() + (i * 3 + 2) * co_n;
        for (std::size_t co = 0; co < co_n; ++co)
          row[co] = static_cast<float>(r0[co] * gm[j][0] + r1[co] * gm[j][1] + r2[co] * gm[j][2]);
        float* pos_base = packed + static_cast<std::size_t>(i * a + j) * pos_floats;
        for (std::int64_t j0 = 0; j0 < padded; j0 += nr)  // row ci of every panel
          std::copy_n(row.data() + j0, nr, pos_base + j0 * c_in + ci * nr);
      }
  }
}

std::size_t winograd_workspace_floats(Isa isa, WinogradTile t, const kernels::Conv2dParams& p, WinogradWeights mode) {
  const std::int64_t npos = positions(t);
  if (mode == WinogradWeights::Streamed) {
    const std::int64_t block = winograd_stream_block(isa, t, p), kc = stream_kc(t, p), chunk = stream_chunk(p);
    return static_cast<std::size_t>(round16(npos * block * p.c_in) + round16(npos * block * chunk) +
                                    round16(static_cast<std::int64_t>(gemm_workspace_floats(isa, block, kc))) +
                                    npos * (static_cast<std::int64_t>(packed_b_floats(isa, kc, chunk)) + 16));
  }
  const std::int64_t block = winograd_tile_block(isa, t, p);
  return static_cast<std::size_t>(round16(npos * block * p.c_in) + round16(npos * block * p.c_out)) +
         gemm_workspace_floats(isa, block, p.c_in);
}

void winograd_conv(Isa isa, WinogradTile t, const kernels::Conv2dParams& p, const float* x, const float* weights,
                   const float* bias, const float* residual, std::int64_t ld_residual, float* y, std::int64_t ldy,
                   float* workspace, std::int64_t tile_begin, std::int64_t tile_end, std::int64_t oc_begin,
                   std::int64_t oc_end, WinogradWeights mode) {
  if (oc_end < 0 || oc_end > p.c_out) oc_end = p.c_out;
  if (tile_begin >= tile_end || oc_begin >= oc_end) return;
  conv::WinogradCall c;
  c.isa = isa;
  c.tile = t;
  c.p = &p;
  c.x = x;
  c.block = winograd_tile_block(isa, t, p);
  if (mode == WinogradWeights::Streamed) {
    c.stream_w = weights;
    c.chunk = stream_chunk(p);
    c.kc = stream_kc(t, p);
    c.block = winograd_stream_block(isa, t, p);
  } else {
    c.packed = weights;
  }
  c.bias = bias;
  c.residual = residual;
  c.ld_residual = ld_residual;
  c.y = y;
  c.ldy = ldy;
  c.workspace = workspace;
  c.tile_begin = tile_begin;
  c.tile_end = tile_end;
  c.oc_begin = oc_begin;
  c.oc_end = oc_end;
  conv::conv_table(isa).winograd(c);
}

}  // namespace tarsier::x86
