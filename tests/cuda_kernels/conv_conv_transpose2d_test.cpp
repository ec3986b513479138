// cuda conv_transpose2d (2x2/2 on the implicit-GEMM tiles, split-K on and off; the general
// gather path) against ref::conv_transpose2d, in every mode and block order, including concat
// slices and output padding.
#include <gtest/gtest.h>

#include <random>

#include "conv_test_util.hpp"
#include "kernels/cuda/conv/conv_transpose2d.hpp"
#include "kernels/ref/conv_transpose2d.hpp"

namespace tarsier {
namespace {

using conv_test::ConvMath;
using conv_test::StorageBuffer;
using kernels::Activation;
using kernels::ConvTranspose2dParams;

struct Shape {
  std::int64_t n, c_in, h, w, c_out, kh, kw, stride, pad_t, pad_l, pad_b, pad_r, dil, out_pad, groups;
};

ConvTranspose2dParams params(const Shape& s) {
  ConvTranspose2dParams p;
  p.n = s.n;
  p.c_in = s.c_in;
  p.h_in = s.h;
  p.w_in = s.w;
  p.c_out = s.c_out;
  p.kernel_h = s.kh;
  p.kernel_w = s.kw;
  p.stride_h = p.stride_w = s.stride;
  p.pad_top = s.pad_t;
  p.pad_left = s.pad_l;
  p.pad_bottom = s.pad_b;
  p.pad_right = s.pad_r;
  p.dilation_h = p.dilation_w = s.dil;
  p.output_padding_h = p.output_padding_w = s.out_pad;
  p.groups = s.groups;
  p.h_out = (s.h - 1) * s.stride - s.pad_t - s.pad_b + s.dil * (s.kh - 1) + s.out_pad + 1;
  p.w_out = (s.w - 1) * s.stride - s.pad_l - s.pad_r + s.dil * (s.kw - 1) + s.out_pad + 1;
  return p;
}

std::string describe(const ConvTranspose2dParams& p) {
  return kernel_test::describe({{"n", p.n},
                                {"c_in", p.c_in},
                                {"h", p.h_in},
                                {"w", p.w_in},
                                {"c_out", p.c_out},
                                {"k", p.kernel_h},
                                {"kw", p.kernel_w},
                                {"s", p.stride_h},
                                {"pt", p.pad_top},
                                {"pl", p.pad_left},
                                {"d", p.dilation_h},
                                {"op", p.output_padding_h},
                                {"g", p.groups},
                                {"act", static_cast<int>(p.epilogue.act)}});
}

void check(const ConvTranspose2dParams& p, ConvMath math, bool with_bias, std::int64_t slice_offset,
           std::int64_t slice_extra, int split_k, std::mt19937& rng) {
  const std::string what = describe(p) + "bias=" + std::to_string(with_bias) +
                           " slice=" + std::to_string(slice_offset) + "+" + std::to_string(slice_extra) +
                           " split=" + std::to_string(split_k);
  auto x = simt_test::random_floats(rng, static_cast<std::size_t>(p.n * p.c_in * p.h_in * p.w_in));
  auto w =
      simt_test::random_floats(rng, static_cast<std::size_t>(p.c_in * (p.c_out / p.groups) * p.kernel_h * p.kernel_w));
  auto bias = simt_test::random_floats(rng, static_cast<std::size_t>(p.c_out));
  conv_test::round_for(math, x);
  conv_test::round_for(math, w);
  const std::int64_t pixels = p.n * p.h_out * p.w_out;
  std::vector<float> want(static_cast<std::size_t>(pixels * p.c_out)), pre(want.size());
  ref::conv_transpose2d(p, x.data(), w.data(), with_bias ? bias.data() : nullptr, want.data());
  ConvTranspose2dParams linear = p;
  linear.epilogue = {};
  ref::conv_transpose2d(linear, x.data(), w.data(), with_bias ? bias.data() : nullptr, pre.data());
  want = conv_test::nchw_to_nhwc(want, p.n, p.c_out, p.h_out, p.w_out);
  const double scale = conv_test::max_abs(pre);

  std::vector<unsigned char> packed_host(cuda_emu::conv_transpose2d_packed_weight_bytes(p, math));
  cuda_emu::conv_transpose2d_pack_weights(p, math, w.data(), packed_host.data());
  conv_test::DeviceBytes packed(packed_host);
  StorageBuffer dx(math, conv_test::nchw_to_nhwc(x, p.n, p.c_in, p.h_in, p.w_in));
  simt_test::DeviceBuffer<float> dbias(bias);
  conv_test::DeviceBytes workspace(cuda_emu::conv_transpose2d_workspace_bytes(p, math, split_k));
  const conv_test::SliceCheck slice{pixels, p.c_out + slice_offset + slice_extra, slice_offset, p.c_out};
  for (auto order : simt_test::kOrders) {
    StorageBuffer dy(math, static_cast<std::size_t>(pixels * slice.stride), conv_test::SliceCheck::kSentinel);
    auto stream = simt_test::make_stream(order);
    void* y = static_cast<unsigned char*>(dy.data()) + slice_offset * cuda_emu::conv_storage_bytes(math);
    cuda_emu::conv_transpose2d(p, math, dx.data(), packed.data(), with_bias ? dbias.data() : nullptr, y, slice.stride,
                               workspace.size() > 0 ? workspace.data() : nullptr, &stream, split_k);
    slice.expect(dy, want, scale, math, what + " " + simt_test::order_name(order));
  }
}

kernels::Epilogue epilogue(int i) {
  kernels::Epilogue e;
  e.act = std::vector<Activation>{Activation::None, Activation::Relu, Activation::Clip, Activation::LeakyRelu,
                                  Activation::Sigmoid}[static_cast<std::size_t>(i % 5)];
  e.clip_min = -0.5f;
  e.clip_max = 0.75f;
  e.alpha = 0.125f;
  return e;
}

void run_shapes(const std::vector<Shape>& shapes, std::uint32_t seed) {
  std::mt19937 rng(seed);
  int i = 0;
  for (const Shape& s : shapes) {
    ConvTranspose2dParams p = params(s);
    p.epilogue = epilogue(i);
    for (ConvMath math : conv_test::kMaths)
      check(p, math, i % 3 != 2, i % 4 == 3 ? 2 : 0, i % 4 >= 2 ? 3 : 0, i % 3 == 1 ? 3 : 0, rng);
    ++i;
  }
}

// U-Net upsampling: 2x2 stride 2 on the GEMM tiles, with odd sizes, channel tails, concat slices.
TEST(CudaConvTranspose2d, UNetUpsample2x2) {
  run_shapes(
      {
          {1, 16, 4, 5, 8, 2, 2, 2, 0, 0, 0, 0, 1, 0, 1},
          {2, 5, 3, 3, 3, 2, 2, 2, 0, 0, 0, 0, 1, 0, 1},
          {1, 1, 7, 6, 17, 2, 2, 2, 0, 0, 0, 0, 1, 0, 1},
          {1, 33, 5, 4, 20, 2, 2, 2, 0, 0, 0, 0, 1, 0, 1},
          {1, 64, 2, 3, 40, 2, 2, 2, 0, 0, 0, 0, 1, 0, 1},  // deep: forced split 3 above
      },
      11);
}

// Everything else: strides 1-3, pads, dilation, output padding, groups, non-square kernels.
TEST(CudaConvTranspose2d, GeneralPath) {
  run_shapes(
      {
          {1, 4, 5, 5, 6, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1},  // 3x3/2 pad 1 output_padding 1
          {1, 3, 4, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1, 0, 1},
          {2, 6, 3, 4, 4, 4, 4, 2, 1, 1, 1, 1, 1, 0, 2},  // grouped 4x4/2
          {1, 5, 4, 3, 3, 3, 3, 3, 0, 1, 2, 0, 2, 1, 1},  // stride 3, dilation 2, asymmetric
          {1, 8, 3, 3, 8, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1},  // 2x2/2 with output padding: general
          {1, 4, 3, 5, 4, 2, 2, 2, 0, 0, 0, 0, 1, 0, 2},  // 2x2/2 grouped: general
      },
      12);
}

TEST(CudaConvTranspose2d, RandomShapes) {
  std::mt19937 rng(13);
  std::vector<Shape> shapes;
  for (int i = 0; i < 6; ++i) {
    Shape s{};
    s.n = kernel_test::uniform_int(rng, 1, 2);
    s.kh = s.kw = kernel_test::uniform_int(rng, 1, 4);
    s.stride = kernel_test::uniform_int(rng, 1, 3);
    s.dil = kernel_test::uniform_int(rng, 1, 2);
    s.pad_t = kernel_test::uniform_int(rng, 0, s.kh - 1);
    s.pad_l = kernel_test::uniform_int(rng, 0, s.kh - 1);
    s.pad_b = kernel_test::uniform_int(rng, 0, s.kh - 1);
    s.pad_r = kernel_test::uniform_int(rng, 0, s.kh - 1);
    s.out_pad = kernel_test::uniform_int(rng, 0, std::max(s.stride, s.dil) - 1);
    s.h = kernel_test::uniform_int(rng, 2, 6);
    s.w = kernel_test::uniform_int(rng, 2, 6);
    s.groups = kernel_test::uniform_int(rng, 1, 2);
    s.c_in = s.groups * kernel_test::uniform_int(rng, 1, 9);
    s.c_out = s.groups * kernel_test::uniform_int(rng, 1, 9);
    if ((s.h - 1) * s.stride - s.pad_t - s.pad_b + s.dil * (s.kh - 1) + s.out_pad + 1 < 1 ||
        (s.w - 1) * s.stride - s.pad_l - s.pad_r + s.dil * (s.kw - 1) + s.out_pad + 1 < 1)
      continue;
    shapes.push_back(s);
  }
  ASSERT_GE(shapes.size(), 4u);
  run_shapes(shapes, 14);
}

}  // namespace
}  // namespace tarsier
