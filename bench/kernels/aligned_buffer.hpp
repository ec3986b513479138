#pragma once
// A 64-byte aligned float buffer for benchmarks (packed weights are expected to be aligned).
#include <cstddef>
#include <cstdlib>
#include <memory>

namespace tarsier::bench {

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};

class AlignedBuffer {
 public:
  explicit AlignedBuffer(std::size_t floats)
      : size_(floats), data_(static_cast<float*>(std::aligned_alloc(64, ((floats * sizeof(float) + 63) / 64 + 1) * 64))) {
    for (std::size_t i = 0; i < size_; ++i) data_.get()[i] = 0.0f;
  }
  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  std::size_t size() const { return size_; }

 private:
  std::size_t size_;
  std::unique_ptr<float, FreeDeleter> data_;
};

}  // namespace tarsier::bench
