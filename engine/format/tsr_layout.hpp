#pragma once
// The fixed binary layout of a .tsr file shared by the writer and the reader
// (SPEC.md, "Preamble"). Everything here is little endian.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tarsier::tsr {

static_assert(std::endian::native == std::endian::little,
              "the .tsr reader uses fp32 weights in place, which needs a little-endian host");

// PNG-style magic: the high byte catches 7-bit transfers, CR LF / LF catch newline
// translation, 0x1A stops `type` on DOS.
inline constexpr std::array<unsigned char, 8> kMagic{0x89, 'T', 'S', 'R', 0x0D, 0x0A, 0x1A, 0x0A};

inline constexpr std::size_t kPreambleBytes = 40;
inline constexpr std::size_t kMajorAt = 8;
inline constexpr std::size_t kMinorAt = 12;
inline constexpr std::size_t kHeaderLengthAt = 16;
inline constexpr std::size_t kDataOffsetAt = 24;
inline constexpr std::size_t kHeaderCrcAt = 32;
inline constexpr std::size_t kReservedAt = 36;

inline constexpr std::uint64_t kAlignment = 64;

// Deepest JSON nesting a header may use; a version-1 header needs 6.
inline constexpr int kMaxJsonDepth = 32;

constexpr std::uint64_t align_up(std::uint64_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

inline std::uint32_t load_u32(std::span<const std::byte> b, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(b[at + i]) << (8 * i);
  return v;
}

inline std::uint64_t load_u64(std::span<const std::byte> b, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(b[at + i]) << (8 * i);
  return v;
}

inline void store_u32(std::span<std::byte> b, std::size_t at, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>(v >> (8 * i));
}

inline void store_u64(std::span<std::byte> b, std::size_t at, std::uint64_t v) {
  for (std::size_t i = 0; i < 8; ++i) b[at + i] = static_cast<std::byte>(v >> (8 * i));
}

// CRC-32 (the zlib/gzip polynomial; computed by libdeflate) of `bytes`, continuing from `crc`.
std::uint32_t crc32_of(std::span<const std::byte> bytes, std::uint32_t crc = 0);

// The header checksum covers the preamble except the checksum field itself, then the
// JSON header: a flipped version, length or offset bit is caught as surely as a flipped
// header byte. `file` must hold at least kPreambleBytes + header_length bytes.
std::uint32_t header_crc(std::span<const std::byte> file, std::uint64_t header_length);

}  // namespace tarsier::tsr
