#pragma once
// The contract between the GEMM driver (gemm.cpp, plain flags) and the per-ISA microkernels
// (avx2/, avx512/, built with their own flags). Microkernels are named XNNPACK-style,
// f32_gemm_<MR>x<NR>_<isa>: one call computes an mr x nr tile (mr <= MR, nr <= NR) of C over
// kc steps of k. Adding an ISA means adding a microkernel file and one row in gemm.cpp's table.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "kernels/common/epilogue.hpp"

namespace tarsier::x86 {

// What the tile does besides the products. The first k-block starts from bias + residual
// (read before C is written, so the residual may be C itself); later k-blocks start from the
// partial sums left in C; the last one applies the activation before its store.
struct TileEpilogue {
  const float* bias = nullptr;      // at the tile's first column, or null
  const float* residual = nullptr;  // at the tile's (0, 0), or null
  std::int64_t ld_residual = 0;
  bool accumulate = false;  // start from C instead of bias + residual
  bool finish = true;       // apply the activation
  kernels::Epilogue act;
};

// a: mr rows of kc floats, row stride lda (a row's k values are contiguous).
// b: kc x NR floats, row-major (one packed-B panel, already offset to the k-block).
// c: mr rows, row stride ldc; only the first nr columns are read or written.
using GemmUkernelFn = void (*)(std::size_t mr, std::size_t nr, std::size_t kc, const float* a, std::size_t lda,
                               const float* b, float* c, std::size_t ldc, const TileEpilogue& ep);

void f32_gemm_6x16_avx2(std::size_t mr, std::size_t nr, std::size_t kc, const float* a, std::size_t lda,
                        const float* b, float* c, std::size_t ldc, const TileEpilogue& ep);
void f32_gemm_6x64_avx512(std::size_t mr, std::size_t nr, std::size_t kc, const float* a, std::size_t lda,
                          const float* b, float* c, std::size_t ldc, const TileEpilogue& ep);
void f32_gemm_14x32_avx512(std::size_t mr, std::size_t nr, std::size_t kc, const float* a, std::size_t lda,
                           const float* b, float* c, std::size_t ldc, const TileEpilogue& ep);

// Sigmoid has no cheap exact vector form; microkernels apply it to the stored tile with this.
inline void sigmoid_tile(std::size_t mr, std::size_t nr, float* c, std::size_t ldc) {
  for (std::size_t i = 0; i < mr; ++i)
    for (std::size_t j = 0; j < nr; ++j) {
      float& v = c[i * ldc + j];
      v = 1.0f / (1.0f + std::exp(-v));
    }
}

}  // namespace tarsier::x86
