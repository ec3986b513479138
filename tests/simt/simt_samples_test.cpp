// The sample kernels in kernels/cuda/samples, under the emulator, against plain CPU code.
#include <gtest/gtest.h>

#include <random>

#include "kernels/cuda/samples/samples.hpp"
#include "simt/simt_test_util.hpp"

namespace tarsier::simt_test {
namespace {

TEST(SimtSamples, Transpose) {
  std::mt19937 rng(11);
  for (auto order : kOrders) {
    for (int trial = 0; trial < 4; ++trial) {
      const int rows = 1 + static_cast<int>(rng() % 80), cols = 1 + static_cast<int>(rng() % 80);
      const auto x = random_floats(rng, static_cast<std::size_t>(rows * cols));
      DeviceBuffer<float> dx(x), dy(x.size(), 0.0f);
      auto stream = make_stream(order, trial);
      cuda_samples::transpose(dx.data(), dy.data(), rows, cols, &stream);
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
          ASSERT_EQ(dy[c * rows + r], x[r * cols + c]) << order_name(order) << " " << rows << "x" << cols;
    }
  }
}

TEST(SimtSamples, Sum) {
  std::mt19937 rng(12);
  for (auto order : kOrders) {
    for (int trial = 0; trial < 4; ++trial) {
      const int n = static_cast<int>(rng() % 20000), threads = 32 * (1 + static_cast<int>(rng() % 8));
      const auto x = random_floats(rng, static_cast<std::size_t>(n));
      DeviceBuffer<float> dx(x), out(1, 0.5f);
      auto stream = make_stream(order, trial);
      cuda_samples::sum(dx.data(), n, out.data(), threads, &stream);
      double want = 0.5, mag = 0.5;
      for (float v : x) want += v, mag += std::fabs(v);
      EXPECT_NEAR(out[0], want, 1e-6 * mag) << order_name(order) << " n " << n << " threads " << threads;
    }
  }
}

TEST(SimtSamples, Half2Axpy) {
  std::mt19937 rng(13);
  for (auto order : kOrders) {
    const int n = 2 * (1 + static_cast<int>(rng() % 1000));
    const float a = 0.75f;
    std::vector<__half> x(n), y(n);
    for (auto& v : x) v = __float2half(std::uniform_real_distribution<float>(-4, 4)(rng));
    for (auto& v : y) v = __float2half(std::uniform_real_distribution<float>(-4, 4)(rng));
    DeviceBuffer<__half> dx(x), dy(y);
    auto stream = make_stream(order);
    cuda_samples::half2_axpy(n, a, dx.data(), dy.data(), &stream);
    for (int i = 0; i < n; ++i) {
      const double exact = 0.75 * double(float(x[i])) + double(float(y[i]));
      // One rounding to half: within half an ulp (2^-11 relative, 2^-25 absolute near zero).
      EXPECT_LE(std::fabs(double(float(dy[i])) - exact), std::fabs(exact) * std::ldexp(1.0, -11) + std::ldexp(1.0, -25))
          << i;
      EXPECT_EQ(__half_as_ushort(dy[i]), __half_as_ushort(__hfma(__float2half(a), x[i], y[i])));
    }
  }
}

TEST(SimtSamples, WmmaGemmBiasRelu) {
  std::mt19937 rng(14);
  for (auto order : kOrders) {
    const int m = 16 * (1 + static_cast<int>(rng() % 4)), n = 16 * (1 + static_cast<int>(rng() % 4)),
              k = 16 * (1 + static_cast<int>(rng() % 4));
    std::vector<__half> a(static_cast<std::size_t>(m * k)), bt(static_cast<std::size_t>(n * k));
    for (auto& v : a) v = __float2half(std::uniform_real_distribution<float>(-1, 1)(rng));
    for (auto& v : bt) v = __float2half(std::uniform_real_distribution<float>(-1, 1)(rng));
    const auto bias = random_floats(rng, static_cast<std::size_t>(n));
    DeviceBuffer<__half> da(a), dbt(bt);
    DeviceBuffer<float> dbias(bias), dc(static_cast<std::size_t>(m * n), -1.0f);
    auto stream = make_stream(order);
    cuda_samples::wmma_gemm_bias_relu(da.data(), dbt.data(), dbias.data(), dc.data(), m, n, k, &stream);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        double want = bias[j];
        for (int kk = 0; kk < k; ++kk) want += double(float(a[i * k + kk])) * double(float(bt[j * k + kk]));
        ASSERT_NEAR(dc[i * n + j], std::max(want, 0.0), 1e-4) << order_name(order) << " " << m << "x" << n << "x" << k;
      }
  }
}

}  // namespace
}  // namespace tarsier::simt_test
