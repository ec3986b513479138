// How Winograd's rounding accumulates through a ResNet18-like stack (the model golden tests
// allow max|err| <= 1e-4 * max|ref| at the output): 4 stages of 2 residual blocks, every 3x3
// stride-1 convolution by Winograd, stride-2 and 1x1 convolutions by the reference on both
// paths, He-scaled weights so activations stay O(1). Spatial sizes are reduced (error depends
// on depth and channel count, not on the image size).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "conv_test_util.hpp"
#include "kernels/common/conv_params.hpp"
#include "kernels/ref/conv2d.hpp"
#include "kernels/x86/conv_kernels.hpp"

namespace tarsier::x86_conv_test {
namespace {

using x86::WinogradTile;

kernels::Conv2dParams conv(std::int64_t c_in, std::int64_t c_out, std::int64_t h, std::int64_t k, std::int64_t s) {
  kernels::Conv2dParams p;
  p.c_in = c_in;
  p.c_out = c_out;
  p.h_in = p.w_in = h;
  p.kernel_h = p.kernel_w = k;
  p.stride_h = p.stride_w = s;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = k / 2;
  p.h_out = p.w_out = (h + 2 * (k / 2) - k) / s + 1;
  return p;
}

struct Layer {
  kernels::Conv2dParams p;
  std::vector<float> w, b;
};

Layer make_layer(const kernels::Conv2dParams& p, std::mt19937& rng) {
  const float scale = std::sqrt(6.0f / static_cast<float>(p.c_in * p.kernel_h * p.kernel_w));  // He uniform
  Layer l{p, random_vector(static_cast<std::size_t>(p.c_out * p.c_in * p.kernel_h * p.kernel_w), rng, -scale, scale),
          random_vector(static_cast<std::size_t>(p.c_out), rng, -0.1f, 0.1f)};
  return l;
}

// NCHW conv; Winograd (through NHWC) when tile is set and the layer qualifies.
std::vector<float> run(Isa isa, const Layer& l, const std::vector<float>& x, const std::vector<float>* residual,
                       bool relu, const WinogradTile* tile) {
  kernels::Conv2dParams p = l.p;
  p.epilogue.act = relu ? kernels::Activation::Relu : kernels::Activation::None;
  const std::int64_t hw_out = p.h_out * p.w_out;
  std::vector<float> y(static_cast<std::size_t>(p.c_out * hw_out));
  if (tile == nullptr || !x86::winograd_applicable(p)) {
    ref::conv2d(p, x.data(), l.w.data(), l.b.data(), residual ? residual->data() : nullptr, y.data());
    return y;
  }
  std::vector<float> packed(x86::winograd_packed_floats(isa, *tile, p.c_in, p.c_out));
  x86::winograd_pack_weights(isa, *tile, l.w.data(), p.c_in, p.c_out, packed.data());
  std::vector<float> ws(x86::winograd_workspace_floats(isa, *tile, p));
  const auto xn = to_nhwc(x, 1, p.c_in, p.h_in * p.w_in, p.c_in);
  std::vector<float> rn;
  if (residual) rn = to_nhwc(*residual, 1, p.c_out, hw_out, p.c_out);
  std::vector<float> yn(static_cast<std::size_t>(p.c_out * hw_out));
  x86::winograd_conv(isa, *tile, p, xn.data(), packed.data(), l.b.data(), residual ? rn.data() : nullptr, p.c_out,
                     yn.data(), p.c_out, ws.data(), 0, x86::winograd_tiles(*tile, p));
  return to_nchw(yn, 1, p.c_out, hw_out, p.c_out);
}

struct Net {
  struct Block {
    Layer conv1, conv2;
    bool down = false;
    Layer shortcut;
  };
  std::vector<Block> blocks;
};

Net make_net(std::int64_t h, std::mt19937& rng) {
  Net net;
  std::int64_t c = 64;
  for (int stage = 0; stage < 4; ++stage) {
    const std::int64_t c_out = 64 << stage;
    for (int b = 0; b < 2; ++b) {
      Net::Block blk;
      blk.down = stage > 0 && b == 0;
      blk.conv1 = make_layer(conv(c, c_out, h, 3, blk.down ? 2 : 1), rng);
      const std::int64_t h2 = blk.conv1.p.h_out;
      blk.conv2 = make_layer(conv(c_out, c_out, h2, 3, 1), rng);
      if (blk.down) blk.shortcut = make_layer(conv(c, c_out, h, 1, 2), rng);
      net.blocks.push_back(std::move(blk));
      c = c_out;
      h = h2;
    }
  }
  return net;
}

std::vector<float> forward(Isa isa, const Net& net, std::vector<float> x, const WinogradTile* tile) {
  for (const auto& blk : net.blocks) {
    const auto shortcut = blk.down ? run(isa, blk.shortcut, x, nullptr, false, nullptr) : x;
    const auto h = run(isa, blk.conv1, x, nullptr, true, tile);
    x = run(isa, blk.conv2, h, &shortcut, true, tile);
  }
  return x;
}

TEST(WinogradChain, ResNet18LikeStackStaysWithinGoldenTolerance) {
  const Isa isa = x86::has_isa(Isa::Avx512) ? Isa::Avx512 : Isa::Avx2;
  if (!x86::has_isa(isa)) GTEST_SKIP() << "no AVX2";
  std::mt19937 rng(2024);
  const std::int64_t h = 24;
  const Net net = make_net(h, rng);
  const auto x = random_vector(static_cast<std::size_t>(64 * h * h), rng, 0.0f, 2.0f);
  const auto want = forward(isa, net, x, nullptr);
  for (WinogradTile t : {WinogradTile::F2x2, WinogradTile::F4x4}) {
    const auto got = forward(isa, net, x, &t);
    const ErrorStats e = compare(got, want);
    std::printf("[ %s ] F%d through 16 convs (13 by Winograd): max|err| %.3e, max|ref| %.3e, relative %.2e\n",
                x86::isa_name(isa), t == WinogradTile::F2x2 ? 2 : 4, e.max_abs_err, e.max_abs_ref, e.relative());
    EXPECT_LE(e.relative(), 1e-4) << "F" << (t == WinogradTile::F2x2 ? 2 : 4);
  }
}

}  // namespace
}  // namespace tarsier::x86_conv_test
