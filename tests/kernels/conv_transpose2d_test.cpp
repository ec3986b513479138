// conv_transpose2d against hand-computed cases, a gathering formulation in double, and the
// adjoint identity <conv_t(x), z> == <x, conv(z)> with the same weights.
#include "kernels/ref/conv_transpose2d.hpp"

#include "kernel_test_util.hpp"
#include "kernels/ref/conv2d.hpp"

namespace tarsier {
namespace {

using kernel_test::expect_close;
using kernels::ConvTranspose2dParams;

std::int64_t convt_out(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t d, std::int64_t pb,
                       std::int64_t pe, std::int64_t op) {
  return (in - 1) * s - pb - pe + d * (k - 1) + op + 1;
}

ConvTranspose2dParams simple(std::int64_t h, std::int64_t w, std::int64_t k, std::int64_t stride) {
  ConvTranspose2dParams p;
  p.c_in = p.c_out = 1;
  p.h_in = h;
  p.w_in = w;
  p.kernel_h = p.kernel_w = k;
  p.stride_h = p.stride_w = stride;
  p.h_out = convt_out(h, k, stride, 1, 0, 0, 0);
  p.w_out = convt_out(w, k, stride, 1, 0, 0, 0);
  return p;
}

std::vector<float> run(const ConvTranspose2dParams& p, const std::vector<float>& x, const std::vector<float>& w,
                       const float* bias = nullptr) {
  std::vector<float> y(static_cast<std::size_t>(p.n * p.c_out * p.h_out * p.w_out), -999.0f);
  ref::conv_transpose2d(p, x.data(), w.data(), bias, y.data());
  return y;
}

TEST(ConvTranspose2dRef, HandStride2Kernel2ExpandsBlocks) {
  const auto p = simple(2, 2, 2, 2);
  EXPECT_EQ(run(p, {1, 2, 3, 4}, {1, 1, 1, 1}),
            (std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
}

TEST(ConvTranspose2dRef, HandOverlappingStride1) {
  // Single pixel reproduces the kernel; two pixels overlap-add.
  EXPECT_EQ(run(simple(1, 1, 2, 1), {1}, {1, 2, 3, 4}), (std::vector<float>{1, 2, 3, 4}));
  ConvTranspose2dParams p = simple(1, 2, 1, 1);
  p.kernel_w = 2;
  p.w_out = 3;
  EXPECT_EQ(run(p, {1, 1}, {1, 2}), (std::vector<float>{1, 3, 2}));
}

TEST(ConvTranspose2dRef, HandPadsCropAndOutputPaddingExtends) {
  auto p = simple(2, 2, 2, 2);
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  p.h_out = p.w_out = 2;
  EXPECT_EQ(run(p, {1, 2, 3, 4}, {1, 1, 1, 1}), (std::vector<float>{1, 2, 3, 4}));

  auto q = simple(2, 2, 2, 2);
  q.output_padding_h = q.output_padding_w = 1;
  q.h_out = q.w_out = 5;  // the extra row/column receives no input: bias only
  const float bias = 0.5f;
  q.epilogue.act = kernels::Activation::Relu;
  const std::vector<float> want = {1.5f, 1.5f, 2.5f, 2.5f, 0.5f, 1.5f, 1.5f, 2.5f, 2.5f, 0.5f,
                                   3.5f, 3.5f, 4.5f, 4.5f, 0.5f, 3.5f, 3.5f, 4.5f, 4.5f, 0.5f,
                                   0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
  EXPECT_EQ(run(q, {1, 2, 3, 4}, {1, 1, 1, 1}, &bias), want);
}

TEST(ConvTranspose2dRef, HandGroupsAndDilation) {
  // groups=2: input channel 0 feeds output channel 0 only, input 1 feeds output 1 only.
  ConvTranspose2dParams p = simple(1, 1, 1, 1);
  p.c_in = p.c_out = 2;
  p.groups = 2;
  EXPECT_EQ(run(p, {3, 5}, {2, 10}), (std::vector<float>{6, 50}));
  // Dilation 2 spreads the taps: 1x2 kernel on a single pixel lands at columns 0 and 2.
  ConvTranspose2dParams d = simple(1, 1, 1, 1);
  d.kernel_w = 2;
  d.dilation_w = 2;
  d.w_out = 3;
  EXPECT_EQ(run(d, {2}, {1, 3}), (std::vector<float>{2, 0, 6}));
}

// Gather formulation: each output pixel collects the (input, tap) pairs with
// ih*stride - pad + kh*dilation == oh, in double.
std::vector<double> gather_convt(const ConvTranspose2dParams& p, const std::vector<float>& x,
                                 const std::vector<float>& w, const float* bias) {
  const std::int64_t cin_g = p.c_in / p.groups, cout_g = p.c_out / p.groups;
  std::vector<double> y(static_cast<std::size_t>(p.n * p.c_out * p.h_out * p.w_out));
  std::size_t at = 0;
  for (std::int64_t b = 0; b < p.n; ++b)
    for (std::int64_t oc = 0; oc < p.c_out; ++oc)
      for (std::int64_t oh = 0; oh < p.h_out; ++oh)
        for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
          const std::int64_t g = oc / cout_g;
          double acc = bias ? bias[oc] : 0.0;
          for (std::int64_t icg = 0; icg < cin_g; ++icg) {
            const std::int64_t ic = g * cin_g + icg;
            for (std::int64_t kh = 0; kh < p.kernel_h; ++kh) {
              const std::int64_t th = oh + p.pad_top - kh * p.dilation_h;
              if (th < 0 || th % p.stride_h != 0 || th / p.stride_h >= p.h_in) continue;
              for (std::int64_t kw = 0; kw < p.kernel_w; ++kw) {
                const std::int64_t tw = ow + p.pad_left - kw * p.dilation_w;
                if (tw < 0 || tw % p.stride_w != 0 || tw / p.stride_w >= p.w_in) continue;
                const double xv = x[static_cast<std::size_t>(((b * p.c_in + ic) * p.h_in + th / p.stride_h) * p.w_in +
                                                             tw / p.stride_w)];
                const double wv = w[static_cast<std::size_t>(((ic * cout_g + oc - g * cout_g) * p.kernel_h + kh) *
                                                                 p.kernel_w +
                                                             kw)];
                acc += xv * wv;
              }
            }
          }
          y[at++] = kernel_test::activate(p.epilogue, acc);
        }
  return y;
}

ConvTranspose2dParams random_params(std::mt19937& rng) {
  using kernel_test::uniform_int;
  while (true) {
    ConvTranspose2dParams p;
    p.n = uniform_int(rng, 1, 2);
    const std::int64_t kind = uniform_int(rng, 0, 3);
    p.groups = kind <= 1 ? 1 : (kind == 2 ? uniform_int(rng, 2, 3) : uniform_int(rng, 1, 5));
    const std::int64_t cin_g = kind == 3 ? 1 : uniform_int(rng, 1, 4);
    const std::int64_t cout_g = kind == 3 ? 1 : uniform_int(rng, 1, 4);
    p.c_in = cin_g * p.groups;
    p.c_out = cout_g * p.groups;
    p.h_in = uniform_int(rng, 1, 8);
    p.w_in = uniform_int(rng, 1, 8);
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
    // ONNX: output_padding < max(stride, dilation).
    p.output_padding_h = uniform_int(rng, 0, std::max(p.stride_h, p.dilation_h) - 1);
    p.output_padding_w = uniform_int(rng, 0, std::max(p.stride_w, p.dilation_w) - 1);
    p.h_out = convt_out(p.h_in, p.kernel_h, p.stride_h, p.dilation_h, p.pad_top, p.pad_bottom, p.output_padding_h);
    p.w_out = convt_out(p.w_in, p.kernel_w, p.stride_w, p.dilation_w, p.pad_left, p.pad_right, p.output_padding_w);
    if (p.h_out > 0 && p.w_out > 0) return p;
  }
}

std::string describe(const ConvTranspose2dParams& p, int i) {
  return kernel_test::describe({{"case", i}, {"n", p.n}, {"cin", p.c_in}, {"cout", p.c_out}, {"groups", p.groups},
                                {"h", p.h_in}, {"w", p.w_in}, {"kh", p.kernel_h}, {"kw", p.kernel_w},
                                {"sh", p.stride_h}, {"sw", p.stride_w}, {"dh", p.dilation_h}, {"dw", p.dilation_w},
                                {"pt", p.pad_top}, {"pl", p.pad_left}, {"pb", p.pad_bottom}, {"pr", p.pad_right},
                                {"oph", p.output_padding_h}, {"opw", p.output_padding_w}});
}

TEST(ConvTranspose2dRef, RandomShapesMatchGather) {
  std::mt19937 rng(99);
  for (int i = 0; i < 300; ++i) {
    auto p = random_params(rng);
    p.epilogue = kernel_test::random_epilogue(rng);
    const auto x = kernel_test::random_vector(rng, p.n * p.c_in * p.h_in * p.w_in);
    const auto w = kernel_test::random_vector(rng, p.c_in * (p.c_out / p.groups) * p.kernel_h * p.kernel_w);
    const auto bias = kernel_test::random_vector(rng, p.c_out);
    const float* bp = i % 2 == 0 ? bias.data() : nullptr;
    expect_close(run(p, x, w, bp), gather_convt(p, x, w, bp), describe(p, i));
    if (HasFailure()) return;
  }
}

// ConvTranspose is the adjoint of Conv with the same weight tensor: the convT weight layout
// [c_in][c_out/g][kh][kw] is exactly a conv weight from c_out channels to c_in channels.
TEST(ConvTranspose2dRef, RandomShapesSatisfyAdjointIdentityWithConv) {
  std::mt19937 rng(5);
  for (int i = 0; i < 100; ++i) {
    const auto t = random_params(rng);
    kernels::Conv2dParams c;
    c.n = t.n;
    c.c_in = t.c_out;
    c.c_out = t.c_in;
    c.h_in = t.h_out;
    c.w_in = t.w_out;
    c.h_out = t.h_in;
    c.w_out = t.w_in;
    c.kernel_h = t.kernel_h;
    c.kernel_w = t.kernel_w;
    c.stride_h = t.stride_h;
    c.stride_w = t.stride_w;
    c.dilation_h = t.dilation_h;
    c.dilation_w = t.dilation_w;
    c.pad_top = t.pad_top;
    c.pad_left = t.pad_left;
    c.pad_bottom = t.pad_bottom;
    c.pad_right = t.pad_right;
    c.groups = t.groups;

    const auto x = kernel_test::random_vector(rng, t.n * t.c_in * t.h_in * t.w_in);
    const auto w = kernel_test::random_vector(rng, t.c_in * (t.c_out / t.groups) * t.kernel_h * t.kernel_w);
    const auto z = kernel_test::random_vector(rng, t.n * t.c_out * t.h_out * t.w_out);
    const auto ty = run(t, x, w);
    std::vector<float> cz(x.size());
    ref::conv2d(c, z.data(), w.data(), nullptr, nullptr, cz.data());

    double lhs = 0.0, rhs = 0.0, scale = 0.0;
    for (std::size_t j = 0; j < z.size(); ++j) {
      lhs += double{ty[j]} * z[j];
      scale += std::abs(double{ty[j]} * z[j]);
    }
    for (std::size_t j = 0; j < x.size(); ++j) rhs += double{x[j]} * cz[j];
    EXPECT_NEAR(lhs, rhs, 1e-5 * std::max(scale, 1.0)) << describe(t, i);
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace tarsier
