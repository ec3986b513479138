// Reads .tsr files (SPEC.md, "Reader checks"): every number taken from the file is
// checked before it is used as an offset, a size or an allocation.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <tarsier/error.hpp>

#include "format/half.hpp"
#include "format/mapped_file.hpp"
#include "format/tsr.hpp"
#include "format/tsr_header.hpp"
#include "format/tsr_layout.hpp"

namespace tarsier {
namespace {

[[noreturn]] void invalid(const std::string& message) { throw Error(ErrorCode::InvalidModel, message); }

std::string hex32(std::uint32_t v) {
  char buf[11];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Fuzzing builds skip checksum enforcement so that mutated headers reach the parser
// behind the checksum (the usual libFuzzer convention); every other check stays.
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
constexpr bool kEnforceChecksums = false;
#else
constexpr bool kEnforceChecksums = true;
#endif

struct Preamble {
  std::uint32_t major, minor;
  std::uint64_t header_length, data_offset;
};

Preamble read_preamble(std::span<const std::byte> file) {
  const std::size_t magic_bytes = std::min(file.size(), tsr::kMagic.size());
  if (magic_bytes > 0 && std::memcmp(file.data(), tsr::kMagic.data(), magic_bytes) != 0)
    invalid("not a Tarsier model file (bad magic bytes)");
  if (file.size() < tsr::kPreambleBytes)
    invalid("model file is truncated: " + std::to_string(file.size()) + " bytes, shorter than the " +
            std::to_string(tsr::kPreambleBytes) + "-byte preamble");

  Preamble p{tsr::load_u32(file, tsr::kMajorAt), tsr::load_u32(file, tsr::kMinorAt),
             tsr::load_u64(file, tsr::kHeaderLengthAt), tsr::load_u64(file, tsr::kDataOffsetAt)};
  const std::string version = std::to_string(p.major) + "." + std::to_string(p.minor);
  if (p.major > kTsrMajorVersion)
    invalid("model file format " + version + " is newer than this tarsier supports (" +
            std::to_string(kTsrMajorVersion) + ".x); upgrade tarsier");
  if (p.major < kTsrMajorVersion) invalid("model file format " + version + " is not supported (expected 1.x)");

  const std::uint64_t size = file.size();
  if (p.header_length > size - tsr::kPreambleBytes)
    invalid("header length " + std::to_string(p.header_length) + " runs past the end of the file (" +
            std::to_string(size) + " bytes)");
  if (p.data_offset % tsr::kAlignment != 0)
    invalid("data offset " + std::to_string(p.data_offset) + " is not a multiple of 64");
  if (p.data_offset < tsr::kPreambleBytes + p.header_length)
    invalid("data offset " + std::to_string(p.data_offset) + " lies inside the header");
  if (p.data_offset > size)
    invalid("data offset " + std::to_string(p.data_offset) + " is past the end of the file (" +
            std::to_string(size) + " bytes)");

  const std::uint32_t stored = tsr::load_u32(file, tsr::kHeaderCrcAt);
  const std::uint32_t computed = tsr::header_crc(file, p.header_length);
  if (kEnforceChecksums && stored != computed)
    invalid("header checksum mismatch (stored " + hex32(stored) + ", computed " + hex32(computed) +
            "): file is damaged");
  return p;
}

void require_zero(std::span<const std::byte> bytes, std::uint64_t file_offset, const char* where) {
  for (std::size_t i = 0; i < bytes.size(); ++i)
    if (bytes[i] != std::byte{0})
      invalid("padding byte at file offset " + std::to_string(file_offset + i) + " (" + where +
              ") is not zero: file is damaged");
}

void check_padding(std::span<const std::byte> file, const Preamble& p, const std::vector<TsrTensorRecord>& tensors,
                   const std::vector<std::size_t>& by_offset) {
  const std::uint64_t header_end = tsr::kPreambleBytes + p.header_length;
  require_zero(file.subspan(header_end, p.data_offset - header_end), header_end, "between header and data");
  const auto data = file.subspan(p.data_offset);
  std::uint64_t covered_to = 0;
  for (std::size_t i : by_offset) {
    const TsrTensorRecord& t = tensors[i];
    if (t.size == 0) continue;
    require_zero(data.subspan(covered_to, t.offset - covered_to), p.data_offset + covered_to, "between tensors");
    covered_to = t.offset + t.size;
  }
  require_zero(data.subspan(covered_to), p.data_offset + covered_to, "after the last tensor");
}

std::size_t dtype_bytes(const TsrTensorRecord& t) {
  if (t.dtype == "float32") return 4;
  if (t.dtype == "float16") return 2;
  invalid("tensor '" + t.name + "' has unsupported dtype '" + t.dtype + "' (expected float32 or float16)");
}

// Checks a record against the data section; returns its element count.
std::int64_t check_record(const TsrTensorRecord& t, std::uint64_t data_size) {
  const std::size_t width = dtype_bytes(t);
  std::int64_t count = 0;
  try {
    count = element_count(t.shape);
  } catch (const Error& e) {
    invalid("tensor '" + t.name + "': " + e.what());
  }
  // count <= 2^48, so count * 4 cannot overflow.
  const std::uint64_t expected = static_cast<std::uint64_t>(count) * width;
  if (t.size != expected)
    invalid("tensor '" + t.name + "' has size " + std::to_string(t.size) + " bytes but shape " +
            shape_to_string(t.shape) + " of " + t.dtype + " needs " + std::to_string(expected));
  if (t.offset % tsr::kAlignment != 0)
    invalid("tensor '" + t.name + "' offset " + std::to_string(t.offset) + " is not a multiple of 64");
  if (t.offset > data_size || t.size > data_size - t.offset)
    invalid("tensor '" + t.name + "' (bytes " + std::to_string(t.offset) + " + " + std::to_string(t.size) +
            ") lies outside the data section (" + std::to_string(data_size) + " bytes): file is truncated or damaged");
  return count;
}

ConstTensor make_tensor(const TsrTensorRecord& t, std::int64_t count, std::span<const std::byte> bytes,
                        const std::shared_ptr<const void>& owner) {
  const auto n = static_cast<std::size_t>(count);
  if (t.dtype == "float32") {
    // Used in place: the data offset and the tensor offset are multiples of 64 and the
    // buffer starts 64-aligned (a page for mmap), so the floats are aligned.
    ConstTensor c;
    c.shape = t.shape;
    c.data = std::span<const float>(reinterpret_cast<const float*>(bytes.data()), n);
    c.owner = owner;
    return c;
  }
  std::vector<float> widened(n);
  for (std::size_t i = 0; i < n; ++i)
    widened[i] = half_to_float(static_cast<std::uint16_t>(static_cast<unsigned>(bytes[2 * i]) |
                                                          (static_cast<unsigned>(bytes[2 * i + 1]) << 8)));
  return ConstTensor::from_vector(t.shape, std::move(widened));
}

// The model info must describe the graph it sits beside (names given must exist).
void check_info_against_graph(const ModelInfo& info, const Graph& graph) {
  auto recorded_shape = [&](const std::string& name) -> const Shape* {
    auto it = graph.shapes.find(name);
    return it == graph.shapes.end() ? nullptr : &it->second;
  };
  const InputSpec& in = info.input;
  if (!in.name.empty()) {
    if (std::find(graph.inputs.begin(), graph.inputs.end(), in.name) == graph.inputs.end())
      invalid("input spec names '" + in.name + "', which is not a graph input");
    const Shape* s = recorded_shape(in.name);
    if (!in.shape.empty() && s && *s != in.shape)
      invalid("input spec shape " + shape_to_string(in.shape) + " differs from the graph's " + shape_to_string(*s));
  }
  for (const OutputSpec& out : info.outputs) {
    if (out.name.empty()) continue;
    if (std::find(graph.outputs.begin(), graph.outputs.end(), out.name) == graph.outputs.end())
      invalid("output spec names '" + out.name + "', which is not a graph output");
    const Shape* s = recorded_shape(out.name);
    if (!out.shape.empty() && s && *s != out.shape)
      invalid("output spec shape " + shape_to_string(out.shape) + " of '" + out.name + "' differs from the graph's " +
              shape_to_string(*s));
  }
}

Model parse_tsr(std::span<const std::byte> file, const std::shared_ptr<const void>& owner, TsrFileSummary* summary) {
  const Preamble p = read_preamble(file);
  const auto header_bytes = file.subspan(tsr::kPreambleBytes, p.header_length);
  const std::string_view header_text(reinterpret_cast<const char*>(header_bytes.data()), header_bytes.size());
  tsr::DecodedHeader h = tsr::decode_header(header_text);
  if (h.major != p.major || h.minor != p.minor)
    invalid("header format_version " + std::to_string(h.major) + "." + std::to_string(h.minor) +
            " disagrees with the preamble's " + std::to_string(p.major) + "." + std::to_string(p.minor));
  const auto data = file.subspan(p.data_offset);
  std::vector<std::int64_t> counts;
  std::set<std::string, std::less<>> names;
  for (const TsrTensorRecord& t : h.tensors) {
    if (!names.insert(t.name).second) invalid("tensor '" + t.name + "' is listed twice in the tensor table");
    counts.push_back(check_record(t, data.size()));
  }

  // Tensors must not overlap (empty ones take no room).
  std::vector<std::size_t> by_offset(h.tensors.size());
  for (std::size_t i = 0; i < by_offset.size(); ++i) by_offset[i] = i;
  std::sort(by_offset.begin(), by_offset.end(), [&](std::size_t a, std::size_t b) {
    return h.tensors[a].offset < h.tensors[b].offset;
  });
  std::uint64_t covered_to = 0;
  for (std::size_t i : by_offset) {
    const TsrTensorRecord& t = h.tensors[i];
    if (t.size == 0) continue;
    if (t.offset < covered_to) invalid("tensor '" + t.name + "' overlaps another tensor");
    covered_to = t.offset + t.size;
  }

  Model model;
  model.info = std::move(h.info);
  model.graph = std::move(h.graph);
  for (std::size_t i = 0; i < h.tensors.size(); ++i) {
    const TsrTensorRecord& t = h.tensors[i];
    const auto bytes = data.subspan(t.offset, t.size);
    const std::uint32_t crc = tsr::crc32_of(bytes);
    if (kEnforceChecksums && crc != t.crc32)
      invalid("tensor '" + t.name + "' checksum mismatch (stored " + hex32(t.crc32) + ", computed " + hex32(crc) +
              "): file is damaged");
    model.graph.constants.emplace(t.name, make_tensor(t, counts[i], bytes, owner));
  }

  validate_graph(model.graph);
  check_info_against_graph(model.info, model.graph);
  // Last, as the least specific finding: bytes outside header and tensors must be zero
  // (a newer minor version may use them for something this reader does not know).
  if (p.minor <= kTsrMinorVersion) check_padding(file, p, h.tensors, by_offset);

  if (summary) {
    summary->major = p.major;
    summary->minor = p.minor;
    summary->file_bytes = file.size();
    summary->header_bytes = p.header_length;
    summary->tensors = std::move(h.tensors);
  }
  return model;
}

// A 64-byte aligned private copy of caller-owned bytes.
struct AlignedCopy {
  std::vector<std::byte> storage;
  std::span<const std::byte> bytes;

  explicit AlignedCopy(std::span<const std::byte> source) : storage(source.size() + tsr::kAlignment) {
    void* start = storage.data();
    std::size_t space = storage.size();
    std::align(tsr::kAlignment, source.size(), start, space);
    if (!source.empty()) std::memcpy(start, source.data(), source.size());
    bytes = {static_cast<const std::byte*>(start), source.size()};
  }
};

}  // namespace

Model load_tsr(const std::filesystem::path& path, TsrFileSummary* summary) {
  auto mapped = std::make_shared<const MappedFile>(path);
  try {
    return parse_tsr(mapped->bytes(), mapped, summary);
  } catch (const Error& e) {
    throw Error(e.code(), "model file '" + path.string() + "': " + e.what());
  }
}

Model read_tsr(std::span<const std::byte> bytes, TsrFileSummary* summary) {
  auto copy = std::make_shared<const AlignedCopy>(bytes);
  return parse_tsr(copy->bytes, copy, summary);
}

}  // namespace tarsier
