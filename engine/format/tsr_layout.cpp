#include "format/tsr_layout.hpp"

#include <zlib.h>

namespace tarsier::tsr {

std::uint32_t crc32_of(std::span<const std::byte> bytes, std::uint32_t crc) {
  return static_cast<std::uint32_t>(
      crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<z_size_t>(bytes.size())));
}

std::uint32_t header_crc(std::span<const std::byte> file, std::uint64_t header_length) {
  std::uint32_t crc = crc32_of(file.subspan(0, kHeaderCrcAt));
  return crc32_of(file.subspan(kReservedAt, 4 + header_length), crc);
}

}  // namespace tarsier::tsr
