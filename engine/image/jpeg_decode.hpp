#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "image/image.hpp"

namespace tarsier {

// Decodes a baseline or progressive JPEG to gray (1 channel) or RGB (3 channels; CMYK is
// converted). Corrupt, truncated or oversized data throws Error(InvalidImage) naming `name`.
Image decode_jpeg(std::span<const std::uint8_t> bytes, std::string_view name);

}  // namespace tarsier
