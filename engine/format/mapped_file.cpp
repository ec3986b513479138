#include "format/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <tarsier/error.hpp>

namespace tarsier {
namespace {

[[noreturn]] void io_error(const std::filesystem::path& path, const std::string& what, int err) {
  throw Error(ErrorCode::Io, "cannot " + what + " model file '" + path.string() + "': " + std::strerror(err));
}

// Closes the descriptor on every path out of the constructor; the mapping outlives it.
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path) {
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) io_error(path, "open", errno);
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) io_error(path, "stat", errno);
  if (!S_ISREG(info.st_mode))
    throw Error(ErrorCode::Io, "cannot read model file '" + path.string() + "': not a regular file");
  size_ = static_cast<std::size_t>(info.st_size);
  if (size_ == 0) return;  // mmap refuses length 0; an empty view is what the reader needs
  // MAP_POPULATE: the loader reads every byte at once (checksums, then packing), so map the
  // whole file in one call instead of taking a page fault per 16 pages (ResNet18: ~700 faults).
  void* mapped = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file.fd, 0);
  if (mapped == MAP_FAILED) io_error(path, "map", errno);
  data_ = static_cast<const std::byte*>(mapped);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<std::byte*>(data_), size_);
}

}  // namespace tarsier
