#include "kernels/x86/gemm.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "kernels/x86/gemm_ukernel.hpp"

namespace tarsier::x86 {

namespace {

// Blocking, measured on the 2-core Zen 4 this was built on (L1d 32 KiB, L2 1 MiB per core):
// - k blocks of at most kMaxKc, balanced (k = 576 runs as 2 x 288, not 384 + 192): a 6 x 384
//   A micro-panel is 9 KiB and stays in L1 while the tile sweeps the block's B panels (a
//   384 x 64 panel is 96 KiB, from L2). 384 beat 256 by a few percent on k >= 576 layers; 128
//   lost 10-20% to the extra passes over C.
// - m blocks of kMc rows: the A block (kMc x kc, <= 516 KiB) is reused from L2 by every
//   column panel.
// - loop order: m tile outer, column panel inner ("A panel in L1, B from L2"), which measured
//   5-10% better than the opposite order with B's panel held in L1.
// - A is read in place (XNNPACK-style) rather than packed: layers with n = 64 reuse each A
//   element for only one or two panels, so a packing pass cost up to 25% there; only row
//   strides that map all rows of a tile to one L1 set are copied to a padded stride.
constexpr std::int64_t kMaxKc = 384;
constexpr std::int64_t kMc = 336;  // a multiple of every MR (6, 14)
// Few rows, large B (ResNet18 layer4: m = 49, B 4.7-9.4 MiB): each B element feeds only m
// FMAs, so B must not come from L2 once per row tile. Up to kSmallM rows the loops swap
// (column panel outer, row tiles inner) and k blocks shrink to kSmallMKc, so that a B panel
// (128 x 64 floats, 32 KiB) and the A block (<= 64 x 128) both stay in L1 while the row tiles
// sweep them, and the next panel is prefetched meanwhile. Measured in ResNet18 (Xeon,
// AVX-512, 1 thread, weights cold): layer4's 3x3 convs 2.36 -> 2.07 ms.
constexpr std::int64_t kSmallM = 64;
constexpr std::int64_t kSmallMKc = 128;

struct Config {
  GemmUkernelFn ukernel;
  std::int64_t mr, nr;
};

std::int64_t round_up(std::int64_t x, std::int64_t to) { return (x + to - 1) / to * to; }

// The tile for an ISA and a column count. The packed-B layout depends on it, so pack_b and
// gemm must see the same n (they do: both take the layer's full n).
Config config(Isa isa, std::int64_t n) {
  if (isa == Isa::Avx512) {
    // 6x64 is faster per FLOP (see its file) but pads up to 63 columns; fall back to 14x32
    // whenever 64-wide panels would pad more than 32-wide ones.
    if (round_up(n, 64) == round_up(n, 32)) return {f32_gemm_6x64_avx512, 6, 64};
    return {f32_gemm_14x32_avx512, 14, 32};
  }
  return {f32_gemm_6x16_avx2, 6, 16};
}

std::int64_t balanced_kc(std::int64_t k, std::int64_t max_kc = kMaxKc) {
  if (k <= max_kc) return k;
  const std::int64_t blocks = (k + max_kc - 1) / max_kc;
  return round_up((k + blocks - 1) / blocks, 8);
}

// Row stride of a copied A block: kc rounded to a cache line plus one line, so consecutive
// rows fall in different L1 sets.
std::int64_t copied_lda(std::int64_t kc) { return round_up(kc, 16) + 16; }

// True when more of a tile's rows (row stride lda floats) fall into one L1 set than it has
// ways: with lda a multiple of 1024 floats, all 14 rows of a 14x32 tile map to one 8-way set
// and evict each other every k step. Copying costs a pass over A, so only this case copies
// (measured: square 1024: +40%; k = 4608 with 7 rows per set: -15%; 6-row tiles never need it).
bool rows_alias_in_l1(std::int64_t lda, std::int64_t mr) {
  constexpr std::int64_t kLine = 64, kSets = 64, kWays = 8;
  std::int64_t rows_in_set[kSets] = {};
  for (std::int64_t r = 0; r < mr; ++r)
    if (++rows_in_set[(r * lda * static_cast<std::int64_t>(sizeof(float)) / kLine) % kSets] > kWays) return true;
  return false;
}

}  // namespace

int gemm_nr(Isa isa, std::int64_t n) { return static_cast<int>(config(isa, n).nr); }
int gemm_mr(Isa isa, std::int64_t n) { return static_cast<int>(config(isa, n).mr); }
int gemm_nr(Isa isa) { return static_cast<int>(config(isa, 1 << 20).nr); }
int gemm_mr(Isa isa) { return static_cast<int>(config(isa, 1 << 20).mr); }

std::size_t packed_b_floats(Isa isa, std::int64_t k, std::int64_t n) {
  return static_cast<std::size_t>(round_up(n, config(isa, n).nr) * k);
}

void pack_b(Isa isa, const float* b, std::int64_t ldb, bool b_is_n_by_k, std::int64_t k, std::int64_t n,
            float* packed) {
  const std::int64_t nr = config(isa, n).nr;
  // n x k sources (OIHW weights) are transposed in chunks of k so that the nr source rows are
  // read sequentially and the chunk's output (<= 64 x 64 floats) stays in L1: reading one
  // float from each of 64 rows per k step ran at 1.7 GB/s.
  constexpr std::int64_t kChunk = 64;
  for (std::int64_t j0 = 0; j0 < n; j0 += nr) {
    const std::int64_t cols = std::min(nr, n - j0);
    float* panel = packed + j0 * k;
    if (b_is_n_by_k) {
      for (std::int64_t p0 = 0; p0 < k; p0 += kChunk) {
        const std::int64_t p1 = std::min(k, p0 + kChunk);
        for (std::int64_t j = 0; j < cols; ++j) {
          const float* src = b + (j0 + j) * ldb;
          for (std::int64_t p = p0; p < p1; ++p) panel[p * nr + j] = src[p];
        }
        for (std::int64_t p = p0; p < p1; ++p) std::fill(panel + p * nr + cols, panel + (p + 1) * nr, 0.0f);
      }
    } else {
      for (std::int64_t p = 0; p < k; ++p) {
        float* dst = panel + p * nr;
        std::memcpy(dst, b + p * ldb + j0, static_cast<std::size_t>(cols) * sizeof(float));
        std::fill(dst + cols, dst + nr, 0.0f);
      }
    }
  }
}

std::size_t gemm_workspace_floats(Isa /*isa*/, std::int64_t m, std::int64_t k) {
  return static_cast<std::size_t>(std::min(m, kMc) * copied_lda(balanced_kc(k, m <= kSmallM ? kSmallMKc : kMaxKc)));
}

void gemm(Isa isa, std::int64_t m, std::int64_t n, std::int64_t k, const float* a, std::int64_t lda,
          const float* packed_b, float* c, std::int64_t ldc, const GemmEpilogue& epilogue, float* workspace,
          std::int64_t n_begin, std::int64_t n_end) {
  const Config cfg = config(isa, n);
  if (n_end < 0 || n_end > n) n_end = n;
  assert(n_begin % cfg.nr == 0);
  if (m <= 0 || n_begin >= n_end) return;
  const bool copy_a = rows_alias_in_l1(lda, cfg.mr);
  const bool small_m = m <= kSmallM;
  const std::int64_t kc_max = balanced_kc(k, small_m ? kSmallMKc : kMaxKc);

  TileEpilogue tile;
  tile.act = epilogue.act;
  tile.ld_residual = epilogue.ld_residual;
  for (std::int64_t k0 = 0;; k0 += kc_max) {
    const std::int64_t kc = std::min(kc_max, k - k0);
    tile.accumulate = k0 > 0;
    tile.finish = k0 + kc >= k;
    for (std::int64_t m0 = 0; m0 < m; m0 += kMc) {
      const std::int64_t mc = std::min(kMc, m - m0);
      const float* a_blk = a + m0 * lda + k0;
      std::int64_t a_ld = lda;
      if (copy_a) {
        const std::int64_t ws_ld = copied_lda(kc);
        for (std::int64_t i = 0; i < mc; ++i)
          std::memcpy(workspace + i * ws_ld, a_blk + i * lda, static_cast<std::size_t>(kc) * sizeof(float));
        a_blk = workspace;
        a_ld = ws_ld;
      }
      auto run_tile = [&](std::int64_t i, std::int64_t j) {
        tile.bias = epilogue.bias ? epilogue.bias + j : nullptr;
        tile.residual = epilogue.residual ? epilogue.residual + (m0 + i) * epilogue.ld_residual + j : nullptr;
        cfg.ukernel(static_cast<std::size_t>(std::min(cfg.mr, mc - i)),
                    static_cast<std::size_t>(std::min(cfg.nr, n_end - j)), static_cast<std::size_t>(kc),
                    a_blk + i * a_ld, static_cast<std::size_t>(a_ld), packed_b + j * k + k0 * cfg.nr,
                    c + (m0 + i) * ldc + j, static_cast<std::size_t>(ldc), tile);
      };
      if (small_m) {
        // While the row tiles sweep one B panel from L1, a later panel is fetched towards L2
        // in equal shares, so its first tile does not wait on DRAM (two panels ahead with
        // prefetcht2 measured best: 2.07 -> 1.85 ms on ResNet18's layer4 convs).
        const std::int64_t panel_bytes = kc * cfg.nr * static_cast<std::int64_t>(sizeof(float));
        const std::int64_t tiles = (mc + cfg.mr - 1) / cfg.mr;
        const std::int64_t share = (panel_bytes + tiles - 1) / tiles;
        for (std::int64_t j = n_begin; j < n_end; j += cfg.nr) {
          // Two panels ahead, wrapping into the next k block.
          std::int64_t j2 = j + 2 * cfg.nr, k2 = k0;
          if (j2 >= n_end) j2 = n_begin + (j2 - n_end), k2 = k0 + kc;
          const bool prefetch = k2 < k && j2 < n_end;
          const char* next = reinterpret_cast<const char*>(packed_b + j2 * k + k2 * cfg.nr);
          for (std::int64_t i = 0, t = 0; i < mc; i += cfg.mr, ++t) {
            if (prefetch)
              for (std::int64_t off = t * share; off < std::min(panel_bytes, (t + 1) * share); off += 64)
                __builtin_prefetch(next + off, 0, 1);
            run_tile(i, j);
          }
        }
      } else {
        for (std::int64_t i = 0; i < mc; i += cfg.mr)
          for (std::int64_t j = n_begin; j < n_end; j += cfg.nr) run_tile(i, j);
      }
    }
    if (tile.finish) break;
  }
}

}  // namespace tarsier::x86
