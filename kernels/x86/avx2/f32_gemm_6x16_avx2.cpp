// f32 GEMM microkernel, 6 rows x 16 columns, AVX2+FMA: 12 ymm accumulators + 2 for the B row
// + 1 broadcast A value out of 16 registers; 12 independent FMA chains cover 2 pipes x 4-5
// cycles of latency.
#include "kernels/x86/avx2/f32_gemm_tile_avx2.hpp"

namespace tarsier::x86 {

void f32_gemm_6x16_avx2(std::size_t mr, std::size_t nr, std::size_t kc, const float* a, std::size_t lda,
                        const float* b, float* c, std::size_t ldc, const TileEpilogue& ep) {
  avx2::f32_gemm_dispatch<6, 2>(mr, nr, kc, a, lda, b, c, ldc, ep);
}

}  // namespace tarsier::x86
