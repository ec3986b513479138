// Depthwise convolution on NHWC with 16-float vectors (conv/dwconv_impl.hpp).
#include "kernels/x86/conv/dwconv_impl.hpp"
#include "kernels/x86/conv/simd_avx512.hpp"

namespace tarsier::x86::conv {

void f32_dwconv_avx512(const DwconvCall& c) { dwconv_run<VecAvx512>(c); }

}  // namespace tarsier::x86::conv
