#pragma once
// A whole file mapped read-only into memory, unmapped when the last owner lets go.
// Weights loaded from a .tsr point into it, so ConstTensor::owner keeps it alive.
#include <cstddef>
#include <filesystem>
#include <span>

namespace tarsier {

class MappedFile {
 public:
  // Throws Error(Io) naming the file when it cannot be opened, is not a regular file
  // or cannot be mapped. An empty file gives an empty (unmapped) view.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const std::byte> bytes() const { return {data_, size_}; }

 private:
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace tarsier
