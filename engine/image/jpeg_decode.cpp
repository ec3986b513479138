#include "image/jpeg_decode.hpp"

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <cstring>
#include <string>

#include <jpeglib.h>

#include <tarsier/error.hpp>

namespace tarsier {
namespace {

// libjpeg reports fatal errors through a callback that must not return. We longjmp back
// to the decode function; to keep that well defined, all state lives in this trivially
// destructible struct owned by a frame *above* the setjmp, and the frame containing the
// setjmp holds no object with a destructor.
struct JpegState {
  jpeg_error_mgr err;  // first member: libjpeg hands back a jpeg_error_mgr*
  std::jmp_buf jump;
  jpeg_decompress_struct cinfo;
  bool created;
  char message[JMSG_LENGTH_MAX];
  char warning[JMSG_LENGTH_MAX];
  int warnings;
  // Filled by the header pass.
  unsigned width, height;
  int components;  // of libjpeg's output: 1 (gray), 3 (RGB) or 4 (CMYK)
};

void on_fatal(j_common_ptr cinfo) {
  auto* state = reinterpret_cast<JpegState*>(cinfo->err);
  state->err.format_message(cinfo, state->message);
  std::longjmp(state->jump, 1);
}

// Warnings (level -1) are corrupt-data reports, the main one being a truncated file that
// libjpeg would silently pad with gray; we count them and fail afterwards.
void on_message(j_common_ptr cinfo, int level) {
  auto* state = reinterpret_cast<JpegState*>(cinfo->err);
  if (level >= 0) return;
  if (state->warnings++ == 0) state->err.format_message(cinfo, state->warning);
}

// Reads the header and, when `out` is not null, the pixels (out_size must be
// width * height * components from a previous header pass). Returns false on error with
// state->message set. Nothing here may have a destructor (see JpegState).
bool run_libjpeg(JpegState* state, const unsigned char* data, unsigned long size, unsigned char* out,
                 std::size_t out_size) {
  state->cinfo.err = jpeg_std_error(&state->err);
  state->err.error_exit = on_fatal;
  state->err.emit_message = on_message;
  state->created = false;
  state->warnings = 0;
  if (setjmp(state->jump) != 0) {
    if (state->created) jpeg_destroy_decompress(&state->cinfo);
    return false;
  }
  jpeg_create_decompress(&state->cinfo);
  state->created = true;
  jpeg_mem_src(&state->cinfo, data, size);
  jpeg_read_header(&state->cinfo, TRUE);
  const J_COLOR_SPACE space = state->cinfo.jpeg_color_space;
  if (space == JCS_GRAYSCALE) {
    state->cinfo.out_color_space = JCS_GRAYSCALE;
    state->components = 1;
  } else if (space == JCS_CMYK || space == JCS_YCCK) {
    state->cinfo.out_color_space = JCS_CMYK;
    state->components = 4;
  } else {
    state->cinfo.out_color_space = JCS_RGB;
    state->components = 3;
  }
  state->width = state->cinfo.image_width;
  state->height = state->cinfo.image_height;
  if (out == nullptr) {
    jpeg_destroy_decompress(&state->cinfo);
    return true;
  }
  const std::size_t stride = static_cast<std::size_t>(state->width) * state->components;
  if (stride * state->height != out_size) {
    std::snprintf(state->message, sizeof state->message, "header changed between passes");
    jpeg_destroy_decompress(&state->cinfo);
    return false;
  }
  jpeg_start_decompress(&state->cinfo);
  if (state->cinfo.output_width != state->width || state->cinfo.output_height != state->height ||
      state->cinfo.output_components != state->components) {
    std::snprintf(state->message, sizeof state->message, "unexpected output geometry");
    jpeg_destroy_decompress(&state->cinfo);
    return false;
  }
  while (state->cinfo.output_scanline < state->cinfo.output_height) {
    JSAMPROW row = out + stride * state->cinfo.output_scanline;
    jpeg_read_scanlines(&state->cinfo, &row, 1);
  }
  jpeg_finish_decompress(&state->cinfo);
  jpeg_destroy_decompress(&state->cinfo);
  return true;
}

[[noreturn]] void fail(std::string_view name, const char* problem) {
  throw Error(ErrorCode::InvalidImage, "cannot decode JPEG '" + std::string(name) + "': " + problem);
}

// Adobe applications write CMYK JPEGs with inverted samples (255 = no ink), which is what
// libjpeg returns as-is; so ink-free white is c=m=y=k=255.
void cmyk_to_rgb(std::vector<std::uint8_t>& pixels, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned k = pixels[i * 4 + 3];
    for (int c = 0; c < 3; ++c) pixels[i * 3 + c] = static_cast<std::uint8_t>((pixels[i * 4 + c] * k + 127) / 255);
  }
  pixels.resize(count * 3);
}

}  // namespace

Image decode_jpeg(std::span<const std::uint8_t> bytes, std::string_view name) {
  if (bytes.empty()) fail(name, "the file is empty");
  JpegState state{};
  if (!run_libjpeg(&state, bytes.data(), static_cast<unsigned long>(bytes.size()), nullptr, 0)) {
    fail(name, state.message);
  }
  const std::int64_t pixels = std::int64_t{state.width} * state.height;
  if (state.width == 0 || state.height == 0) fail(name, "the image has no pixels");
  if (pixels > kMaxImagePixels) {
    fail(name, ("declared size " + std::to_string(state.width) + "x" + std::to_string(state.height) +
                " exceeds the limit of " + std::to_string(kMaxImagePixels) + " pixels")
                   .c_str());
  }
  const int components = state.components;
  std::vector<std::uint8_t> data(static_cast<std::size_t>(pixels) * components);
  if (!run_libjpeg(&state, bytes.data(), static_cast<unsigned long>(bytes.size()), data.data(), data.size())) {
    fail(name, state.message);
  }
  if (state.warnings > 0) fail(name, state.warning);
  Image image;
  image.width = static_cast<int>(state.width);
  image.height = static_cast<int>(state.height);
  image.channels = components == 1 ? 1 : 3;
  if (components == 4) cmyk_to_rgb(data, static_cast<std::size_t>(pixels));
  image.pixels = std::move(data);
  return image;
}

}  // namespace tarsier
