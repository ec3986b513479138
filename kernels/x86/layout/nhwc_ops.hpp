#pragma once
// Simple NHWC kernels of the x86 backend: layout conversion at graph edges, im2col,
// elementwise ops, channel copies. Each ISA folder instantiates the same source
// (nhwc_ops_impl.hpp) with its own compiler flags, so the loops are vectorised for that ISA;
// the backend picks the table with nhwc_ops(isa) at load time.
//
// Views: an NHWC tensor is `pixels` rows of `channels` floats; consecutive pixels are `ld`
// floats apart (ld > channels for a channel slice of a concat output). Functions compute a
// caller-given range so threads can split the work; nothing allocates or throws.
#include <cstdint>

#include "kernels/common/conv_params.hpp"
#include "kernels/common/epilogue.hpp"
#include "kernels/x86/gemm.hpp"

namespace tarsier::x86 {

// How the second operand of a binary op broadcasts over the pixels x channels view.
enum class Operand : std::uint8_t { Full, Channel /* [channels] */, Scalar };

struct NhwcOps {
  // y = act(x) over pixels x channels.
  void (*activation)(std::int64_t pixels, std::int64_t channels, const float* x, std::int64_t ldx, float* y,
                     std::int64_t ldy, const kernels::Epilogue& e);
  // y = act(a + b) or act(a * b); b is Full (pixel stride ldb), Channel or Scalar.
  void (*binary)(bool mul, std::int64_t pixels, std::int64_t channels, const float* a, std::int64_t lda,
                 const float* b, std::int64_t ldb, Operand b_kind, float* y, std::int64_t ldy,
                 const kernels::Epilogue& e);
  // y = x * mul[c] + add[c] (an unfolded BatchNormalization).
  void (*channel_affine)(std::int64_t pixels, std::int64_t channels, const float* x, std::int64_t ldx,
                         const float* mul, const float* add, float* y, std::int64_t ldy);
  // y = x (channel slices of concat outputs).
  void (*copy)(std::int64_t pixels, std::int64_t channels, const float* x, std::int64_t ldx, float* y,
               std::int64_t ldy);
  // One image: x [channels][pixels] -> y [pixels][channels] (pixel stride ldy), for pixels
  // [p_begin, p_end).
  void (*nchw_to_nhwc)(std::int64_t channels, std::int64_t pixels, const float* x, float* y, std::int64_t ldy,
                       std::int64_t p_begin, std::int64_t p_end);
  // One image: x [pixels][channels] (pixel stride ldx) -> y [channels][pixels], for channels
  // [c_begin, c_end).
  void (*nhwc_to_nchw)(std::int64_t channels, std::int64_t pixels, const float* x, std::int64_t ldx, float* y,
                       std::int64_t c_begin, std::int64_t c_end);
  // Patches of one NHWC image x (pixel stride ldx) for output pixels [row_begin,
  // row_begin + rows) of p (h_out * w_out per image), channels [c_begin, c_begin + c_count):
  // row r of out holds kernel_h * kernel_w * c_count floats ordered (ky, kx, c), zeros where
  // the tap falls into the padding.
  void (*im2col)(const kernels::Conv2dParams& p, const float* x, std::int64_t ldx, std::int64_t c_begin,
                 std::int64_t c_count, std::int64_t row_begin, std::int64_t rows, float* out);
};

const NhwcOps& nhwc_ops_avx2();
const NhwcOps& nhwc_ops_avx512();
inline const NhwcOps& nhwc_ops(Isa isa) { return isa == Isa::Avx512 ? nhwc_ops_avx512() : nhwc_ops_avx2(); }

}  // namespace tarsier::x86
