// The per-ISA rows of the conv-family kernels (see conv/conv_isa.hpp).
#include "kernels/x86/conv/conv_isa.hpp"

namespace tarsier::x86::conv {

const ConvIsaTable& conv_table(Isa isa) {
  static constexpr ConvIsaTable kAvx2{f32_winograd_avx2,  f32_dwconv_avx2,           f32_maxpool_avx2,
                                      f32_avgpool_avx2,   f32_global_avgpool_avx2,   f32_resize_avx2};
  static constexpr ConvIsaTable kAvx512{f32_winograd_avx512, f32_dwconv_avx512,         f32_maxpool_avx512,
                                        f32_avgpool_avx512,  f32_global_avgpool_avx512, f32_resize_avx512};
  return isa == Isa::Avx512 ? kAvx512 : kAvx2;
}

}  // namespace tarsier::x86::conv
