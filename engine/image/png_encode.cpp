#include "image/png_encode.hpp"

#include <cstring>
#include <fstream>
#include <string>

#include <png.h>

#include <tarsier/error.hpp>

namespace tarsier {

// libpng's simplified write API reports errors through its return value and never
// longjmps into our code.
std::vector<std::uint8_t> encode_png(const Image& image) {
  if (image.channels != 1 && image.channels != 3) {
    throw Error(ErrorCode::InvalidArgument,
                "encode_png: cannot write an image with " + std::to_string(image.channels) + " channels");
  }
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.channels) {
    throw Error(ErrorCode::InvalidArgument, "encode_png: image size and pixel buffer disagree");
  }
  png_image desc;
  std::memset(&desc, 0, sizeof desc);
  desc.version = PNG_IMAGE_VERSION;
  desc.width = static_cast<png_uint_32>(image.width);
  desc.height = static_cast<png_uint_32>(image.height);
  desc.format = image.channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  const png_int_32 stride = image.width * image.channels;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&desc, nullptr, &size, 0, image.pixels.data(), stride, nullptr)) {
    throw Error(ErrorCode::Internal, std::string("PNG encoding failed: ") + desc.message);
  }
  std::vector<std::uint8_t> out(size);
  if (!png_image_write_to_memory(&desc, out.data(), &size, 0, image.pixels.data(), stride, nullptr)) {
    throw Error(ErrorCode::Internal, std::string("PNG encoding failed: ") + desc.message);
  }
  out.resize(size);
  return out;
}

void write_png(const Image& image, const std::filesystem::path& path) {
  const std::vector<std::uint8_t> bytes = encode_png(image);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) throw Error(ErrorCode::Io, "cannot write PNG file '" + path.string() + "'");
}

}  // namespace tarsier
