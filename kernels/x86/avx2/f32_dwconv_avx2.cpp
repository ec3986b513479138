// Depthwise convolution on NHWC with 8-float vectors (conv/dwconv_impl.hpp).
#include "kernels/x86/conv/dwconv_impl.hpp"
#include "kernels/x86/conv/simd_avx2.hpp"

namespace tarsier::x86::conv {

void f32_dwconv_avx2(const DwconvCall& c) { dwconv_run<VecAvx2>(c); }

}  // namespace tarsier::x86::conv
