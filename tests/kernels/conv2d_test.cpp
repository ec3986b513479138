// conv2d against hand-computed cases and an im2col + Eigen matrix-product formulation.
#include "kernels/ref/conv2d.hpp"

#include <Eigen/Dense>

#include "kernel_test_util.hpp"

namespace tarsier {
namespace {

using kernel_test::expect_close;
using kernels::Activation;
using kernels::Conv2dParams;

std::int64_t conv_out(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t d, std::int64_t pb,
                      std::int64_t pe) {
  const std::int64_t span = in + pb + pe - d * (k - 1) - 1;
  return span < 0 ? 0 : span / s + 1;
}

Conv2dParams square(std::int64_t c_in, std::int64_t c_out, std::int64_t h, std::int64_t w, std::int64_t k,
                    std::int64_t stride, std::int64_t pad) {
  Conv2dParams p;
  p.c_in = c_in;
  p.c_out = c_out;
  p.h_in = h;
  p.w_in = w;
  p.kernel_h = p.kernel_w = k;
  p.stride_h = p.stride_w = stride;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = pad;
  p.h_out = conv_out(h, k, stride, 1, pad, pad);
  p.w_out = conv_out(w, k, stride, 1, pad, pad);
  return p;
}

std::vector<float> run(const Conv2dParams& p, const std::vector<float>& x, const std::vector<float>& w,
                       const float* bias = nullptr, const float* residual = nullptr) {
  std::vector<float> y(static_cast<std::size_t>(p.n * p.c_out * p.h_out * p.w_out), -999.0f);
  ref::conv2d(p, x.data(), w.data(), bias, residual, y.data());
  return y;
}

const std::vector<float> k3x3 = {1, 2, 3, 4, 5, 6, 7, 8, 9};

TEST(Conv2dRef, HandDiagonalDifference) {
  // y[i][j] = x[i][j] - x[i+1][j+1] = -4 everywhere on the 1..9 grid.
  const auto p = square(1, 1, 3, 3, 2, 1, 0);
  EXPECT_EQ(run(p, k3x3, {1, 0, 0, -1}), (std::vector<float>{-4, -4, -4, -4}));
}

TEST(Conv2dRef, HandBoxSumWithPaddingAndBias) {
  // 3x3 box of ones with zero padding 1: each output is the sum of its 3x3 neighbourhood.
  auto p = square(1, 1, 3, 3, 3, 1, 1);
  const std::vector<float> ones(9, 1.0f);
  const float bias = 1.0f;
  EXPECT_EQ(run(p, k3x3, ones, &bias), (std::vector<float>{13, 22, 17, 28, 46, 34, 25, 40, 29}));
  // Stride 2 keeps the four corners.
  p = square(1, 1, 3, 3, 3, 2, 1);
  EXPECT_EQ(run(p, k3x3, ones), (std::vector<float>{12, 16, 24, 28}));
}

TEST(Conv2dRef, HandDepthwise) {
  auto p = square(2, 2, 2, 2, 1, 1, 0);
  p.groups = 2;
  const std::vector<float> x = {1, 1, 1, 1, 1, 2, 3, 4};
  EXPECT_EQ(run(p, x, {2, -1}), (std::vector<float>{2, 2, 2, 2, -1, -2, -3, -4}));
}

TEST(Conv2dRef, HandGroupedTwoInputChannelsPerGroup) {
  // groups=2, c_in=4, c_out=2: output 0 sees channels 0,1; output 1 sees channels 2,3.
  auto p = square(4, 2, 1, 1, 1, 1, 0);
  p.groups = 2;
  EXPECT_EQ(run(p, {1, 2, 3, 4}, {1, 10, 100, 1000}), (std::vector<float>{21, 4300}));
}

TEST(Conv2dRef, HandDilationAndAsymmetricPad) {
  Conv2dParams p;
  p.c_in = p.c_out = 1;
  p.h_in = 1;
  p.w_in = 5;
  p.kernel_w = 2;
  p.dilation_w = 2;
  p.h_out = 1;
  p.w_out = 3;
  // y[j] = x[j] + x[j+2]
  EXPECT_EQ(run(p, {1, 2, 3, 4, 5}, {1, 1}), (std::vector<float>{4, 6, 8}));

  Conv2dParams q;
  q.c_in = q.c_out = 1;
  q.h_in = 1;
  q.w_in = 3;
  q.kernel_w = 2;
  q.pad_right = 1;
  q.h_out = 1;
  q.w_out = 3;
  // Only the right side is padded: y[j] = x[j] + 10 x[j+1].
  EXPECT_EQ(run(q, {1, 2, 3}, {1, 10}), (std::vector<float>{21, 32, 3}));

  Conv2dParams r = q;
  r.pad_right = 0;
  r.pad_top = 1;
  r.pad_bottom = 1;
  r.h_out = 2;
  r.w_out = 3;
  r.kernel_h = 2;
  r.kernel_w = 1;
  // Kernel taller than the one-row input: row 0 sees (pad, x) -> 10 x, row 1 sees (x, pad) -> x.
  EXPECT_EQ(run(r, {1, 2, 3}, {1, 10}), (std::vector<float>{10, 20, 30, 1, 2, 3}));
}

TEST(Conv2dRef, HandKernelLargerThanInput) {
  // 1x1 input, 3x3 kernel, pad 1: only the centre tap ever touches the input.
  const auto p = square(1, 1, 1, 1, 3, 1, 1);
  EXPECT_EQ(run(p, {2}, {9, 9, 9, 9, 5, 9, 9, 9, 9}), (std::vector<float>{10}));
}

TEST(Conv2dRef, HandEpilogueBiasResidualActivations) {
  // 1x1 identity conv so that y = act(x + bias + residual) exactly.
  auto p = square(1, 1, 1, 4, 1, 1, 0);
  const std::vector<float> x = {-3, -1, 0.5f, 4};
  const std::vector<float> res = {1, -1, 0.25f, 4};
  const float bias = 0.5f;  // pre-activation: -1.5, -1.5, 1.25, 8.5
  EXPECT_EQ(run(p, x, {1}, &bias, res.data()), (std::vector<float>{-1.5f, -1.5f, 1.25f, 8.5f}));
  p.epilogue.act = Activation::Relu;
  EXPECT_EQ(run(p, x, {1}, &bias, res.data()), (std::vector<float>{0, 0, 1.25f, 8.5f}));
  p.epilogue.act = Activation::Clip;
  p.epilogue.clip_min = 0.0f;
  p.epilogue.clip_max = 6.0f;  // ReLU6
  EXPECT_EQ(run(p, x, {1}, &bias, res.data()), (std::vector<float>{0, 0, 1.25f, 6}));
  p.epilogue.act = Activation::LeakyRelu;
  p.epilogue.alpha = 0.5f;
  EXPECT_EQ(run(p, x, {1}, &bias, res.data()), (std::vector<float>{-0.75f, -0.75f, 1.25f, 8.5f}));
  p.epilogue.act = Activation::Sigmoid;
  const auto y = run(p, x, {1}, &bias, res.data());
  EXPECT_NEAR(y[0], 0.18242552, 1e-7);  // 1 / (1 + e^1.5)
  EXPECT_NEAR(y[2], 0.77729986, 1e-7);  // 1 / (1 + e^-1.25)
  EXPECT_NEAR(y[3], 0.99979657, 1e-7);
}

TEST(Conv2dRef, ResidualMayAliasOutput) {
  auto p = square(1, 1, 3, 3, 3, 1, 1);
  std::vector<float> y(9, 1.0f);  // residual of ones, overwritten in place
  ref::conv2d(p, k3x3.data(), std::vector<float>(9, 1.0f).data(), nullptr, y.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{13, 22, 17, 28, 46, 34, 25, 40, 29}));
}

// Independent formulation: per (image, group) build the im2col matrix
// [cin_g*kh*kw][h_out*w_out] explicitly (zeros where the tap falls in padding) and multiply
// by the [cout_g][cin_g*kh*kw] weight matrix with Eigen, in double.
std::vector<double> im2col_conv(const Conv2dParams& p, const std::vector<float>& x, const std::vector<float>& w,
                                const float* bias, const float* residual) {
  using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const std::int64_t cin_g = p.c_in / p.groups, cout_g = p.c_out / p.groups;
  const std::int64_t taps = cin_g * p.kernel_h * p.kernel_w, pix = p.h_out * p.w_out;
  std::vector<double> y(static_cast<std::size_t>(p.n * p.c_out * pix));
  for (std::int64_t b = 0; b < p.n; ++b) {
    for (std::int64_t g = 0; g < p.groups; ++g) {
      Mat cols = Mat::Zero(taps, pix);
      for (std::int64_t ic = 0; ic < cin_g; ++ic)
        for (std::int64_t kh = 0; kh < p.kernel_h; ++kh)
          for (std::int64_t kw = 0; kw < p.kernel_w; ++kw)
            for (std::int64_t oh = 0; oh < p.h_out; ++oh)
              for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
                const std::int64_t ih = oh * p.stride_h - p.pad_top + kh * p.dilation_h;
                const std::int64_t iw = ow * p.stride_w - p.pad_left + kw * p.dilation_w;
                if (ih < 0 || iw < 0 || ih >= p.h_in || iw >= p.w_in) continue;
                cols((ic * p.kernel_h + kh) * p.kernel_w + kw, oh * p.w_out + ow) =
                    x[static_cast<std::size_t>(((b * p.c_in + g * cin_g + ic) * p.h_in + ih) * p.w_in + iw)];
              }
      Mat wm(cout_g, taps);
      for (std::int64_t o = 0; o < cout_g; ++o)
        for (std::int64_t t = 0; t < taps; ++t) wm(o, t) = w[static_cast<std::size_t>((g * cout_g + o) * taps + t)];
      const Mat out = wm * cols;
      for (std::int64_t o = 0; o < cout_g; ++o) {
        const std::int64_t oc = g * cout_g + o;
        for (std::int64_t i = 0; i < pix; ++i) {
          const std::size_t at = static_cast<std::size_t>((b * p.c_out + oc) * pix + i);
          double v = out(o, i) + (bias ? bias[oc] : 0.0) + (residual ? residual[at] : 0.0);
          y[at] = kernel_test::activate(p.epilogue, v);
        }
      }
    }
  }
  return y;
}

TEST(Conv2dRef, RandomShapesMatchIm2colEigen) {
  std::mt19937 rng(20240601);
  using kernel_test::uniform_int;
  int tested = 0, depthwise = 0, strided = 0, dilated = 0, big_kernel = 0;
  while (tested < 300) {
    Conv2dParams p;
    p.n = uniform_int(rng, 1, 2);
    const std::int64_t kind = uniform_int(rng, 0, 3);  // 0,1: dense; 2: grouped; 3: depthwise
    p.groups = kind <= 1 ? 1 : (kind == 2 ? uniform_int(rng, 2, 3) : uniform_int(rng, 1, 6));
    const std::int64_t cin_g = kind == 3 ? 1 : uniform_int(rng, 1, 5);
    const std::int64_t cout_g = kind == 3 ? uniform_int(rng, 1, 2) : uniform_int(rng, 1, 5);
    p.c_in = cin_g * p.groups;
    p.c_out = cout_g * p.groups;
    p.h_in = uniform_int(rng, 1, 11);
    p.w_in = uniform_int(rng, 1, 11);
    p.kernel_h = uniform_int(rng, 1, 5);
    p.kernel_w = uniform_int(rng, 1, 5);
    p.stride_h = uniform_int(rng, 1, 3);
    p.stride_w = uniform_int(rng, 1, 3);
    p.dilation_h = uniform_int(rng, 1, 3);
    p.dilation_w = uniform_int(rng, 1, 3);
    p.pad_top = uniform_int(rng, 0, 3);
    p.pad_bottom = uniform_int(rng, 0, 3);
    p.pad_left = uniform_int(rng, 0, 3);
    p.pad_right = uniform_int(rng, 0, 3);
    p.h_out = conv_out(p.h_in, p.kernel_h, p.stride_h, p.dilation_h, p.pad_top, p.pad_bottom);
    p.w_out = conv_out(p.w_in, p.kernel_w, p.stride_w, p.dilation_w, p.pad_left, p.pad_right);
    if (p.h_out <= 0 || p.w_out <= 0) continue;
    p.epilogue = kernel_test::random_epilogue(rng);

    const auto x = kernel_test::random_vector(rng, p.n * p.c_in * p.h_in * p.w_in);
    const auto w = kernel_test::random_vector(rng, p.c_out * cin_g * p.kernel_h * p.kernel_w);
    const auto bias = kernel_test::random_vector(rng, p.c_out);
    const auto residual = kernel_test::random_vector(rng, p.n * p.c_out * p.h_out * p.w_out);
    const bool use_bias = uniform_int(rng, 0, 1) == 1, use_res = uniform_int(rng, 0, 2) == 0;
    const float* bp = use_bias ? bias.data() : nullptr;
    const float* rp = use_res ? residual.data() : nullptr;

    const auto got = run(p, x, w, bp, rp);
    const auto want = im2col_conv(p, x, w, bp, rp);
    expect_close(got, want,
                 kernel_test::describe({{"case", tested}, {"n", p.n}, {"cin", p.c_in}, {"cout", p.c_out},
                                        {"groups", p.groups}, {"h", p.h_in}, {"w", p.w_in}, {"kh", p.kernel_h},
                                        {"kw", p.kernel_w}, {"sh", p.stride_h}, {"sw", p.stride_w},
                                        {"dh", p.dilation_h}, {"dw", p.dilation_w}, {"pt", p.pad_top},
                                        {"pl", p.pad_left}, {"pb", p.pad_bottom}, {"pr", p.pad_right},
                                        {"act", static_cast<int>(p.epilogue.act)}}));
    if (HasFailure()) return;
    ++tested;
    depthwise += kind == 3 && cout_g == 1 && p.groups > 1;
    strided += p.stride_w > 1 || p.stride_h > 1;
    dilated += p.dilation_w > 1 || p.dilation_h > 1;
    big_kernel += p.kernel_h > p.h_in || p.kernel_w > p.w_in;
  }
  // The generator must actually reach the interesting corners.
  EXPECT_GT(depthwise, 10);
  EXPECT_GT(strided, 50);
  EXPECT_GT(dilated, 50);
  EXPECT_GT(big_kernel, 20);
}

TEST(Conv2dRef, ResNetLikeLayerMatchesIm2colEigen) {
  // A realistic size so the vectorised stride-1 and strided paths see long rows.
  std::mt19937 rng(7);
  for (std::int64_t stride : {1, 2}) {
    auto p = square(16, 8, 29, 30, 3, stride, 1);
    p.epilogue.act = Activation::Relu;
    const auto x = kernel_test::random_vector(rng, p.c_in * p.h_in * p.w_in);
    const auto w = kernel_test::random_vector(rng, p.c_out * p.c_in * 9);
    const auto bias = kernel_test::random_vector(rng, p.c_out);
    expect_close(run(p, x, w, bias.data()), im2col_conv(p, x, w, bias.data(), nullptr), "resnet-like");
  }
}

}  // namespace
}  // namespace tarsier
