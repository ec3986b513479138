// Winograd F(2x2, 3x3) and F(4x4, 3x3) on NHWC with 8-float vectors (conv/winograd_impl.hpp).
#include "kernels/x86/conv/simd_avx2.hpp"
#include "kernels/x86/conv/winograd_impl.hpp"

namespace tarsier::x86::conv {

void f32_winograd_avx2(const WinogradCall& c) { winograd_run<VecAvx2>(c); }

}  // namespace tarsier::x86::conv
