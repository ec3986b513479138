// The simple NHWC kernels (layout/nhwc_ops_impl.hpp) built with AVX2 + FMA flags.
#include "kernels/x86/layout/nhwc_ops_impl.hpp"

namespace tarsier::x86 {
const NhwcOps& nhwc_ops_avx2() { return kNhwcOps; }
}  // namespace tarsier::x86
