#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

#include "image/image.hpp"

namespace tarsier {

// Encodes an 8-bit gray (1 channel) or RGB (3 channel) image as PNG.
std::vector<std::uint8_t> encode_png(const Image& image);
// Writes encode_png(image) to `path`; throws Error(Io) if the file cannot be written.
void write_png(const Image& image, const std::filesystem::path& path);

}  // namespace tarsier
