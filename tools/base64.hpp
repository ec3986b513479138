#pragma once
// Standard base64 (RFC 4648, with '=' padding, no line breaks): the encoding of the
// "AnomalyMask" PNG in Lookout-shaped JSON.
#include <cstdint>
#include <span>
#include <string>

namespace tarsier::cli {

std::string base64_encode(std::span<const std::uint8_t> bytes);

}  // namespace tarsier::cli
