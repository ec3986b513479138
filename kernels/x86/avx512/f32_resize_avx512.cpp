// Nearest / bilinear resize on NHWC with 16-float vectors (conv/resize_impl.hpp).
#include "kernels/x86/conv/resize_impl.hpp"
#include "kernels/x86/conv/simd_avx512.hpp"

namespace tarsier::x86::conv {

void f32_resize_avx512(const kernels::ResizeParams& p, const float* x, float* y, std::int64_t ldy,
                     std::int64_t row_begin, std::int64_t row_end) {
  resize_run<VecAvx512>(p, x, y, ldy, row_begin, row_end);
}

}  // namespace tarsier::x86::conv
