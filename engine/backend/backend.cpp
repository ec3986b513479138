#include "backend/backend.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace tarsier {

void HostBuffer::Free::operator()(void* p) const { std::free(p); }

// Zeroed so that padding bytes and never-written values read as 0, not garbage. calloc gives
// large blocks as fresh pages the kernel has already zeroed, so the zeroing costs no pass of
// its own (a memset was a tenth of a model's load time). Large buffers (packed weights, the
// arena) ask for transparent huge pages: 512x fewer page faults at load, fewer TLB misses.
HostBuffer::HostBuffer(std::size_t bytes, std::size_t alignment)
    : storage_(static_cast<std::byte*>(std::calloc(bytes + alignment, 1))), size_(bytes) {
  if (!storage_) throw std::bad_alloc();
  const auto base = reinterpret_cast<std::uintptr_t>(storage_.get());
  const std::uintptr_t aligned = (base + alignment - 1) & ~static_cast<std::uintptr_t>(alignment - 1);
  data_ = storage_.get() + (aligned - base);
  constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
  const std::uintptr_t first = (base + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t last = (base + bytes + alignment) & ~(kHugePage - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // a hint: errors ignored
}

std::unique_ptr<Buffer> Backend::allocate(std::size_t bytes) const { return std::make_unique<HostBuffer>(bytes); }

void Backend::copy_to_backend(std::byte* dst, const std::byte* src, std::size_t bytes) const {
  if (bytes) std::memcpy(dst, src, bytes);
}

void Backend::copy_to_host(std::byte* dst, const std::byte* src, std::size_t bytes) const {
  if (bytes) std::memcpy(dst, src, bytes);
}

}  // namespace tarsier
