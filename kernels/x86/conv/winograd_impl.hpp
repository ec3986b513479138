#pragma once
// Winograd F(m x m, 3 x 3) on NHWC, written once over a SIMD vector type V
// (simd.hpp) and instantiated per ISA by avx2/f32_winograd_avx2.cpp and
// avx512/f32_winograd_avx512.cpp.
//
// Per block of tiles: (1) gather each tile's (m+2)^2 input patch (zeros outside
// the image) and transform it with B^T d B, vectorised across input channels,
// into V[pos][tile][c_in]; (2) for each of the (m+2)^2 positions, M[pos] =
// V[pos] . U[pos] with x86::gemm (rows = tiles, k = c_in, n = c_out); (3)
// transform back with A^T M A, vectorised across output channels, add bias and
// residual, apply the activation and store the pixels inside the output. The
// block is sized so V and M stay in L2 while the packed U streams through. The
// matrices here must match G in conv_winograd.cpp (Lavin & Gray's, points 0,
// +-1, +-2).
#include <algorithm>
#include <cstdint>
#include <utility>

#include "kernels/x86/conv/conv_isa.hpp"
#include "kernels/x86/conv/simd.hpp"
#include "kernels/x86/gemm.hpp"

namespace tarsier::x86::conv {

template <class V, int M>
struct WinogradXform;

// F(2x2, 3x3): B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], A^T = [1 1 1 0; 0
// 1 -1 -1].
template <class V>
struct WinogradXform<V, 2> {
  using Reg = typename V::Reg;
  // t[i * ts] = sum_k B^T[i][k] d[k * ds]
  static void input(const Reg* d, int ds, Reg* t, int ts) {
    const Reg d0 = d[0], d1 = d[ds], d2 = d[2 * ds], d3 = d[3 * ds];
    t[0] = V::sub(d0, d2);
    t[ts] = V::add(d1, d2);
    t[2 * ts] = V::sub(d2, d1);
    t[3 * ts] = V::sub(d1, d3);
  }
  // o[i * os] = sum_k A^T[i][k] m[k * ms]
  static void output(const Reg* m, int ms, Reg* o, int os) {
    const Reg m1 = m[ms], m2 = m[2 * ms];
    o[0] = V::add(V::add(m[0], m1), m2);
    o[os] = V::sub(V::sub(m1, m2), m[3 * ms]);
  }
  // G g for one column (3 values in, 4 out); G as kG2 in conv_winograd.cpp.
  static void weight(const Reg* g, int gs, Reg* u, int us) {
    const Reg half = V::set1(0.5f);
    const Reg s = V::mul(V::add(g[0], g[2 * gs]), half), h = V::mul(g[gs], half);
    u[0] = g[0];
    u[us] = V::add(s, h);
    u[2 * us] = V::sub(s, h);
    u[3 * us] = g[2 * gs];
  }
};

// F(4x4, 3x3):
// B^T = [4  0 -5  0 1 0]     A^T = [1 1  1 1  1 0]
//       [0 -4 -4  1 1 0]           [0 1 -1 2 -2 0]
//       [0  4 -4 -1 1 0]           [0 1  1 4  4 0]
//       [0 -2 -1  2 1 0]           [0 1 -1 8 -8 1]
//       [0  2 -1 -2 1 0]
//       [0  4  0 -5 0 1]
template <class V>
struct WinogradXform<V, 4> {
  using Reg = typename V::Reg;
  static void input(const Reg* d, int ds, Reg* t, int ts) {
    const Reg d0 = d[0], d1 = d[ds], d2 = d[2 * ds], d3 = d[3 * ds], d4 = d[4 * ds], d5 = d[5 * ds];
    const Reg four = V::set1(4.0f), mfour = V::set1(-4.0f), mfive = V::set1(-5.0f), two = V::set1(2.0f);
    t[0] = V::fmadd(four, d0, V::fmadd(mfive, d2, d4));
    const Reg a = V::fmadd(mfour, d2, d4), b = V::fmadd(mfour, d1, d3);
    t[ts] = V::add(a, b);
    t[2 * ts] = V::sub(a, b);
    const Reg c = V::sub(d4, d2), e = V::mul(two, V::sub(d3, d1));
    t[3 * ts] = V::add(c, e);
    t[4 * ts] = V::sub(c, e);
    t[5 * ts] = V::fmadd(four, d1, V::fmadd(mfive, d3, d5));
  }
  static void output(const Reg* m, int ms, Reg* o, int os) {
    const Reg m1 = m[ms], m2 = m[2 * ms], m3 = m[3 * ms], m4 = m[4 * ms];
    const Reg a = V::add(m1, m2), b = V::sub(m1, m2), c = V::add(m3, m4), d = V::sub(m3, m4);
    o[0] = V::add(V::add(m[0], a), c);
    o[os] = V::fmadd(V::set1(2.0f), d, b);
    o[2 * os] = V::fmadd(V::set1(4.0f), c, a);
    o[3 * os] = V::fmadd(V::set1(8.0f), d, V::add(b, m[5 * ms]));
  }
  // G g for one column (3 values in, 6 out); G as kG4 in conv_winograd.cpp.
  static void weight(const Reg* g, int gs, Reg* u, int us) {
    const Reg g0 = g[0], g1 = g[gs], g2 = g[2 * gs];
    const Reg s = V::mul(V::add(g0, g2), V::set1(-1.0f / 6)), h = V::mul(g1, V::set1(1.0f / 6));
    const Reg t = V::fmadd(g0, V::set1(1.0f / 24), V::mul(g2, V::set1(1.0f / 6))), q = V::mul(g1, V::set1(1.0f / 12));
    u[0] = V::mul(g0, V::set1(0.25f));
    u[us] = V::sub(s, h);
    u[2 * us] = V::add(s, h);
    u[3 * us] = V::add(t, q);
    u[4 * us] = V::sub(t, q);
    u[5 * us] = g2;
  }
};

template <class V, int M>
class WinogradRunner {
  static constexpr int kA = M + 2;    // input tile edge
  static constexpr int kP = kA * kA;  // transform positions
  using Reg = typename V::Reg;
  using X = WinogradXform<V, M>;

 public:
  explicit WinogradRunner(const WinogradCall& c) : c_(c), p_(*c.p) {
    tiles_h_ = (p_.h_out + M - 1) / M;
    tiles_w_ = (p_.w_out + M - 1) / M;
    const bool streamed = c.stream_w != nullptr;
    // Streamed, M holds one chunk of output channels only.
    v_pos_ = c.block * p_.c_in;
    m_pos_ = c.block * (streamed ? c.chunk : p_.c_out);
    vbuf_ = c.workspace;
    mbuf_ = vbuf_ + round16(kP * v_pos_);
    gemm_ws_ = mbuf_ + round16(kP * m_pos_);
    if (streamed) {
      ubuf_ = gemm_ws_ + round16(static_cast<std::int64_t>(gemm_workspace_floats(c.isa, c.block, c.kc)));
      // One cache line more than the chunk between positions: a power-of-two stride would put
      // the (m+2)^2 store streams of the transform in the same L1 set.
      u_pos_ = static_cast<std::int64_t>(packed_b_floats(c.isa, c.kc, c.chunk)) + 16;
    } else {
      u_pos_ = static_cast<std::int64_t>(packed_b_floats(c.isa, p_.c_in, p_.c_out));
    }
  }

  void run() const {
    if (c_.stream_w != nullptr) {
      run_streamed();
      return;
    }
    for (std::int64_t t0 = c_.tile_begin; t0 < c_.tile_end; t0 += c_.block) {
      const std::int64_t nb = std::min(c_.block, c_.tile_end - t0);
      for (std::int64_t i = 0; i < nb; ++i) input_tile(t0 + i, vbuf_ + i * p_.c_in);
      for (int pos = 0; pos < kP; ++pos)
        gemm(c_.isa, nb, p_.c_out, p_.c_in, vbuf_ + pos * v_pos_, p_.c_in, c_.packed + pos * u_pos_,
             mbuf_ + pos * m_pos_, p_.c_out, GemmEpilogue{}, gemm_ws_, c_.oc_begin, c_.oc_end);
      for (std::int64_t i = 0; i < nb; ++i) output_tile(t0 + i, mbuf_ + i * p_.c_out, 0, c_.oc_begin, c_.oc_end);
    }
  }

 private:
  static std::int64_t round16(std::int64_t n) { return (n + 15) / 16 * 16; }

  struct TilePos {
    std::int64_t img, row, col;  // image, first output row and column
  };
  TilePos locate(std::int64_t tile) const {
    const std::int64_t per_img = tiles_h_ * tiles_w_;
    const std::int64_t rem = tile % per_img;
    return {tile / per_img, rem / tiles_w_ * M, rem % tiles_w_ * M};
  }

  // v: this tile's row of V[0]; position pos's row is at v + pos * v_pos_.
  void input_tile(std::int64_t tile, float* v) const {
    const TilePos tp = locate(tile);
    const std::int64_t ih0 = tp.row - p_.pad_top, iw0 = tp.col - p_.pad_left;
    const std::int64_t r_lo = std::max<std::int64_t>(0, -ih0), r_hi = std::min<std::int64_t>(kA, p_.h_in - ih0);
    const std::int64_t q_lo = std::max<std::int64_t>(0, -iw0), q_hi = std::min<std::int64_t>(kA, p_.w_in - iw0);
    const bool inside = r_lo == 0 && r_hi == kA && q_lo == 0 && q_hi == kA;
    const std::int64_t c_in = p_.c_in;
    const float* ximg = c_.x + tp.img * p_.h_in * p_.w_in * c_in;
    for_channels<V>(c_in, [&](std::int64_t ch, auto mk) {
      Reg d[kA][kA];
      for (int r = 0; r < kA; ++r)
        for (int q = 0; q < kA; ++q) {
          if (inside || (r >= r_lo && r < r_hi && q >= q_lo && q < q_hi))
            d[r][q] = V::load(ximg + ((ih0 + r) * p_.w_in + iw0 + q) * c_in + ch, mk);
          else
            d[r][q] = V::zero();
        }
      Reg t[kA][kA];
      for (int q = 0; q < kA; ++q) X::input(&d[0][q], kA, &t[0][q], kA);
      for (int r = 0; r < kA; ++r) {
        Reg o[kA];
        X::input(&t[r][0], 1, o, 1);
        for (int q = 0; q < kA; ++q) V::store(v + (r * kA + q) * v_pos_ + ch, o[q], mk);
      }
    });
  }

  // Output channels [oc_begin, oc_end) of one tile; m holds its products from channel m_ch0 on.
  void output_tile(std::int64_t tile, const float* m, std::int64_t m_ch0, std::int64_t oc_begin,
                   std::int64_t oc_end) const {
    const TilePos tp = locate(tile);
    const std::int64_t rows = std::min<std::int64_t>(M, p_.h_out - tp.row);
    const std::int64_t cols = std::min<std::int64_t>(M, p_.w_out - tp.col);
    const VecAct<V> act(p_.epilogue);
    for_channels<V>(oc_end - oc_begin, [&](std::int64_t ch0, auto mk) {
      const std::int64_t ch = oc_begin + ch0;
      Reg s[kA][kA];
      for (int r = 0; r < kA; ++r)
        for (int q = 0; q < kA; ++q) s[r][q] = V::load(m + (r * kA + q) * m_pos_ + ch - m_ch0, mk);
      Reg t[M][kA];
      for (int q = 0; q < kA; ++q) X::output(&s[0][q], kA, &t[0][q], kA);
      const Reg bias = c_.bias != nullptr ? V::load(c_.bias + ch, mk) : V::zero();
      for (std::int64_t r = 0; r < rows; ++r) {
        Reg o[M];
        X::output(&t[r][0], 1, o, 1);
        const std::int64_t pix0 = (tp.img * p_.h_out + tp.row + r) * p_.w_out + tp.col;
        for (std::int64_t q = 0; q < cols; ++q) {
          Reg v = V::add(o[q], bias);
          if (c_.residual != nullptr) v = V::add(v, V::load(c_.residual + (pix0 + q) * c_.ld_residual + ch, mk));
          act.store(c_.y + (pix0 + q) * c_.ldy + ch, v, mk);
        }
      }
    });
  }

  // Streamed weights: U is built on every run from the raw filters (winograd_prepare_weights'
  // layout), for one chunk of output channels and kc input channels at a time, right before
  // the GEMMs that use it, so the layer keeps 9 floats per filter pair instead of (m+2)^2 and
  // that piece of U stays in L2. The GEMMs accumulate over the kc slices in M. Per tile
  // block, the input transform runs once per chunk and U once per block (blocks are large
  // here: winograd_stream_block).
  void run_streamed() const {
    for (std::int64_t o0 = c_.oc_begin; o0 < c_.oc_end; o0 += c_.chunk) {
      const std::int64_t w = std::min(c_.chunk, c_.oc_end - o0);
      const std::int64_t nr = gemm_nr(c_.isa, w);
      for (std::int64_t t0 = c_.tile_begin; t0 < c_.tile_end; t0 += c_.block) {
        const std::int64_t nb = std::min(c_.block, c_.tile_end - t0);
        for (std::int64_t i = 0; i < nb; ++i) input_tile(t0 + i, vbuf_ + i * p_.c_in);
        for (std::int64_t k0 = 0; k0 < p_.c_in; k0 += c_.kc) {
          const std::int64_t kw = std::min(c_.kc, p_.c_in - k0);
          transform_slice(o0, w, nr, k0, kw);
          // The next slice's filters come from DRAM: fetch them into L2 while these GEMMs
          // compute, a share per position (read in the transform alone, they made it
          // bandwidth-bound, ~40% of a streamed layer's time).
          const auto [next, next_floats] = next_slice(o0, k0, t0);
          for (int pos = 0; pos < kP; ++pos) {
            for (std::int64_t f = next_floats * pos / kP; f < next_floats * (pos + 1) / kP; f += 16)
              __builtin_prefetch(next + f, 0, 2);
            float* mp = mbuf_ + pos * m_pos_;
            const GemmEpilogue accumulate = k0 == 0 ? GemmEpilogue{} : GemmEpilogue{nullptr, mp, w, {}};
            gemm(c_.isa, nb, w, kw, vbuf_ + pos * v_pos_ + k0, p_.c_in, ubuf_ + pos * u_pos_, mp, w, accumulate,
                 gemm_ws_);
          }
        }
        for (std::int64_t i = 0; i < nb; ++i) output_tile(t0 + i, mbuf_ + i * w, o0, o0, o0 + w);
      }
    }
  }

  // Where the filters of the slice after (o0, k0) start and how many floats they span (none
  // after the last slice of the call).
  std::pair<const float*, std::int64_t> next_slice(std::int64_t o0, std::int64_t k0, std::int64_t t0) const {
    const std::int64_t next_k = k0 + c_.kc;
    if (next_k < p_.c_in) return {slice_filters(o0, next_k), std::min(c_.kc, p_.c_in - next_k) * ci_floats(o0)};
    if (t0 + c_.block < c_.tile_end) return {slice_filters(o0, 0), std::min(c_.kc, p_.c_in) * ci_floats(o0)};
    const std::int64_t next_o = o0 + c_.chunk;
    if (next_o < c_.oc_end) return {slice_filters(next_o, 0), std::min(c_.kc, p_.c_in) * ci_floats(next_o)};
    return {c_.stream_w, 0};
  }
  // Floats of one input channel's filters in the chunk starting at o0, and where a slice starts.
  std::int64_t ci_floats(std::int64_t o0) const {
    const std::int64_t w = std::min(c_.chunk, p_.c_out - o0);
    return (w + kStreamLanes - 1) / kStreamLanes * 9 * kStreamLanes;
  }
  const float* slice_filters(std::int64_t o0, std::int64_t k0) const {
    return c_.stream_w + o0 * p_.c_in * 9 + k0 * ci_floats(o0);
  }

  // U for output channels [o0, o0 + w) and input channels [k0, k0 + kw), in pack_b's panel
  // layout for a k = kw, n = w GEMM: panels of nr columns, each kw x nr row-major, padding
  // columns zero.
  void transform_slice(std::int64_t o0, std::int64_t w, std::int64_t nr, std::int64_t k0, std::int64_t kw) const {
    const std::int64_t w_pad = (w + nr - 1) / nr * nr;
    const std::int64_t w_lanes = (w + kStreamLanes - 1) / kStreamLanes * kStreamLanes;
    const std::int64_t stride = ci_floats(o0);
    const float* block = slice_filters(o0, 0);  // this chunk's filters, in read order
    for (std::int64_t ci = k0; ci < k0 + kw; ++ci) {
      const float* g_ci = block + ci * stride;
      // Two input channels ahead: the first slice of a call is not prefetched during GEMMs
      // (run_streamed), and the hardware prefetcher alone left these loads stalling.
      if (ci + 2 < p_.c_in)
        for (std::int64_t f = 0; f < stride; f += 16) __builtin_prefetch(g_ci + 2 * stride + f);
      for (std::int64_t co = 0; co < w_pad; co += V::kWidth) {
        // Lanes past w are zero in the layout, whole groups past it zero here: the padding
        // columns of U come out zero.
        Reg g[3][3];
        const float* g_co = g_ci + (co / kStreamLanes) * 9 * kStreamLanes + co % kStreamLanes;
        for (int k = 0; k < 9; ++k)
          g[k / 3][k % 3] = co < w_lanes ? V::load(g_co + k * kStreamLanes, Full{}) : V::zero();
        Reg gg[kA][3];
        for (int q = 0; q < 3; ++q) X::weight(&g[0][q], 3, &gg[0][q], 3);
        float* dst = ubuf_ + (co / nr) * kw * nr + (ci - k0) * nr + co % nr;
        for (int r = 0; r < kA; ++r) {
          Reg u[kA];
          X::weight(&gg[r][0], 1, u, 1);
          for (int q = 0; q < kA; ++q) V::store(dst + (r * kA + q) * u_pos_, u[q], Full{});
        }
      }
    }
  }

  const WinogradCall& c_;
  const kernels::Conv2dParams& p_;
  float* ubuf_ = nullptr;
  std::int64_t tiles_h_ = 0, tiles_w_ = 0;
  std::int64_t v_pos_ = 0, m_pos_ = 0, u_pos_ = 0;
  float* vbuf_ = nullptr;
  float* mbuf_ = nullptr;
  float* gemm_ws_ = nullptr;
};

template <class V>
void winograd_run(const WinogradCall& c) {
  if (c.tile == WinogradTile::F2x2)
    WinogradRunner<V, 2>(c).run();
  else
    WinogradRunner<V, 4>(c).run();
}

}  // namespace tarsier::x86::conv
