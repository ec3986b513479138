// ISA-neutral entry points of depthwise convolution, pooling and resize (conv_kernels.hpp).
#include "kernels/x86/conv/conv_isa.hpp"
#include "kernels/x86/conv_kernels.hpp"

namespace tarsier::x86 {

bool dwconv_applicable(const kernels::Conv2dParams& p) {
  return p.groups == p.c_in && p.c_out == p.c_in && p.groups >= 1;
}

std::size_t dwconv_packed_floats(const kernels::Conv2dParams& p) {
  return static_cast<std::size_t>(p.kernel_h * p.kernel_w * p.c_in);
}

void dwconv_pack_weights(const kernels::Conv2dParams& p, const float* w_oihw, float* packed) {
  const std::int64_t taps = p.kernel_h * p.kernel_w;
  for (std::int64_t c = 0; c < p.c_in; ++c)
    for (std::int64_t t = 0; t < taps; ++t) packed[t * p.c_in + c] = w_oihw[c * taps + t];
}

std::int64_t conv_rows(const kernels::Conv2dParams& p) { return p.n * p.h_out; }

void dwconv_nhwc(Isa isa, const kernels::Conv2dParams& p, const float* x, const float* packed_w, const float* bias,
                 const float* residual, std::int64_t ld_residual, float* y, std::int64_t ldy, std::int64_t row_begin,
                 std::int64_t row_end) {
  if (row_begin >= row_end) return;
  conv::DwconvCall c;
  c.p = &p;
  c.x = x;
  c.packed_w = packed_w;
  c.bias = bias;
  c.residual = residual;
  c.ld_residual = ld_residual;
  c.y = y;
  c.ldy = ldy;
  c.row_begin = row_begin;
  c.row_end = row_end;
  conv::conv_table(isa).dwconv(c);
}

std::int64_t pool_rows(const kernels::Pool2dParams& p) { return p.n * p.h_out; }

void max_pool2d_nhwc(Isa isa, const kernels::Pool2dParams& p, const float* x, float* y, std::int64_t ldy,
                     std::int64_t row_begin, std::int64_t row_end) {
  if (row_begin < row_end) conv::conv_table(isa).maxpool(p, x, y, ldy, row_begin, row_end);
}

void avg_pool2d_nhwc(Isa isa, const kernels::Pool2dParams& p, const float* x, float* y, std::int64_t ldy,
                     std::int64_t row_begin, std::int64_t row_end) {
  if (row_begin < row_end) conv::conv_table(isa).avgpool(p, x, y, ldy, row_begin, row_end);
}

void global_avg_pool_nhwc(Isa isa, std::int64_t c, std::int64_t hw, const float* x, float* y, std::int64_t ldy,
                          std::int64_t n_begin, std::int64_t n_end) {
  if (n_begin < n_end) conv::conv_table(isa).global_avgpool(c, hw, x, y, ldy, n_begin, n_end);
}

std::int64_t resize_rows(const kernels::ResizeParams& p) { return p.n * p.h_out; }

void resize2d_nhwc(Isa isa, const kernels::ResizeParams& p, const float* x, float* y, std::int64_t ldy,
                   std::int64_t row_begin, std::int64_t row_end) {
  if (row_begin < row_end) conv::conv_table(isa).resize(p, x, y, ldy, row_begin, row_end);
}

}  // namespace tarsier::x86
