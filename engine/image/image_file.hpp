#pragma once
// Reading image files whatever their extension says: the format is sniffed from the
// first bytes, so "part.png" holding a JPEG still decodes.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "image/image.hpp"

namespace tarsier {

enum class FileKind { Jpeg, Png, Npy, Unknown };

FileKind sniff_file_kind(std::span<const std::uint8_t> head);
const char* to_string(FileKind kind);

// Whole file into memory; throws Error(Io) naming the file (missing, unreadable, a
// directory, or larger than `max_bytes`).
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path,
                                          std::uint64_t max_bytes = std::uint64_t{1} << 31);

// Decodes JPEG or PNG bytes; anything else throws Error(InvalidImage) naming `name`.
Image decode_image(std::span<const std::uint8_t> bytes, std::string_view name);
Image read_image(const std::filesystem::path& path);

}  // namespace tarsier
