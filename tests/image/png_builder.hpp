#pragma once
// Builds PNG files byte by byte (chunks, CRCs, zlib stream) so decoder tests do not rely on
// the encoder under test, and can produce every colour type, bit depth and damage.
#include <cstdint>
#include <string>
#include <vector>

#include <zlib.h>

namespace tarsier::test {

inline void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

inline void put_chunk(std::vector<std::uint8_t>& out, const std::string& type, const std::vector<std::uint8_t>& data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  std::vector<std::uint8_t> body(type.begin(), type.end());
  body.insert(body.end(), data.begin(), data.end());
  out.insert(out.end(), body.begin(), body.end());
  put_u32(out, static_cast<std::uint32_t>(crc32(0, body.data(), static_cast<uInt>(body.size()))));
}

inline std::vector<std::uint8_t> ihdr(std::uint32_t w, std::uint32_t h, int bit_depth, int color_type) {
  std::vector<std::uint8_t> d;
  put_u32(d, w);
  put_u32(d, h);
  d.push_back(static_cast<std::uint8_t>(bit_depth));
  d.push_back(static_cast<std::uint8_t>(color_type));
  d.push_back(0);  // compression
  d.push_back(0);  // filter
  d.push_back(0);  // no interlace
  return d;
}

// `rows` holds each row's packed sample bytes, without filter bytes.
inline std::vector<std::uint8_t> build_png(std::uint32_t w, std::uint32_t h, int bit_depth, int color_type,
                                           const std::vector<std::vector<std::uint8_t>>& rows,
                                           const std::vector<std::uint8_t>& palette = {}) {
  std::vector<std::uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  put_chunk(out, "IHDR", ihdr(w, h, bit_depth, color_type));
  if (!palette.empty()) put_chunk(out, "PLTE", palette);
  std::vector<std::uint8_t> raw;
  for (const auto& row : rows) {
    raw.push_back(0);  // filter type None
    raw.insert(raw.end(), row.begin(), row.end());
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<std::uint8_t> z(size);
  compress2(z.data(), &size, raw.data(), static_cast<uLong>(raw.size()), 9);
  z.resize(size);
  put_chunk(out, "IDAT", z);
  put_chunk(out, "IEND", {});
  return out;
}

}  // namespace tarsier::test
