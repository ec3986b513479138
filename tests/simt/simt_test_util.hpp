#pragma once
// Helpers for the emulator tests: the three block orders, a stream per order, and buffers with
// cudaMalloc's 256-byte alignment (WMMA needs 32).
#include <cstddef>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/cuda/cuda_compat.hpp"
#include "tarsier/error.hpp"

namespace tarsier::simt_test {

inline constexpr simt::BlockOrder kOrders[] = {simt::BlockOrder::Forward, simt::BlockOrder::Reverse,
                                               simt::BlockOrder::Random};

inline std::string order_name(simt::BlockOrder o) {
  return o == simt::BlockOrder::Forward ? "forward" : o == simt::BlockOrder::Reverse ? "reverse" : "random";
}

inline simt::Stream make_stream(simt::BlockOrder order, std::uint64_t seed = 12345) {
  simt::Stream s;
  s.order = order;
  s.seed = seed;
  return s;
}

// A buffer of n trivially copyable T, 256-byte aligned like cudaMalloc's.
template <class T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t n, T fill = T{}) : n_(n), bytes_(n * sizeof(T) + 256) {
    const auto addr = reinterpret_cast<std::uintptr_t>(bytes_.data());
    data_ = reinterpret_cast<T*>(bytes_.data() + ((addr + 255) / 256 * 256 - addr));
    for (std::size_t i = 0; i < n; ++i) data_[i] = fill;
  }
  explicit DeviceBuffer(const std::vector<T>& v) : DeviceBuffer(v.size()) {
    if (!v.empty()) std::memcpy(data_, v.data(), v.size() * sizeof(T));
  }
  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return n_; }
  T& operator[](std::size_t i) { return data_[i]; }
  std::vector<T> to_vector() const { return std::vector<T>(data_, data_ + n_); }

 private:
  std::size_t n_;
  std::vector<unsigned char> bytes_;
  T* data_ = nullptr;
};

inline std::vector<float> random_floats(std::mt19937& rng, std::size_t n, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

}  // namespace tarsier::simt_test
