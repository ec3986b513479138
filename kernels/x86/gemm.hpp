#pragma once
// f32 GEMM engine of the x86 SIMD backend: C = act(A·B + bias + residual), row-major.
//
// The workhorse behind 1x1 and im2col convolutions, Winograd's batched products, transposed
// convolutions and fully-connected layers. Activations are NHWC, so pixels are GEMM rows and
// output channels GEMM columns; a concat slice is just an output row stride ldc > n.
//
// B (the weights) is packed once at load time by pack_b into panels of NR columns; gemm()
// then streams A directly (or copies blocks of it into the caller's workspace) and runs a
// register-blocked microkernel (gemm_ukernel.hpp) whose store applies the epilogue while the
// accumulators are still in registers. Nothing here allocates or throws.
#include <cstddef>
#include <cstdint>

#include "kernels/common/epilogue.hpp"

namespace tarsier::x86 {

enum class Isa { Avx2, Avx512 };

struct GemmEpilogue {
  const float* bias = nullptr;      // [n], added per column
  const float* residual = nullptr;  // m x n, row stride ld_residual; may be c itself (same ldc)
  std::int64_t ld_residual = 0;
  kernels::Epilogue act;
};

// Columns per packed-B panel (the microkernel's NR) for a layer with n columns: the tile is
// chosen per ISA and n (AVX-512: 6x64, or 14x32 where 64-wide panels would pad more; AVX2:
// 6x16). Column subsets passed to gemm() start at a multiple of it.
int gemm_nr(Isa isa, std::int64_t n);
// Rows per microkernel call (MR): a caller splitting rows between threads should split at
// multiples of it to keep full tiles.
int gemm_mr(Isa isa, std::int64_t n);
// Without n: the NR of the ISA's widest tile (a multiple of every NR it uses, so a valid
// column-split granularity for any n) and the MR of its tile for wide layers.
int gemm_nr(Isa isa);
int gemm_mr(Isa isa);

// Floats needed by pack_b's output: ceil(n / NR) panels of k x NR.
std::size_t packed_b_floats(Isa isa, std::int64_t k, std::int64_t n);

// Packs B (k x n; stored row-major k x n with row stride ldb, or n x k with row stride ldb
// when b_is_n_by_k, as in OIHW conv weights and ONNX Gemm with transB) into panels of NR
// columns, each k x NR row-major, the last one zero-padded. packed must hold
// packed_b_floats(isa, k, n) floats; 64-byte alignment is best.
void pack_b(Isa isa, const float* b, std::int64_t ldb, bool b_is_n_by_k, std::int64_t k, std::int64_t n,
            float* packed);

// Scratch floats gemm() needs per calling thread (for copying blocks of A); the runtime plans
// it in its arena. Depends only on m and k, not on lda or n.
std::size_t gemm_workspace_floats(Isa isa, std::int64_t m, std::int64_t k);

// C[m x n] (row stride ldc >= n) = act(A[m x k] (row stride lda) · B + bias + residual), with
// B as packed by pack_b for the same isa, k and n. Only columns [n_begin, n_end) are computed
// (n_end = -1 means n); n_begin must be a multiple of gemm_nr(isa, n), so threads can split the
// columns panel by panel. Rows are split by the caller by offsetting a, c and the residual.
// C's columns outside [n_begin, n_end) and beyond n are never touched. workspace holds at
// least gemm_workspace_floats(isa, m, k) floats and must not overlap anything else.
void gemm(Isa isa, std::int64_t m, std::int64_t n, std::int64_t k, const float* a, std::int64_t lda,
          const float* packed_b, float* c, std::int64_t ldc, const GemmEpilogue& epilogue, float* workspace,
          std::int64_t n_begin = 0, std::int64_t n_end = -1);

}  // namespace tarsier::x86
