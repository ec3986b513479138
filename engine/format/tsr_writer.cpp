// Writes .tsr files (SPEC.md). The output depends only on the model: keys are sorted,
// tensors follow the constants' name order and every gap is zero.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <tarsier/error.hpp>

#include "format/half.hpp"
#include "format/tsr.hpp"
#include "format/tsr_header.hpp"
#include "format/tsr_layout.hpp"

namespace tarsier {
namespace {

struct StoredTensor {
  TsrTensorRecord record;
  std::vector<std::byte> bytes;
};

StoredTensor store_tensor(const std::string& name, const ConstTensor& tensor, WeightStorage storage) {
  const std::int64_t count = element_count(tensor.shape);
  if (count != static_cast<std::int64_t>(tensor.data.size()))
    throw Error(ErrorCode::InvalidArgument, "cannot write tensor '" + name + "': shape " +
                                                shape_to_string(tensor.shape) + " but " +
                                                std::to_string(tensor.data.size()) + " values");
  StoredTensor out;
  out.record.name = name;
  out.record.shape = tensor.shape;
  if (storage == WeightStorage::F32) {
    out.record.dtype = "float32";
    const auto raw = std::as_bytes(tensor.data);
    out.bytes.assign(raw.begin(), raw.end());
  } else {
    out.record.dtype = "float16";
    out.bytes.resize(tensor.data.size() * 2);
    for (std::size_t i = 0; i < tensor.data.size(); ++i) {
      const float v = tensor.data[i];
      const std::uint16_t h = float_to_half(v);
      // A finite weight turning into inf would silently break the model.
      if (std::isfinite(v) && (h & 0x7c00u) == 0x7c00u)
        throw Error(ErrorCode::InvalidArgument, "cannot store tensor '" + name + "' as float16: value " +
                                                    std::to_string(v) + " is out of float16 range");
      out.bytes[2 * i] = static_cast<std::byte>(h & 0xffu);
      out.bytes[2 * i + 1] = static_cast<std::byte>(h >> 8);
    }
  }
  out.record.size = out.bytes.size();
  out.record.crc32 = tsr::crc32_of(out.bytes);
  return out;
}

}  // namespace

std::vector<std::byte> write_tsr(const Model& model, const TsrWriteOptions& options) {
  std::vector<StoredTensor> stored;
  std::vector<TsrTensorRecord> records;
  std::uint64_t data_bytes = 0;
  for (const auto& [name, tensor] : model.graph.constants) {
    stored.push_back(store_tensor(name, tensor, options.storage));
    data_bytes = tsr::align_up(data_bytes);
    stored.back().record.offset = data_bytes;
    data_bytes += stored.back().record.size;
    records.push_back(stored.back().record);
  }

  std::string header;
  try {
    header = tsr::encode_header(model, records).dump();
  } catch (const nlohmann::json::exception& e) {
    // Names that are not valid UTF-8 cannot go into a JSON header.
    throw Error(ErrorCode::InvalidArgument, std::string("cannot write model header: ") + e.what());
  }

  const std::uint64_t data_offset = tsr::align_up(tsr::kPreambleBytes + header.size());
  std::vector<std::byte> file(data_offset + data_bytes, std::byte{0});
  std::copy(tsr::kMagic.begin(), tsr::kMagic.end(), reinterpret_cast<unsigned char*>(file.data()));
  tsr::store_u32(file, tsr::kMajorAt, kTsrMajorVersion);
  tsr::store_u32(file, tsr::kMinorAt, kTsrMinorVersion);
  tsr::store_u64(file, tsr::kHeaderLengthAt, header.size());
  tsr::store_u64(file, tsr::kDataOffsetAt, data_offset);
  std::memcpy(file.data() + tsr::kPreambleBytes, header.data(), header.size());
  tsr::store_u32(file, tsr::kHeaderCrcAt, tsr::header_crc(file, header.size()));
  for (const StoredTensor& t : stored)
    std::copy(t.bytes.begin(), t.bytes.end(), file.begin() + static_cast<std::ptrdiff_t>(data_offset + t.record.offset));
  return file;
}

void save_tsr(const Model& model, const std::filesystem::path& path, const TsrWriteOptions& options) {
  const std::vector<std::byte> bytes = write_tsr(model, options);
  std::filesystem::path temp = path;
  temp += ".tmp." + std::to_string(::getpid());

  auto fail = [&](const std::string& what, int err) {
    ::unlink(temp.c_str());
    throw Error(ErrorCode::Io, "cannot " + what + " model file '" + path.string() + "': " + std::strerror(err));
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(ErrorCode::Io, "cannot create model file '" + temp.string() + "': " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      fail("write", err);
    }
    done += static_cast<std::size_t>(n);
  }
  // fsync before rename: after a crash the name points at either the old or the whole new file.
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    fail("write", err);
  }
  if (::close(fd) != 0) fail("write", errno);
  if (::rename(temp.c_str(), path.c_str()) != 0) fail("rename temporary file to", errno);
}

}  // namespace tarsier
