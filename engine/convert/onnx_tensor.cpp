#include "convert/onnx_tensor.hpp"

#include <cstring>
#include <limits>
#include <tarsier/error.hpp>

#include "format/half.hpp"

namespace tarsier::convert {
namespace {

using DT = onnx::TensorProto;

[[noreturn]] void invalid(const std::string& what, const std::string& problem) {
  throw Error(ErrorCode::InvalidModel, what + ": " + problem);
}

std::size_t element_bytes(int type) {
  switch (type) {
    case DT::FLOAT: case DT::INT32: case DT::UINT32: return 4;
    case DT::DOUBLE: case DT::INT64: case DT::UINT64: return 8;
    case DT::FLOAT16: case DT::BFLOAT16: case DT::INT16: case DT::UINT16: return 2;
    case DT::INT8: case DT::UINT8: case DT::BOOL: return 1;
    default: return 0;
  }
}

// Raw data is little-endian by the ONNX spec, like every target we build for.
template <class T>
T load_le(const std::string& raw, std::size_t index) {
  T v;
  std::memcpy(&v, raw.data() + index * sizeof(T), sizeof(T));
  return v;
}

float bfloat16_to_float(std::uint16_t bits) {
  const std::uint32_t word = static_cast<std::uint32_t>(bits) << 16;
  float f;
  std::memcpy(&f, &word, sizeof f);
  return f;
}

// Reads element k of an integer-like tensor from raw bytes or the typed field.
std::int64_t raw_int(const std::string& raw, int type, std::size_t k, const std::string& what) {
  switch (type) {
    case DT::INT8: return load_le<std::int8_t>(raw, k);
    case DT::UINT8: return load_le<std::uint8_t>(raw, k);
    case DT::BOOL: return load_le<std::uint8_t>(raw, k) != 0;
    case DT::INT16: return load_le<std::int16_t>(raw, k);
    case DT::UINT16: return load_le<std::uint16_t>(raw, k);
    case DT::INT32: return load_le<std::int32_t>(raw, k);
    case DT::UINT32: return load_le<std::uint32_t>(raw, k);
    case DT::INT64: return load_le<std::int64_t>(raw, k);
    case DT::UINT64: {
      const auto v = load_le<std::uint64_t>(raw, k);
      if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        invalid(what, "uint64 value does not fit in int64");
      return static_cast<std::int64_t>(v);
    }
    default: invalid(what, "not an integer type");
  }
}

float raw_float(const std::string& raw, int type, std::size_t k) {
  switch (type) {
    case DT::FLOAT: return load_le<float>(raw, k);
    case DT::DOUBLE: return static_cast<float>(load_le<double>(raw, k));
    case DT::FLOAT16: return half_to_float(load_le<std::uint16_t>(raw, k));
    default: return bfloat16_to_float(load_le<std::uint16_t>(raw, k));
  }
}

bool is_float_type(int type) {
  return type == DT::FLOAT || type == DT::DOUBLE || type == DT::FLOAT16 || type == DT::BFLOAT16;
}

}  // namespace

FoldTensor read_tensor_proto(const onnx::TensorProto& t, const std::string& what) {
  if (t.data_location() == DT::EXTERNAL || t.external_data_size() > 0)
    throw Error(ErrorCode::UnsupportedModel,
                what + " keeps its data in an external file; export the model with the weights embedded "
                       "(a single .onnx file under 2 GB)");
  if (t.has_segment()) throw Error(ErrorCode::UnsupportedModel, what + " is a segmented tensor");
  const int type = t.data_type();
  const std::size_t esize = element_bytes(type);
  if (esize == 0) {
    const std::string name = DT::DataType_IsValid(type) ? DT::DataType_Name(static_cast<DT::DataType>(type))
                                                         : std::to_string(type);
    throw Error(ErrorCode::UnsupportedModel, what + " has unsupported data type " + name);
  }
  Shape shape(t.dims().begin(), t.dims().end());
  std::int64_t count = 0;
  try {
    count = element_count(shape);
  } catch (const Error&) {
    invalid(what, "invalid shape " + shape_to_string(shape));
  }
  const auto n = static_cast<std::size_t>(count);

  const bool has_raw = t.has_raw_data();
  std::size_t typed_count = 0;
  switch (type) {
    case DT::FLOAT: typed_count = t.float_data_size(); break;
    case DT::DOUBLE: typed_count = t.double_data_size(); break;
    case DT::INT64: typed_count = t.int64_data_size(); break;
    case DT::UINT32: case DT::UINT64: typed_count = t.uint64_data_size(); break;
    default: typed_count = t.int32_data_size(); break;
  }
  if (has_raw) {
    // Compare without multiplying first: a hostile count must not overflow.
    if (t.raw_data().size() % esize != 0 || t.raw_data().size() / esize != n)
      invalid(what, "raw data holds " + std::to_string(t.raw_data().size()) + " bytes but shape " +
                        shape_to_string(shape) + " needs " + std::to_string(n) + " elements of " +
                        std::to_string(esize) + " bytes");
  } else if (typed_count != n) {
    invalid(what, "holds " + std::to_string(typed_count) + " values but shape " + shape_to_string(shape) +
                      " needs " + std::to_string(n));
  }

  const std::string& raw = t.raw_data();
  if (is_float_type(type)) {
    std::vector<float> v(n);
    for (std::size_t k = 0; k < n; ++k) {
      if (has_raw) {
        v[k] = raw_float(raw, type, k);
      } else if (type == DT::FLOAT) {
        v[k] = t.float_data(static_cast<int>(k));
      } else if (type == DT::DOUBLE) {
        v[k] = static_cast<float>(t.double_data(static_cast<int>(k)));
      } else {
        const auto bits = static_cast<std::uint16_t>(t.int32_data(static_cast<int>(k)) & 0xffff);
        v[k] = type == DT::FLOAT16 ? half_to_float(bits) : bfloat16_to_float(bits);
      }
    }
    return FoldTensor::floats(std::move(shape), std::move(v));
  }
  std::vector<std::int64_t> v(n);
  for (std::size_t k = 0; k < n; ++k) {
    if (has_raw) {
      v[k] = raw_int(raw, type, k, what);
    } else if (type == DT::INT64) {
      v[k] = t.int64_data(static_cast<int>(k));
    } else if (type == DT::UINT32 || type == DT::UINT64) {
      const auto u = t.uint64_data(static_cast<int>(k));
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        invalid(what, "uint64 value does not fit in int64");
      v[k] = static_cast<std::int64_t>(u);
    } else {
      v[k] = t.int32_data(static_cast<int>(k));
    }
  }
  return type == DT::BOOL ? FoldTensor::bools(std::move(shape), std::move(v))
                          : FoldTensor::ints(std::move(shape), std::move(v));
}

}  // namespace tarsier::convert
