#include "format/tsr_layout.hpp"

#include <libdeflate.h>

namespace tarsier::tsr {

// libdeflate's CRC-32 (the zlib/gzip polynomial) folds with PCLMULQDQ: ~10x zlib 1.2's
// table-driven crc32 here, and checking every tensor is most of a model's load time otherwise.
std::uint32_t crc32_of(std::span<const std::byte> bytes, std::uint32_t crc) {
  return libdeflate_crc32(crc, bytes.data(), bytes.size());
}

std::uint32_t header_crc(std::span<const std::byte> file, std::uint64_t header_length) {
  std::uint32_t crc = crc32_of(file.subspan(0, kHeaderCrcAt));
  return crc32_of(file.subspan(kReservedAt, 4 + header_length), crc);
}

}  // namespace tarsier::tsr
