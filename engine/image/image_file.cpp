#include "image/image_file.hpp"

#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

#include <tarsier/error.hpp>

#include "image/jpeg_decode.hpp"
#include "image/png_decode.hpp"

namespace tarsier {

FileKind sniff_file_kind(std::span<const std::uint8_t> head) {
  static constexpr std::uint8_t kPng[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  static constexpr std::uint8_t kNpy[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (head.size() >= sizeof kPng && std::memcmp(head.data(), kPng, sizeof kPng) == 0) return FileKind::Png;
  if (head.size() >= sizeof kNpy && std::memcmp(head.data(), kNpy, sizeof kNpy) == 0) return FileKind::Npy;
  if (head.size() >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return FileKind::Jpeg;
  return FileKind::Unknown;
}

const char* to_string(FileKind kind) {
  switch (kind) {
    case FileKind::Jpeg: return "JPEG";
    case FileKind::Png: return "PNG";
    case FileKind::Npy: return "NPY";
    case FileKind::Unknown: break;
  }
  return "unknown";
}

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path, std::uint64_t max_bytes) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    throw Error(ErrorCode::Io, "cannot open '" + path.string() + "': no such file");
  }
  if (!std::filesystem::is_regular_file(status)) {
    throw Error(ErrorCode::Io, "cannot read '" + path.string() + "': not a regular file");
  }
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorCode::Io, "cannot read '" + path.string() + "': " + ec.message());
  if (size > max_bytes) {
    throw Error(ErrorCode::Io, "'" + path.string() + "' is too large (" + std::to_string(size) +
                                   " bytes, limit " + std::to_string(max_bytes) + ")");
  }
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  std::ifstream file(path, std::ios::binary);
  if (!file.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) {
    throw Error(ErrorCode::Io, "cannot read '" + path.string() + "'");
  }
  return bytes;
}

Image decode_image(std::span<const std::uint8_t> bytes, std::string_view name) {
  switch (sniff_file_kind(bytes)) {
    case FileKind::Jpeg: return decode_jpeg(bytes, name);
    case FileKind::Png: return decode_png(bytes, name);
    default: break;
  }
  throw Error(ErrorCode::InvalidImage, "'" + std::string(name) + "' is neither a JPEG nor a PNG image");
}

Image read_image(const std::filesystem::path& path) {
  return decode_image(read_file_bytes(path), path.string());
}

}  // namespace tarsier
