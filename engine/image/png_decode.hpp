#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "image/image.hpp"

namespace tarsier {

// Decodes any PNG to 8 bits per channel: gray (and gray+alpha) to 1 channel; RGB, RGBA and
// palette to 3. Alpha is dropped rather than composited, as OpenCV's imread and PIL's
// convert("RGB") do, so pixels match what training pipelines saw; 16-bit samples are
// scaled with rounding (v * 255 / 65535). Corrupt, truncated or oversized data throws
// Error(InvalidImage) naming `name`.
Image decode_png(std::span<const std::uint8_t> bytes, std::string_view name);

}  // namespace tarsier
