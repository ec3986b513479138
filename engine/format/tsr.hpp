#pragma once
// Reading and writing .tsr files (specification: engine/format/SPEC.md).
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "format/model.hpp"

namespace tarsier {

inline constexpr std::uint32_t kTsrMajorVersion = 1;
inline constexpr std::uint32_t kTsrMinorVersion = 0;

struct TsrWriteOptions {
  WeightStorage storage = WeightStorage::F32;
};

// Serialises the model. Bit-exact: reading the bytes back gives an equal model.
std::vector<std::byte> write_tsr(const Model& model, const TsrWriteOptions& options = {});
// Writes to a temporary file beside `path` and renames it, so a failure never leaves a
// partial file behind.
void save_tsr(const Model& model, const std::filesystem::path& path, const TsrWriteOptions& options = {});

// One entry of the file's tensor table, as recorded.
struct TsrTensorRecord {
  std::string name;
  std::string dtype;  // "float32" | "float16"
  Shape shape;
  std::uint64_t offset = 0;  // from the start of the data section
  std::uint64_t size = 0;    // bytes
  std::uint32_t crc32 = 0;
};

struct TsrFileSummary {
  std::uint32_t major = 0, minor = 0;
  std::uint64_t file_bytes = 0;
  std::uint64_t header_bytes = 0;
  std::vector<TsrTensorRecord> tensors;
};

// Loads a .tsr file through mmap; fp32 weights stay in the mapping (no copy), fp16 ones
// are widened. Every offset, size, shape, checksum and the graph are verified first:
// throws Error(InvalidModel | Io) naming the problem.
Model load_tsr(const std::filesystem::path& path, TsrFileSummary* summary = nullptr);
// Same from bytes in memory (used by the fuzzer and tests); the bytes are copied.
Model read_tsr(std::span<const std::byte> bytes, TsrFileSummary* summary = nullptr);

}  // namespace tarsier
