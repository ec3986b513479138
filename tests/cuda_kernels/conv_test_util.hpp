#pragma once
// Helpers for the tests of kernels/cuda/conv: NCHW <-> NHWC, storage conversion per ConvMath,
// the fp16 rounding the reference is fed, and the comparison with its tolerance per mode.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/cuda/conv/conv_math.hpp"
#include "kernels/kernel_test_util.hpp"
#include "simt/simt_test_util.hpp"

namespace tarsier::conv_test {

using cuda_emu::ConvMath;

inline constexpr ConvMath kMaths[] = {ConvMath::Fp32, ConvMath::Fp16Half2, ConvMath::Fp16Wmma};

inline std::string math_name(ConvMath m) {
  return m == ConvMath::Fp32 ? "fp32" : m == ConvMath::Fp16Half2 ? "fp16-half2" : "fp16-wmma";
}

// Tolerance relative to the largest pre-activation output (see expect_close below).
//   fp32: K <= ~600 fp32 sums in another order than the reference: worst seen 8e-7; 1e-5 as in
//     kernels/ref's own tests.
//   fp16: the reference is fed the same half-rounded x, w and residual, so what remains is the
//     kernel's own rounding. WMMA sums in fp32 (products exact): only the final rounding of y to
//     half, <= 2^-11 = 4.9e-4 (worst seen 4.7e-4), so 1e-3. Half2 adds the half partial sums of
//     16 products (each __hfma2 rounds to 2^-11 of a partial sum that can reach a few times the
//     output scale): worst seen 1.1e-3, so 4e-3. An indexing mistake moves outputs by a sizeable
//     fraction of the scale, far above either.
inline double tolerance(ConvMath m) {
  switch (m) {
    case ConvMath::Fp32:
      return 1e-5;
    case ConvMath::Fp16Half2:
      return 4e-3;
    case ConvMath::Fp16Wmma:
      return 1e-3;
  }
  return 0.0;
}

inline float round_half(float v) { return static_cast<float>(__half(v)); }

// What a fp16 mode stores: the reference sees the same values.
inline void round_for(ConvMath m, std::vector<float>& v) {
  if (m == ConvMath::Fp32) return;
  for (float& x : v) x = round_half(x);
}

// [n][c][h][w] -> [n][h][w][c]
inline std::vector<float> nchw_to_nhwc(const std::vector<float>& a, std::int64_t n, std::int64_t c, std::int64_t h,
                                       std::int64_t w) {
  std::vector<float> out(a.size());
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t ch = 0; ch < c; ++ch)
      for (std::int64_t y = 0; y < h; ++y)
        for (std::int64_t x = 0; x < w; ++x) out[((i * h + y) * w + x) * c + ch] = a[((i * c + ch) * h + y) * w + x];
  return out;
}

// Zeroed device bytes, 256-byte aligned like cudaMalloc's (simt_test::DeviceBuffer<unsigned
// char> makes GCC warn about its fill loop when the size is not a constant).
class DeviceBytes {
 public:
  explicit DeviceBytes(std::size_t n) : n_(n), storage_(std::make_unique<unsigned char[]>(n + 256)) {
    const auto addr = reinterpret_cast<std::uintptr_t>(storage_.get());
    data_ = storage_.get() + ((addr + 255) / 256 * 256 - addr);
  }
  explicit DeviceBytes(const std::vector<unsigned char>& v) : DeviceBytes(v.size()) {
    if (!v.empty()) std::memcpy(data_, v.data(), v.size());
  }
  unsigned char* data() { return data_; }
  const unsigned char* data() const { return data_; }
  std::size_t size() const { return n_; }

 private:
  std::size_t n_;
  std::unique_ptr<unsigned char[]> storage_;
  unsigned char* data_ = nullptr;
};

// Device bytes holding v in the storage type of m (float or __half), 256-byte aligned.
class StorageBuffer {
 public:
  StorageBuffer(ConvMath m, const std::vector<float>& v) : math_(m), bytes_((v.size() * 4 + 15) / 16 * 16 + 16) {
    for (std::size_t i = 0; i < v.size(); ++i) set(i, v[i]);
  }
  StorageBuffer(ConvMath m, std::size_t n, float fill) : StorageBuffer(m, std::vector<float>(n, fill)) {}
  void* data() { return bytes_.data(); }
  float get(std::size_t i) const {
    if (math_ == ConvMath::Fp32) return reinterpret_cast<const float*>(bytes_.data())[i];
    return static_cast<float>(reinterpret_cast<const __half*>(bytes_.data())[i]);
  }
  void set(std::size_t i, float v) {
    if (math_ == ConvMath::Fp32)
      reinterpret_cast<float*>(bytes_.data())[i] = v;
    else
      reinterpret_cast<__half*>(bytes_.data())[i] = __half(v);
  }

 private:
  ConvMath math_;
  DeviceBytes bytes_;
};

// |got - want| <= tolerance(m) * scale for every element, where scale is the largest magnitude
// of the pre-activation output (the accumulation error lives in those units: a Clip or Sigmoid
// shrinks the outputs, not the error of the sum that fed them).
inline void expect_close(const std::vector<float>& got, const std::vector<float>& want, double scale, ConvMath m,
                         const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  const double tol = tolerance(m) * std::max(scale, 1e-6);
  std::size_t bad = 0, first = 0;
  double worst = 0.0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double diff = std::abs(static_cast<double>(got[i]) - want[i]);
    worst = std::max(worst, diff);
    if (!(diff <= tol) && bad++ == 0) first = i;  // !(<=) also catches NaN
  }
  EXPECT_EQ(bad, 0u) << what << " " << math_name(m) << ": " << bad << " of " << got.size() << " outputs off; first at "
                     << first << " got " << got[first] << " want " << want[first] << " (tol " << tol << ", worst "
                     << worst / std::max(scale, 1e-6) << " of scale)";
}

inline double max_abs(const std::vector<float>& v) {
  double m = 0.0;
  for (float x : v) m = std::max(m, static_cast<double>(std::abs(x)));
  return m;
}

// A y buffer of `pixels` pixels with pixel stride `stride`, of which channels [offset,
// offset + c) are the kernel's output: everything else holds a sentinel that must survive.
struct SliceCheck {
  std::int64_t pixels, stride, offset, c;
  static constexpr float kSentinel = -777.0f;  // exact in half

  // got[i][ch] for ch < c compared to want (NHWC, dense c); the rest must be the sentinel.
  void expect(const StorageBuffer& y, const std::vector<float>& want, double scale, ConvMath m,
              const std::string& what) const {
    std::vector<float> got(static_cast<std::size_t>(pixels * c));
    std::size_t clobbered = 0;
    for (std::int64_t p = 0; p < pixels; ++p)
      for (std::int64_t ch = 0; ch < stride; ++ch) {
        const float v = y.get(static_cast<std::size_t>(p * stride + ch));
        if (ch >= offset && ch < offset + c)
          got[static_cast<std::size_t>(p * c + ch - offset)] = v;
        else if (v != kSentinel)
          ++clobbered;
      }
    EXPECT_EQ(clobbered, 0u) << what << ": wrote outside its channel slice";
    expect_close(got, want, scale, m, what);
  }
};

}  // namespace tarsier::conv_test
