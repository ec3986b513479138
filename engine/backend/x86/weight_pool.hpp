#pragma once
// Where the x86 kernels' packed weights live: one reserved stretch of address space per
// session, handed out by an atomic bump pointer. Reserved (not committed) memory costs
// nothing until touched; asking for transparent huge pages on one 2 MiB-aligned region
// makes packing a model fault in a few dozen 2 MiB pages instead of ~10k 4 KiB ones
// (separate per-layer buffers left most small and medium layers on 4 KiB pages). The
// pages come zeroed from the kernel, as HostBuffer's do. When the reservation runs out
// (a forced all-stored Winograd plan, say), allocations fall back to HostBuffers.
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "backend/backend.hpp"

namespace tarsier::x86_backend {

class WeightPool {
 public:
  explicit WeightPool(std::size_t capacity_bytes);
  ~WeightPool();
  WeightPool(const WeightPool&) = delete;
  WeightPool& operator=(const WeightPool&) = delete;

  // `floats` zeroed floats, 64-byte aligned, valid as long as the pool. Thread-safe.
  float* allocate(std::size_t floats);
  std::size_t capacity() const { return capacity_; }

 private:
  std::byte* base_ = nullptr;
  std::size_t capacity_ = 0;
  std::atomic<std::size_t> used_{0};
  std::mutex overflow_mutex_;
  std::vector<std::unique_ptr<HostBuffer>> overflow_;
};

}  // namespace tarsier::x86_backend
