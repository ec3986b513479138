#include "backend/x86/weight_pool.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>

namespace tarsier::x86_backend {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kAlignment = 64;
}  // namespace

WeightPool::WeightPool(std::size_t capacity_bytes) {
  // Reserve one huge page more than asked so the usable part can start on a 2 MiB boundary.
  const std::size_t capacity = (capacity_bytes + kHugePage - 1) / kHugePage * kHugePage;
  const std::size_t reserve = capacity + kHugePage;
  void* p = mmap(nullptr, reserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return;  // every allocation falls back to HostBuffers
  auto* raw = static_cast<std::byte*>(p);
  const auto addr = reinterpret_cast<std::uintptr_t>(raw);
  const std::size_t lead = ((addr + kHugePage - 1) & ~(kHugePage - 1)) - addr;
  // Give back the unaligned head and tail so that only the aligned region stays mapped.
  if (lead) munmap(raw, lead);
  if (kHugePage - lead) munmap(raw + lead + capacity, kHugePage - lead);
  base_ = raw + lead;
  capacity_ = capacity;
  madvise(base_, capacity_, MADV_HUGEPAGE);  // a hint: errors ignored
}

WeightPool::~WeightPool() {
  if (base_) munmap(base_, capacity_);
}

float* WeightPool::allocate(std::size_t floats) {
  const std::size_t bytes =
      (std::max<std::size_t>(floats, 1) * sizeof(float) + kAlignment - 1) / kAlignment * kAlignment;
  if (base_) {
    const std::size_t offset = used_.fetch_add(bytes, std::memory_order_relaxed);
    if (offset + bytes <= capacity_) return reinterpret_cast<float*>(base_ + offset);
  }
  std::lock_guard lock(overflow_mutex_);
  overflow_.push_back(std::make_unique<HostBuffer>(bytes));
  return reinterpret_cast<float*>(overflow_.back()->data());
}

}  // namespace tarsier::x86_backend
