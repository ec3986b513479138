#include "image/npy.hpp"

#include <bit>
#include <cctype>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>

#include <tarsier/error.hpp>

#include "image/image_file.hpp"

namespace tarsier {
namespace {

static_assert(std::endian::native == std::endian::little, "npy I/O assumes a little-endian host");

constexpr std::uint8_t kMagic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr std::size_t kMaxRank = 32;

// The header is a Python dict literal, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 224, 224), }
// This parser accepts exactly that grammar: string keys; string, bool or int-tuple values.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::string_view name) : text_(text), name_(name) {}

  struct Fields {
    std::optional<std::string> descr;
    std::optional<bool> fortran_order;
    std::optional<Shape> shape;
  };

  Fields parse() {
    Fields fields;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') {
        ++pos_;
        break;
      }
      const std::string key = parse_string();
      expect(':');
      skip_space();
      if (key == "descr") {
        fields.descr = parse_string();
      } else if (key == "fortran_order") {
        fields.fortran_order = parse_bool();
      } else if (key == "shape") {
        fields.shape = parse_tuple();
      } else {
        fail("unexpected key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != '}') {
        fail("expected ',' or '}'");
      }
    }
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the header dictionary");
    return fields;
  }

  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(ErrorCode::InvalidArgument,
                "invalid .npy file '" + std::string(name_) + "': header " + problem + " (header: " +
                    std::string(text_.substr(0, 200)) + ")");
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string parse_string() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail("has an unterminated string");
    std::string value(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return value;
  }
  bool parse_bool() {
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("expected True or False");
  }
  Shape parse_tuple() {
    expect('(');
    Shape shape;
    while (true) {
      skip_space();
      if (peek() == ')') {
        ++pos_;
        return shape;
      }
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("shape must hold non-negative integers");
      std::int64_t dim = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        dim = dim * 10 + (text_[pos_++] - '0');
        if (dim > (std::int64_t{1} << 40)) fail("shape dimension is too large");
      }
      // Python writes long integers with an L suffix in old files.
      if (peek() == 'L') ++pos_;
      shape.push_back(dim);
      if (shape.size() > kMaxRank) fail("shape has too many dimensions");
      skip_space();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != ')') {
        fail("expected ',' or ')' in the shape");
      }
    }
  }

  std::string_view text_;
  std::string_view name_;
  std::size_t pos_ = 0;
};

[[noreturn]] void fail(std::string_view name, const std::string& problem) {
  throw Error(ErrorCode::InvalidArgument, "invalid .npy file '" + std::string(name) + "': " + problem);
}

std::string shape_literal(std::span<const std::int64_t> shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

}  // namespace

NpyArray parse_npy(std::span<const std::uint8_t> bytes, std::string_view name) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    fail(name, "missing the \\x93NUMPY magic");
  }
  const int major = bytes[6];
  std::size_t header_len = 0;
  std::size_t header_start = 0;
  if (major == 1) {
    header_len = bytes[8] | (std::size_t{bytes[9]} << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail(name, "the file is truncated inside the preamble");
    header_len = bytes[8] | (std::size_t{bytes[9]} << 8) | (std::size_t{bytes[10]} << 16) |
                 (std::size_t{bytes[11]} << 24);
    header_start = 12;
  } else {
    fail(name, "unsupported format version " + std::to_string(major) + "." + std::to_string(bytes[7]));
  }
  if (header_len > bytes.size() - header_start) fail(name, "the file is truncated inside the header");
  const std::string_view text(reinterpret_cast<const char*>(bytes.data() + header_start), header_len);
  HeaderParser parser(text, name);
  const HeaderParser::Fields fields = parser.parse();
  if (!fields.descr || !fields.fortran_order || !fields.shape) {
    parser.fail("must define 'descr', 'fortran_order' and 'shape'");
  }
  std::size_t item = 0;
  if (*fields.descr == "<f4") {
    item = 4;
  } else if (*fields.descr == "<f8") {
    item = 8;
  } else {
    fail(name, "dtype '" + *fields.descr + "' is not supported (expected little-endian float32 '<f4' or float64 '<f8')");
  }
  if (*fields.fortran_order) fail(name, "Fortran-order arrays are not supported (save with C order)");

  NpyArray array;
  array.shape = *fields.shape;
  constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 36;
  std::uint64_t count = 1;
  for (const std::int64_t d : array.shape) {
    const auto dim = static_cast<std::uint64_t>(d);
    if (dim != 0 && count > kMaxElements / dim) fail(name, "shape " + shape_literal(array.shape) + " is too large");
    count *= dim;
  }
  const std::size_t data_start = header_start + header_len;
  const std::uint64_t available = bytes.size() - data_start;
  if (available != count * item) {
    fail(name, "shape " + shape_literal(array.shape) + " of " + *fields.descr + " needs " +
                   std::to_string(count * item) + " data bytes, the file has " + std::to_string(available));
  }
  array.data.resize(static_cast<std::size_t>(count));
  const std::uint8_t* src = bytes.data() + data_start;
  if (item == 4) {
    std::memcpy(array.data.data(), src, count * 4);
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      double v;
      std::memcpy(&v, src + i * 8, 8);
      array.data[i] = static_cast<float>(v);
    }
  }
  return array;
}

NpyArray read_npy(const std::filesystem::path& path) {
  return parse_npy(read_file_bytes(path), path.string());
}

std::vector<std::uint8_t> encode_npy(std::span<const std::int64_t> shape, std::span<const float> data) {
  std::uint64_t count = 1;
  for (const std::int64_t d : shape) {
    if (d < 0) throw Error(ErrorCode::InvalidArgument, "encode_npy: negative dimension in " + shape_literal(shape));
    count *= static_cast<std::uint64_t>(d);
  }
  if (count != data.size()) {
    throw Error(ErrorCode::InvalidArgument, "encode_npy: shape " + shape_literal(shape) + " holds " +
                                                std::to_string(count) + " values, given " + std::to_string(data.size()));
  }
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_literal(shape) + ", }";
  // numpy pads so the data starts on a 64-byte boundary; the header ends with '\n'.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 0xFFFF) throw Error(ErrorCode::InvalidArgument, "encode_npy: shape too long for a header");
  std::vector<std::uint8_t> out(10 + header.size() + data.size_bytes());
  std::memcpy(out.data(), kMagic, sizeof kMagic);
  out[6] = 1;
  out[7] = 0;
  out[8] = static_cast<std::uint8_t>(header.size() & 0xFF);
  out[9] = static_cast<std::uint8_t>(header.size() >> 8);
  std::memcpy(out.data() + 10, header.data(), header.size());
  if (!data.empty()) std::memcpy(out.data() + 10 + header.size(), data.data(), data.size_bytes());
  return out;
}

void write_npy(const std::filesystem::path& path, std::span<const std::int64_t> shape, std::span<const float> data) {
  const std::vector<std::uint8_t> bytes = encode_npy(shape, data);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) throw Error(ErrorCode::Io, "cannot write .npy file '" + path.string() + "'");
}

}  // namespace tarsier
