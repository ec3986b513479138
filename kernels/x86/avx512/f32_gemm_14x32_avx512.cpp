// f32 GEMM microkernel, 14 rows x 32 columns, AVX-512: 28 zmm accumulators + 2 for the B row
// + 1 broadcast A value. gemm.cpp uses it for column counts where the 6x64 tile would pad more
// (n = 32, 96, 160, ...).
#include "kernels/x86/avx512/f32_gemm_tile_avx512.hpp"

namespace tarsier::x86 {

void f32_gemm_14x32_avx512(std::size_t mr, std::size_t nr, std::size_t kc, const float* a, std::size_t lda,
                           const float* b, float* c, std::size_t ldc, const TileEpilogue& ep) {
  avx512::f32_gemm_dispatch<14, 2>(mr, nr, kc, a, lda, b, c, ldc, ep);
}

}  // namespace tarsier::x86
