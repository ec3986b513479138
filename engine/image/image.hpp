#pragma once
// A decoded 8-bit image: rows top to bottom, pixels interleaved (HWC).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tarsier {

// Decoders refuse images above this many pixels, checked from the header before any
// pixel memory is allocated, so a small hostile file cannot demand gigabytes.
inline constexpr std::int64_t kMaxImagePixels = std::int64_t{64} * 1024 * 1024;

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;  // 1 = gray, 3 = RGB
  std::vector<std::uint8_t> pixels;

  Image() = default;
  Image(int w, int h, int c)
      : width(w), height(h), channels(c), pixels(static_cast<std::size_t>(w) * h * c) {}

  std::uint8_t& at(int x, int y, int c) { return pixels[index(x, y, c)]; }
  std::uint8_t at(int x, int y, int c) const { return pixels[index(x, y, c)]; }

 private:
  std::size_t index(int x, int y, int c) const {
    return (static_cast<std::size_t>(y) * width + x) * channels + c;
  }
};

}  // namespace tarsier
