// Max / average / global average pooling on NHWC with 16-float vectors (conv/pool_impl.hpp).
#include "kernels/x86/conv/pool_impl.hpp"
#include "kernels/x86/conv/simd_avx512.hpp"

namespace tarsier::x86::conv {

void f32_maxpool_avx512(const kernels::Pool2dParams& p, const float* x, float* y, std::int64_t ldy,
                      std::int64_t row_begin, std::int64_t row_end) {
  maxpool_run<VecAvx512>(p, x, y, ldy, row_begin, row_end);
}

void f32_avgpool_avx512(const kernels::Pool2dParams& p, const float* x, float* y, std::int64_t ldy,
                      std::int64_t row_begin, std::int64_t row_end) {
  avgpool_run<VecAvx512>(p, x, y, ldy, row_begin, row_end);
}

void f32_global_avgpool_avx512(std::int64_t c, std::int64_t hw, const float* x, float* y, std::int64_t ldy,
                             std::int64_t n_begin, std::int64_t n_end) {
  global_avgpool_run<VecAvx512>(c, hw, x, y, ldy, n_begin, n_end);
}

}  // namespace tarsier::x86::conv
