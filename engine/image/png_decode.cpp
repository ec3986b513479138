#include "image/png_decode.hpp"

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>

#include <png.h>

#include <tarsier/error.hpp>

namespace tarsier {
namespace {

// libpng's error callback must not return; we longjmp back to the decode function. All
// state lives in this trivially destructible struct owned by a frame above the setjmp,
// and the frame containing the setjmp holds no object with a destructor.
struct PngState {
  std::jmp_buf jump;
  png_structp png;
  png_infop info;
  const unsigned char* data;
  std::size_t size;
  std::size_t pos;
  char message[256];
  // Filled by the header pass.
  png_uint_32 width, height;
  int channels;  // after our transforms: 1 or 3
};

void on_error(png_structp png, png_const_charp message) {
  auto* state = static_cast<PngState*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof state->message, "%s", message);
  std::longjmp(state->jump, 1);
}

void on_warning(png_structp, png_const_charp) {}

void on_read(png_structp png, png_bytep out, png_size_t count) {
  auto* state = static_cast<PngState*>(png_get_io_ptr(png));
  if (count > state->size - state->pos) png_error(png, "the file is truncated");
  std::memcpy(out, state->data + state->pos, count);
  state->pos += count;
}

// Reads the header and, when `out` is not null, the pixels (out_size must be
// width * height * channels from a previous header pass). Returns false on error with
// state->message set. Nothing here may have a destructor (see PngState).
bool run_libpng(PngState* state, unsigned char* out, std::size_t out_size) {
  state->pos = 0;
  state->png = nullptr;
  state->info = nullptr;
  if (setjmp(state->jump) != 0) {
    png_destroy_read_struct(&state->png, state->info ? &state->info : nullptr, nullptr);
    return false;
  }
  state->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state, on_error, on_warning);
  if (state->png == nullptr) {
    std::snprintf(state->message, sizeof state->message, "out of memory");
    return false;
  }
  state->info = png_create_info_struct(state->png);
  if (state->info == nullptr) png_error(state->png, "out of memory");
  png_set_read_fn(state->png, state, on_read);
  png_read_info(state->png, state->info);

  const int color_type = png_get_color_type(state->png, state->info);
  const int bit_depth = png_get_bit_depth(state->png, state->info);
  state->width = png_get_image_width(state->png, state->info);
  state->height = png_get_image_height(state->png, state->info);
  state->channels = (color_type & PNG_COLOR_MASK_COLOR) ? 3 : 1;
  if (out == nullptr) {
    png_destroy_read_struct(&state->png, &state->info, nullptr);
    return true;
  }

  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(state->png);
  if (!(color_type & PNG_COLOR_MASK_COLOR) && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(state->png);
  if (bit_depth == 16) png_set_scale_16(state->png);
  if (color_type & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(state->png);
  const int passes = png_set_interlace_handling(state->png);
  png_read_update_info(state->png, state->info);

  const std::size_t stride = static_cast<std::size_t>(state->width) * state->channels;
  if (png_get_rowbytes(state->png, state->info) != stride || stride * state->height != out_size) {
    png_error(state->png, "unexpected row size after conversion");
  }
  for (int pass = 0; pass < passes; ++pass) {
    for (png_uint_32 y = 0; y < state->height; ++y) png_read_row(state->png, out + stride * y, nullptr);
  }
  png_read_end(state->png, nullptr);
  png_destroy_read_struct(&state->png, &state->info, nullptr);
  return true;
}

[[noreturn]] void fail(std::string_view name, const std::string& problem) {
  throw Error(ErrorCode::InvalidImage, "cannot decode PNG '" + std::string(name) + "': " + problem);
}

}  // namespace

Image decode_png(std::span<const std::uint8_t> bytes, std::string_view name) {
  if (bytes.empty()) fail(name, "the file is empty");
  PngState state{};
  state.data = bytes.data();
  state.size = bytes.size();
  if (!run_libpng(&state, nullptr, 0)) fail(name, state.message);
  const std::int64_t pixels = std::int64_t{state.width} * state.height;
  if (pixels > kMaxImagePixels) {
    fail(name, "declared size " + std::to_string(state.width) + "x" + std::to_string(state.height) +
                   " exceeds the limit of " + std::to_string(kMaxImagePixels) + " pixels");
  }
  Image image(static_cast<int>(state.width), static_cast<int>(state.height), state.channels);
  if (!run_libpng(&state, image.pixels.data(), image.pixels.size())) fail(name, state.message);
  return image;
}

}  // namespace tarsier
