// Pool kernels (kernels/cuda/ops/pool.cu) against ref::max_pool2d / avg_pool2d /
// global_avg_pool under the emulator, NHWC with pixel strides, float and half, every block order.
// First: gtest and the standard headers must precede the emulator's macros.
#include "ops_test_util.hpp"

#include "kernels/cuda/ops/pool.hpp"

#include "kernels/ref/pool2d.hpp"

namespace tarsier::ops_test {
namespace {

namespace dev = tarsier::cuda_emu;

// Output size as shape inference computes it (floor or ceil mode; a ceil window must start
// inside the input or its left padding, as in PyTorch / ONNX Runtime).
std::int64_t out_len(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t p0, std::int64_t p1, std::int64_t d,
                     bool ceil_mode) {
  const std::int64_t span = in + p0 + p1 - d * (k - 1) - 1;
  if (span < 0) return 0;
  std::int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  if (ceil_mode && (out - 1) * s >= in + p0) --out;
  return out;
}

kernels::Pool2dParams random_params(std::mt19937& rng, bool dilate) {
  kernels::Pool2dParams p;
  for (int attempt = 0;; ++attempt) {
    p.n = pick(rng, 1, 2);
    p.c = pick(rng, 1, 19);
    p.h_in = pick(rng, 1, 11);
    p.w_in = pick(rng, 1, 11);
    p.kernel_h = pick(rng, 1, 4);
    p.kernel_w = pick(rng, 1, 4);
    p.stride_h = pick(rng, 1, 3);
    p.stride_w = pick(rng, 1, 3);
    p.pad_top = pick(rng, 0, p.kernel_h - 1);
    p.pad_bottom = pick(rng, 0, p.kernel_h - 1);
    p.pad_left = pick(rng, 0, p.kernel_w - 1);
    p.pad_right = pick(rng, 0, p.kernel_w - 1);
    p.dilation_h = dilate ? pick(rng, 1, 2) : 1;
    p.dilation_w = dilate ? pick(rng, 1, 2) : 1;
    p.count_include_pad = pick(rng, 0, 1) == 1;
    const bool ceil_mode = pick(rng, 0, 1) == 1;
    p.h_out = out_len(p.h_in, p.kernel_h, p.stride_h, p.pad_top, p.pad_bottom, p.dilation_h, ceil_mode);
    p.w_out = out_len(p.w_in, p.kernel_w, p.stride_w, p.pad_left, p.pad_right, p.dilation_w, ceil_mode);
    if (p.h_out > 0 && p.w_out > 0) return p;
  }
}

// The pools the models use, plus the random ones.
std::vector<kernels::Pool2dParams> cases(std::mt19937& rng, bool dilate) {
  std::vector<kernels::Pool2dParams> v;
  kernels::Pool2dParams resnet;  // ResNet18 stem max pool: 3x3 s2 p1 (on a small image)
  resnet.n = 1, resnet.c = 5, resnet.h_in = 13, resnet.w_in = 12, resnet.kernel_h = resnet.kernel_w = 3;
  resnet.stride_h = resnet.stride_w = 2, resnet.pad_top = resnet.pad_left = resnet.pad_bottom = resnet.pad_right = 1;
  resnet.h_out = 7, resnet.w_out = 6;
  v.push_back(resnet);
  kernels::Pool2dParams unet;  // U-Net encoder: 2x2 s2, odd input (floor)
  unet.n = 2, unet.c = 3, unet.h_in = 9, unet.w_in = 7, unet.kernel_h = unet.kernel_w = 2;
  unet.stride_h = unet.stride_w = 2, unet.h_out = 4, unet.w_out = 3;
  v.push_back(unet);
  kernels::Pool2dParams ceil6;  // 6x6 k3 s2 p1 ceil: the last window is half padding (pool2d.hpp)
  ceil6.n = 1, ceil6.c = 2, ceil6.h_in = ceil6.w_in = 6, ceil6.kernel_h = ceil6.kernel_w = 3;
  ceil6.stride_h = ceil6.stride_w = 2, ceil6.pad_top = ceil6.pad_left = ceil6.pad_bottom = ceil6.pad_right = 1;
  ceil6.h_out = ceil6.w_out = 4, ceil6.count_include_pad = true;
  v.push_back(ceil6);
  for (int i = 0; i < 14; ++i) v.push_back(random_params(rng, dilate));
  return v;
}

template <class T>
void run_pool(bool max_pool) {
  std::mt19937 rng(max_pool ? 11 : 12);
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 77);
    for (const kernels::Pool2dParams& p : cases(rng, max_pool)) {
      const std::int64_t xs = p.c + pick(rng, 0, 2), ys = p.c + pick(rng, 0, 3);
      const auto x = representable<T>(simt_test::random_floats(rng, p.n * p.c * p.h_in * p.w_in, -4.0f, 4.0f));
      std::vector<float> want(p.n * p.c * p.h_out * p.w_out);
      if (max_pool) {
        ref::max_pool2d(p, x.data(), want.data());
      } else {
        ref::avg_pool2d(p, x.data(), want.data());
      }
      auto dx = nhwc_from_nchw<T>(x, p.n, p.c, p.h_in * p.w_in, xs);
      DeviceBuffer<T> dy(p.n * p.h_out * p.w_out * ys, from_f<T>(kSentinel));
      if (max_pool) {
        dev::max_pool2d_nhwc<T>(p, dx.data(), xs, dy.data(), ys, &stream);
      } else {
        dev::avg_pool2d_nhwc<T>(p, dx.data(), xs, dy.data(), ys, &stream);
      }
      // Same window order and float math as the reference on the same (T-representable) inputs:
      // exact, also for half (one rounding of the identical float result).
      const std::string what = std::string(kTypeName<T>) + " " + simt_test::order_name(order) + " " +
                               std::to_string(p.h_in) + "x" + std::to_string(p.w_in) + "x" + std::to_string(p.c) +
                               " k" + std::to_string(p.kernel_h) + "x" + std::to_string(p.kernel_w) + " s" +
                               std::to_string(p.stride_h) + "x" + std::to_string(p.stride_w);
      expect_nhwc_matches<T>(dy, ys, want, p.n, p.c, p.h_out * p.w_out, 0.0f, what);
    }
  }
}

TEST(OpsPool, MaxPoolMatchesRefFloat) { run_pool<float>(true); }
TEST(OpsPool, MaxPoolMatchesRefHalf) { run_pool<__half>(true); }
TEST(OpsPool, AvgPoolMatchesRefFloat) { run_pool<float>(false); }
TEST(OpsPool, AvgPoolMatchesRefHalf) { run_pool<__half>(false); }

template <class T>
void run_global() {
  std::mt19937 rng(13);
  struct Shape {
    std::int64_t n, hw, c;
  };
  // ResNet18 head (7x7x512 shrunk in channels), 1 channel over a large image (the block-wide
  // pixel split), channel counts around the 32-channel block width, empty-tail tiles.
  const std::vector<Shape> shapes{{1, 49, 67}, {2, 3001, 1}, {1, 1, 33}, {3, 17, 5}, {1, 200, 32}, {2, 9, 2}};
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 5);
    for (const Shape& s : shapes) {
      const std::int64_t xs = s.c + pick(rng, 0, 2), ys = s.c + pick(rng, 0, 3);
      const auto x = representable<T>(simt_test::random_floats(rng, s.n * s.c * s.hw, -2.0f, 3.0f));
      std::vector<float> want(s.n * s.c);
      ref::global_avg_pool(s.n, s.c, s.hw, x.data(), want.data());
      auto dx = nhwc_from_nchw<T>(x, s.n, s.c, s.hw, xs);
      DeviceBuffer<T> dy(s.n * ys, from_f<T>(kSentinel));
      dev::global_avg_pool_nhwc<T>(s.n, s.hw, s.c, dx.data(), xs, dy.data(), ys, &stream);
      // The tree sums in a different order than the reference's running sum: fp32 rounding of
      // up to 3001 terms of magnitude <= 3 stays far below 1e-5 relative to (1 + |mean|); half
      // adds its own output rounding (2^-11 relative), so 1e-3.
      const float tol = std::is_same_v<T, float> ? 1e-5f : 1e-3f;
      expect_nhwc_matches<T>(dy, ys, want, s.n, s.c, 1, tol,
                             std::string(kTypeName<T>) + " global " + std::to_string(s.hw) + "x" + std::to_string(s.c) +
                                 " " + simt_test::order_name(order));
    }
  }
}

TEST(OpsPool, GlobalAvgPoolMatchesRefFloat) { run_global<float>(); }
TEST(OpsPool, GlobalAvgPoolMatchesRefHalf) { run_global<__half>(); }

TEST(OpsPool, RejectsStrideBelowChannels) {
  simt::Stream stream = simt_test::make_stream(simt::BlockOrder::Forward);
  kernels::Pool2dParams p;
  p.c = 4, p.h_in = p.w_in = 2, p.h_out = p.w_out = 1, p.kernel_h = p.kernel_w = 2;
  DeviceBuffer<float> x(16), y(4);
  EXPECT_THROW(dev::max_pool2d_nhwc<float>(p, x.data(), 3, y.data(), 4, &stream), Error);
}

}  // namespace
}  // namespace tarsier::ops_test
