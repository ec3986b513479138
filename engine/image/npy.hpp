#pragma once
// NumPy .npy files (format versions 1.0, 2.0 and 3.0): float32 tensors in and out.
// Reads little-endian float32 and float64 (narrowed to float32) in C order; anything else
// (big-endian, Fortran order, integers, object arrays) is refused with a message naming it.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "core/tensor.hpp"

namespace tarsier {

struct NpyArray {
  Shape shape;
  std::vector<float> data;
};

// `name` is used in error messages (Error(InvalidArgument) for a malformed file).
NpyArray parse_npy(std::span<const std::uint8_t> bytes, std::string_view name);
NpyArray read_npy(const std::filesystem::path& path);

std::vector<std::uint8_t> encode_npy(std::span<const std::int64_t> shape, std::span<const float> data);
void write_npy(const std::filesystem::path& path, std::span<const std::int64_t> shape, std::span<const float> data);

}  // namespace tarsier
