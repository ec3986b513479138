// Pooling against hand-computed cases (PyTorch's avg_pool2d divisor rule) and a naive
// double-precision window loop that counts positions one by one.
#include "kernels/ref/pool2d.hpp"

#include <limits>

#include "kernel_test_util.hpp"

namespace tarsier {
namespace {

using kernel_test::expect_close;
using kernels::Pool2dParams;

Pool2dParams square(std::int64_t h, std::int64_t k, std::int64_t s, std::int64_t pad, std::int64_t h_out) {
  Pool2dParams p;
  p.c = 1;
  p.h_in = p.w_in = h;
  p.kernel_h = p.kernel_w = k;
  p.stride_h = p.stride_w = s;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = pad;
  p.h_out = p.w_out = h_out;
  return p;
}

std::vector<float> avg(const Pool2dParams& p, const std::vector<float>& x) {
  std::vector<float> y(static_cast<std::size_t>(p.n * p.c * p.h_out * p.w_out), -999.0f);
  ref::avg_pool2d(p, x.data(), y.data());
  return y;
}

std::vector<float> max(const Pool2dParams& p, const std::vector<float>& x) {
  std::vector<float> y(static_cast<std::size_t>(p.n * p.c * p.h_out * p.w_out), -999.0f);
  ref::max_pool2d(p, x.data(), y.data());
  return y;
}

TEST(Pool2dRef, HandMaxPool) {
  const std::vector<float> x = {1, 5, 2, 0, 3, 4, 9, 8, 7, 6, 1, 2, -1, -2, -3, -4};  // 4x4
  EXPECT_EQ(max(square(4, 2, 2, 0, 2), x), (std::vector<float>{5, 9, 7, 2}));
  // 3x3 stride 2 pad 1 (the ResNet stem's pool).
  EXPECT_EQ(max(square(4, 3, 2, 1, 2), x), (std::vector<float>{5, 9, 7, 9}));
  // Padding never wins, even over negative values.
  EXPECT_EQ(max(square(2, 3, 1, 1, 2), {-1, -2, -3, -4}), (std::vector<float>{-1, -1, -1, -1}));
  // Dilation 2: the 2x2 taps of output (0,0) are x[0][0], x[0][2], x[2][0], x[2][2].
  auto d = square(4, 2, 1, 0, 2);
  d.dilation_h = d.dilation_w = 2;
  EXPECT_EQ(max(d, x), (std::vector<float>{7, 6, 9, 8}));
}

TEST(Pool2dRef, HandAveragePoolCountIncludePad) {
  const std::vector<float> ones(36, 1.0f);
  // 6x6, k3 s2 p1, ceil_mode -> 4x4. With count_include_pad the divisor is the window clipped
  // to the padded input [-1, 7): interior 9, the last row/column windows start at 5 and hold
  // one real and one pad row (divisor 2 along that axis), the first ones 3 (one pad row).
  // PyTorch 1.13 F.avg_pool2d(ones(1,1,6,6), 3, 2, 1, ceil_mode=True, count_include_pad=True):
  auto p = square(6, 3, 2, 1, 4);
  p.count_include_pad = true;
  const float a = 4.0f / 9, b = 6.0f / 9, c = 2.0f / 6, e = 0.5f, f = 0.25f;
  EXPECT_EQ(avg(p, ones), (std::vector<float>{a, b, b, c, b, 1, 1, e, b, 1, 1, e, c, e, e, f}));
  // Without padding counted every window averages real ones only.
  p.count_include_pad = false;
  EXPECT_EQ(avg(p, ones), std::vector<float>(16, 1.0f));
  // 6x6, k3 s2 p0, ceil_mode -> 3x3: the last window runs past the input and there is no
  // padding to count, so the divisor is the 2 real rows/columns either way.
  auto q = square(6, 3, 2, 0, 3);
  q.count_include_pad = true;
  EXPECT_EQ(avg(q, ones), std::vector<float>(9, 1.0f));
}

TEST(Pool2dRef, HandAveragePoolValues) {
  std::vector<float> x(25);
  for (int i = 0; i < 25; ++i) x[i] = static_cast<float>(i + 1);  // 5x5 of 1..25
  // k3 s2 p1, ceil -> 3x3, count_include_pad: output (0,0) = (1+2+6+7)/9, (1,1) = mean of 7..19 block.
  auto p = square(5, 3, 2, 1, 3);
  p.count_include_pad = true;
  const auto y = avg(p, x);
  EXPECT_FLOAT_EQ(y[0], 16.0f / 9);
  EXPECT_FLOAT_EQ(y[4], 13.0f);
  EXPECT_FLOAT_EQ(y[8], (19 + 20 + 24 + 25) / 9.0f);
  p.count_include_pad = false;
  EXPECT_FLOAT_EQ(avg(p, x)[0], 16.0f / 4);
}

TEST(Pool2dRef, HandGlobalAveragePool) {
  const std::vector<float> x = {1, 2, 3, 4, -4, 0, 0, 0, 10, 10, 10, 10};  // as n=3, c=1, hw=4
  std::vector<float> y(3);
  ref::global_avg_pool(3, 1, 4, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{2.5f, -1.0f, 10.0f}));
  ref::global_avg_pool(1, 2, 6, x.data(), y.data());
  EXPECT_FLOAT_EQ(y[0], 6.0f / 6);
  EXPECT_FLOAT_EQ(y[1], 40.0f / 6);
}

// Naive references: visit every window position, classify it, accumulate in double.
std::vector<double> naive_pool(const Pool2dParams& p, const std::vector<float>& x, bool is_max) {
  std::vector<double> y;
  for (std::int64_t pl = 0; pl < p.n * p.c; ++pl)
    for (std::int64_t oh = 0; oh < p.h_out; ++oh)
      for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
        double sum = 0.0, best = -std::numeric_limits<double>::infinity();
        std::int64_t real = 0, padded = 0;
        for (std::int64_t kh = 0; kh < p.kernel_h; ++kh)
          for (std::int64_t kw = 0; kw < p.kernel_w; ++kw) {
            const std::int64_t dh = is_max ? p.dilation_h : 1, dw = is_max ? p.dilation_w : 1;
            const std::int64_t ih = oh * p.stride_h - p.pad_top + kh * dh;
            const std::int64_t iw = ow * p.stride_w - p.pad_left + kw * dw;
            const bool in_padded = ih >= -p.pad_top && ih < p.h_in + p.pad_bottom && iw >= -p.pad_left &&
                                   iw < p.w_in + p.pad_right;
            const bool in_real = ih >= 0 && ih < p.h_in && iw >= 0 && iw < p.w_in;
            padded += in_padded;
            if (!in_real) continue;
            ++real;
            const double v = x[static_cast<std::size_t>((pl * p.h_in + ih) * p.w_in + iw)];
            sum += v;
            best = std::max(best, v);
          }
        if (is_max) {
          y.push_back(best);
        } else {
          const std::int64_t count = p.count_include_pad ? padded : real;
          y.push_back(count > 0 ? sum / static_cast<double>(count) : 0.0);
        }
      }
  return y;
}

// Output length per ONNX/PyTorch, including ceil_mode's rule that the last window must start
// inside the input or the leading padding.
std::int64_t pool_out(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t d, std::int64_t pb,
                      std::int64_t pe, bool ceil_mode) {
  const std::int64_t span = in + pb + pe - d * (k - 1) - 1;
  if (span < 0) return 0;
  std::int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  if (ceil_mode && (out - 1) * s >= in + pb) --out;
  return out;
}

TEST(Pool2dRef, RandomShapesMatchNaiveWindows) {
  std::mt19937 rng(31337);
  using kernel_test::uniform_int;
  int tested = 0;
  while (tested < 400) {
    const bool is_max = tested % 2 == 0;
    Pool2dParams p;
    p.n = uniform_int(rng, 1, 2);
    p.c = uniform_int(rng, 1, 3);
    p.h_in = uniform_int(rng, 1, 10);
    p.w_in = uniform_int(rng, 1, 10);
    p.kernel_h = uniform_int(rng, 1, 4);
    p.kernel_w = uniform_int(rng, 1, 4);
    p.stride_h = uniform_int(rng, 1, 3);
    p.stride_w = uniform_int(rng, 1, 3);
    if (is_max) {
      p.dilation_h = uniform_int(rng, 1, 3);
      p.dilation_w = uniform_int(rng, 1, 3);
    }
    // PyTorch allows pads up to half the kernel, each side independently here (ONNX).
    p.pad_top = uniform_int(rng, 0, p.kernel_h / 2);
    p.pad_bottom = uniform_int(rng, 0, p.kernel_h / 2);
    p.pad_left = uniform_int(rng, 0, p.kernel_w / 2);
    p.pad_right = uniform_int(rng, 0, p.kernel_w / 2);
    p.count_include_pad = uniform_int(rng, 0, 1) == 1;
    const bool ceil_mode = uniform_int(rng, 0, 1) == 1;
    p.h_out = pool_out(p.h_in, p.kernel_h, p.stride_h, p.dilation_h, p.pad_top, p.pad_bottom, ceil_mode);
    p.w_out = pool_out(p.w_in, p.kernel_w, p.stride_w, p.dilation_w, p.pad_left, p.pad_right, ceil_mode);
    if (p.h_out <= 0 || p.w_out <= 0) continue;

    const auto x = kernel_test::random_vector(rng, p.n * p.c * p.h_in * p.w_in, -2.0f, 1.0f);
    const auto got = is_max ? max(p, x) : avg(p, x);
    expect_close(got, naive_pool(p, x, is_max),
                 kernel_test::describe({{"case", tested}, {"max", is_max}, {"h", p.h_in}, {"w", p.w_in},
                                        {"kh", p.kernel_h}, {"kw", p.kernel_w}, {"sh", p.stride_h},
                                        {"sw", p.stride_w}, {"dh", p.dilation_h}, {"dw", p.dilation_w},
                                        {"pt", p.pad_top}, {"pl", p.pad_left}, {"pb", p.pad_bottom},
                                        {"pr", p.pad_right}, {"cip", p.count_include_pad}, {"ceil", ceil_mode}}));
    if (HasFailure()) return;
    ++tested;
  }
}

TEST(Pool2dRef, RandomGlobalAveragePoolMatchesDouble) {
  std::mt19937 rng(4);
  for (int i = 0; i < 60; ++i) {
    const std::int64_t n = kernel_test::uniform_int(rng, 1, 2), c = kernel_test::uniform_int(rng, 1, 5);
    const std::int64_t hw = kernel_test::uniform_int(rng, 1, 200);
    const auto x = kernel_test::random_vector(rng, n * c * hw);
    std::vector<float> y(static_cast<std::size_t>(n * c));
    ref::global_avg_pool(n, c, hw, x.data(), y.data());
    std::vector<double> want;
    for (std::int64_t p = 0; p < n * c; ++p) {
      double s = 0.0;
      for (std::int64_t j = 0; j < hw; ++j) s += x[static_cast<std::size_t>(p * hw + j)];
      want.push_back(s / static_cast<double>(hw));
    }
    expect_close(y, want, "gap case " + std::to_string(i));
  }
}

}  // namespace
}  // namespace tarsier
