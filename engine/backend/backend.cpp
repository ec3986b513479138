#include "backend/backend.hpp"

#include <cstdint>
#include <cstring>

namespace tarsier {

HostBuffer::HostBuffer(std::size_t bytes, std::size_t alignment)
    : storage_(std::make_unique_for_overwrite<std::byte[]>(bytes + alignment)), size_(bytes) {
  const auto base = reinterpret_cast<std::uintptr_t>(storage_.get());
  const std::uintptr_t aligned = (base + alignment - 1) & ~static_cast<std::uintptr_t>(alignment - 1);
  data_ = storage_.get() + (aligned - base);
  // Zeroed so that padding bytes and never-written values read as 0, not garbage.
  std::memset(data_, 0, size_);
}

std::unique_ptr<Buffer> Backend::allocate(std::size_t bytes) const {
  return std::make_unique<HostBuffer>(bytes);
}

void Backend::copy_to_backend(std::byte* dst, const std::byte* src, std::size_t bytes) const {
  if (bytes) std::memcpy(dst, src, bytes);
}

void Backend::copy_to_host(std::byte* dst, const std::byte* src, std::size_t bytes) const {
  if (bytes) std::memcpy(dst, src, bytes);
}

}  // namespace tarsier
