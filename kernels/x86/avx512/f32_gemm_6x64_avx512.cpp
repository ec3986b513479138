// f32 GEMM microkernel, 6 rows x 64 columns, AVX-512: 24 zmm accumulators + 4 for the B row
// + 1 broadcast A value. Per k step 4 vector loads and 6 broadcasts feed 24 FMAs (the 14x32
// tile needs 16 loads for 28), and a tile streams only 6 rows of A. On this Zen 4 (512-bit
// FMAs double-pumped, 1 per cycle) it measured 3-8% faster than 14x32, 12x32, 10x32, 8x48 and
// 7x48 on ResNet18/U-Net layer shapes; gemm.cpp uses it whenever it pads no more columns than
// 14x32 would.
#include "kernels/x86/avx512/f32_gemm_tile_avx512.hpp"

namespace tarsier::x86 {

void f32_gemm_6x64_avx512(std::size_t mr, std::size_t nr, std::size_t kc, const float* a, std::size_t lda,
                          const float* b, float* c, std::size_t ldc, const TileEpilogue& ep) {
  avx512::f32_gemm_dispatch<6, 4>(mr, nr, kc, a, lda, b, c, ldc, ep);
}

}  // namespace tarsier::x86
