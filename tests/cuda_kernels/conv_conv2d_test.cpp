// cuda conv2d (implicit GEMM, grouped, depthwise; fp32, fp16 half2, fp16 WMMA) against
// ref::conv2d over ResNet18 / U-Net layer shapes scaled down, odd channel counts, strides, pads,
// dilation, every epilogue, concat-slice outputs and split-K on and off, in all block orders.
#include <gtest/gtest.h>

#include <random>

#include "conv_test_util.hpp"
#include "kernels/cuda/conv/conv2d.hpp"
#include "kernels/ref/conv2d.hpp"

namespace tarsier {
namespace {

using conv_test::ConvMath;
using conv_test::StorageBuffer;
using kernels::Activation;
using kernels::Conv2dParams;

struct Shape {
  std::int64_t n, c_in, h, w, c_out, kh, kw, stride, pad_t, pad_l, pad_b, pad_r, dil, groups;
};

Conv2dParams params(const Shape& s) {
  Conv2dParams p;
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
  p.groups = s.groups;
  p.h_out = (s.h + s.pad_t + s.pad_b - s.dil * (s.kh - 1) - 1) / s.stride + 1;
  p.w_out = (s.w + s.pad_l + s.pad_r - s.dil * (s.kw - 1) - 1) / s.stride + 1;
  return p;
}

std::string describe(const Conv2dParams& p) {
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
                                {"pb", p.pad_bottom},
                                {"pr", p.pad_right},
                                {"d", p.dilation_h},
                                {"g", p.groups},
                                {"act", static_cast<int>(p.epilogue.act)}});
}

struct Variant {
  bool bias = true, residual = false;
  std::int64_t slice_offset = 0, slice_extra = 0;  // y inside a wider concat buffer
  int split_k = 0;                                 // 0: decided from the shape
};

// Runs p in math with variant v in every block order.
void check(const Conv2dParams& p, ConvMath math, const Variant& v, std::mt19937& rng) {
  const std::string what = describe(p) + "bias=" + std::to_string(v.bias) + " res=" + std::to_string(v.residual) +
                           " slice=" + std::to_string(v.slice_offset) + "+" + std::to_string(v.slice_extra) +
                           " split=" + std::to_string(v.split_k);
  auto x = simt_test::random_floats(rng, static_cast<std::size_t>(p.n * p.c_in * p.h_in * p.w_in));
  auto w =
      simt_test::random_floats(rng, static_cast<std::size_t>(p.c_out * (p.c_in / p.groups) * p.kernel_h * p.kernel_w));
  auto bias = simt_test::random_floats(rng, static_cast<std::size_t>(p.c_out));
  const std::int64_t pixels = p.n * p.h_out * p.w_out;
  auto res = simt_test::random_floats(rng, static_cast<std::size_t>(pixels * p.c_out));
  conv_test::round_for(math, x);
  conv_test::round_for(math, w);
  conv_test::round_for(math, res);

  std::vector<float> want(res.size());
  ref::conv2d(p, x.data(), w.data(), v.bias ? bias.data() : nullptr, v.residual ? res.data() : nullptr, want.data());
  want = conv_test::nchw_to_nhwc(want, p.n, p.c_out, p.h_out, p.w_out);
  Conv2dParams linear = p;
  linear.epilogue = {};
  std::vector<float> pre(res.size());
  ref::conv2d(linear, x.data(), w.data(), v.bias ? bias.data() : nullptr, v.residual ? res.data() : nullptr,
              pre.data());
  const double scale = conv_test::max_abs(pre);
  const auto res_nhwc = conv_test::nchw_to_nhwc(res, p.n, p.c_out, p.h_out, p.w_out);

  std::vector<unsigned char> packed_host(cuda_emu::conv2d_packed_weight_bytes(p, math));
  cuda_emu::conv2d_pack_weights(p, math, w.data(), packed_host.data());
  conv_test::DeviceBytes packed(packed_host);
  StorageBuffer dx(math, conv_test::nchw_to_nhwc(x, p.n, p.c_in, p.h_in, p.w_in));
  StorageBuffer dres(math, res_nhwc);
  simt_test::DeviceBuffer<float> dbias(bias);
  conv_test::DeviceBytes workspace(cuda_emu::conv2d_workspace_bytes(p, math, v.split_k));

  const conv_test::SliceCheck slice{pixels, p.c_out + v.slice_offset + v.slice_extra, v.slice_offset, p.c_out};
  for (auto order : simt_test::kOrders) {
    StorageBuffer dy(math, static_cast<std::size_t>(pixels * slice.stride), conv_test::SliceCheck::kSentinel);
    auto stream = simt_test::make_stream(order);
    void* y = static_cast<unsigned char*>(dy.data()) + v.slice_offset * cuda_emu::conv_storage_bytes(math);
    cuda_emu::conv2d(p, math, dx.data(), packed.data(), v.bias ? dbias.data() : nullptr,
                     v.residual ? dres.data() : nullptr, y, slice.stride,
                     workspace.size() > 0 ? workspace.data() : nullptr, &stream, v.split_k);
    slice.expect(dy, want, scale, math, what + " " + simt_test::order_name(order));
  }
}

kernels::Epilogue epilogue(int i) {
  kernels::Epilogue e;
  switch (i % 5) {
    case 0:
      e.act = Activation::None;
      break;
    case 1:
      e.act = Activation::Relu;
      break;
    case 2:
      e.act = Activation::Clip;
      e.clip_min = -0.5f;
      e.clip_max = 0.75f;
      break;
    case 3:
      e.act = Activation::LeakyRelu;
      e.alpha = 0.125f;
      break;
    default:
      e.act = Activation::Sigmoid;
      break;
  }
  return e;
}

// Each shape runs in every mode with an epilogue, bias/residual and slice chosen by its index,
// so the list as a whole covers every combination axis.
void run_shapes(const std::vector<Shape>& shapes, std::uint32_t seed, bool vary_split) {
  std::mt19937 rng(seed);
  int i = 0;
  for (const Shape& s : shapes) {
    Conv2dParams p = params(s);
    p.epilogue = epilogue(i);
    Variant v;
    v.bias = i % 3 != 2;
    v.residual = i % 2 == 1;
    v.slice_offset = i % 4 == 3 ? 3 : 0;
    v.slice_extra = i % 4 >= 2 ? 5 : 0;
    v.split_k = vary_split ? (i % 3 == 0 ? 1 : i % 3 == 1 ? 0 : 3) : 0;
    for (ConvMath math : conv_test::kMaths) check(p, math, v, rng);
    ++i;
  }
}

TEST(CudaConv2d, ResNet18LayersScaledDown) {
  run_shapes(
      {
          {1, 3, 21, 19, 8, 7, 7, 2, 3, 3, 3, 3, 1, 1},    // stem 7x7/2, odd spatial size
          {1, 16, 9, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1},    // basic block 3x3
          {2, 16, 9, 8, 24, 3, 3, 2, 1, 1, 1, 1, 1, 1},    // downsampling 3x3/2, batch 2
          {2, 16, 9, 8, 24, 1, 1, 2, 0, 0, 0, 0, 1, 1},    // 1x1/2 shortcut
          {1, 64, 3, 3, 72, 3, 3, 1, 1, 1, 1, 1, 1, 1},    // deep, few pixels: split-K territory
          {1, 40, 14, 13, 70, 1, 1, 1, 0, 0, 0, 0, 1, 1},  // 1x1 with M and N tails
      },
      1, true);
}

TEST(CudaConv2d, UNetLayersAndOddChannels) {
  run_shapes(
      {
          {1, 1, 12, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1},
          {1, 5, 11, 13, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1},
          {1, 17, 7, 9, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1},
          {2, 17, 6, 6, 33, 1, 1, 1, 0, 0, 0, 0, 1, 1},  // segmentation head 1x1
          {1, 5, 10, 9, 7, 3, 3, 1, 2, 2, 2, 2, 2, 1},   // dilation 2
          {1, 3, 9, 10, 6, 3, 3, 2, 1, 0, 0, 2, 1, 1},   // asymmetric pads, stride 2
          {1, 3, 8, 7, 5, 2, 3, 1, 0, 1, 1, 1, 2, 1},    // non-square kernel, dilation 2
          {1, 17, 5, 5, 1, 5, 5, 1, 2, 2, 2, 2, 1, 1},   // 5x5, c_out 1
      },
      2, false);
}

TEST(CudaConv2d, GroupedAndDepthwise) {
  run_shapes(
      {
          {1, 6, 7, 8, 10, 3, 3, 1, 1, 1, 1, 1, 1, 2},    // grouped
          {2, 8, 6, 5, 16, 1, 1, 1, 0, 0, 0, 0, 1, 4},    // grouped 1x1
          {1, 4, 7, 7, 8, 3, 3, 2, 1, 1, 1, 1, 1, 4},     // channel multiplier 2: grouped GEMM
          {1, 5, 9, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5},     // depthwise
          {2, 17, 9, 8, 17, 3, 3, 2, 1, 1, 1, 1, 1, 17},  // depthwise /2
          {1, 6, 10, 11, 6, 5, 5, 1, 4, 4, 4, 4, 2, 6},   // depthwise 5x5 dilation 2
          {1, 3, 8, 8, 3, 7, 7, 2, 3, 2, 3, 1, 1, 3},     // depthwise 7x7/2 asymmetric pad
      },
      3, false);
}

// Split-K: the automatic choice splits a deep layer with few output tiles and not a shallow one,
// and forced splits (including ones that do not divide the K tiles) agree with no split.
TEST(CudaConv2d, SplitK) {
  const Conv2dParams deep = params({1, 512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1});
  const Conv2dParams wide = params({1, 64, 112, 112, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1});  // 196 tiles
  for (ConvMath math : conv_test::kMaths) {
    EXPECT_GT(cuda_emu::conv2d_split_k(deep, math), 1) << conv_test::math_name(math);
    EXPECT_GT(cuda_emu::conv2d_workspace_bytes(deep, math), 0u);
    EXPECT_EQ(cuda_emu::conv2d_split_k(wide, math), 1) << conv_test::math_name(math);
    EXPECT_EQ(cuda_emu::conv2d_workspace_bytes(wide, math), 0u);
  }
  std::mt19937 rng(4);
  Conv2dParams p = params({1, 40, 4, 5, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1});  // K = 360
  p.epilogue.act = Activation::Relu;
  for (ConvMath math : conv_test::kMaths)
    for (int split : {1, 2, 5, 7, 100}) {
      Variant v;
      v.residual = true;
      v.split_k = split;
      check(p, math, v, rng);
    }
}

TEST(CudaConv2d, RandomShapes) {
  std::mt19937 rng(5);
  std::vector<Shape> shapes;
  for (int i = 0; i < 8; ++i) {
    Shape s{};
    s.n = kernel_test::uniform_int(rng, 1, 2);
    s.kh = s.kw = std::vector<std::int64_t>{1, 3, 3, 5}[kernel_test::uniform_int(rng, 0, 3)];
    s.stride = kernel_test::uniform_int(rng, 1, 2);
    s.dil = kernel_test::uniform_int(rng, 1, 2);
    s.pad_t = kernel_test::uniform_int(rng, 0, s.kh / 2 * s.dil);
    s.pad_l = kernel_test::uniform_int(rng, 0, s.kh / 2 * s.dil);
    s.pad_b = kernel_test::uniform_int(rng, 0, s.kh / 2 * s.dil);
    s.pad_r = kernel_test::uniform_int(rng, 0, s.kh / 2 * s.dil);
    s.h = kernel_test::uniform_int(rng, s.dil * (s.kh - 1) + 1, 11);
    s.w = kernel_test::uniform_int(rng, s.dil * (s.kw - 1) + 1, 11);
    s.groups = kernel_test::uniform_int(rng, 0, 3) == 0 ? 2 : 1;
    s.c_in = s.groups * kernel_test::uniform_int(rng, 1, 19);
    s.c_out = s.groups * kernel_test::uniform_int(rng, 1, 37);
    shapes.push_back(s);
  }
  run_shapes(shapes, 6, true);
}

TEST(CudaConv2d, RejectsUnsupportedAndBadStride) {
  Conv2dParams p = params({1, 6, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1});
  std::string why;
  EXPECT_TRUE(cuda_emu::conv2d_supported(p, ConvMath::Fp32, &why)) << why;
  Conv2dParams bad = p;
  bad.groups = 4;  // does not divide c_in 6
  EXPECT_FALSE(cuda_emu::conv2d_supported(bad, ConvMath::Fp32, &why));
  EXPECT_NE(why.find("groups"), std::string::npos);
  bad = p;
  bad.h_out = 7;
  EXPECT_FALSE(cuda_emu::conv2d_supported(bad, ConvMath::Fp32, &why));
  EXPECT_THROW(cuda_emu::conv2d_packed_weight_bytes(bad, ConvMath::Fp32), Error);
  std::vector<float> buf(1024);
  EXPECT_THROW(
      cuda_emu::conv2d(p, ConvMath::Fp32, buf.data(), buf.data(), nullptr, nullptr, buf.data(), 3, nullptr, nullptr),
      Error);
}

}  // namespace
}  // namespace tarsier
