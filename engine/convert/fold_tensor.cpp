#include "convert/fold_tensor.hpp"

#include <cmath>
#include <tarsier/error.hpp>

namespace tarsier::convert {

const char* to_string(FoldType t) {
  switch (t) {
    case FoldType::Float: return "float";
    case FoldType::Int64: return "int64";
    case FoldType::Bool: return "bool";
  }
  return "?";
}

std::int64_t checked_fold_count(const Shape& shape, const std::string& what) {
  const std::int64_t n = element_count(shape);
  if (n > kMaxFoldElements)
    throw Error(ErrorCode::InvalidModel, what + ": constant of shape " + shape_to_string(shape) +
                                             " is too large to fold");
  return n;
}

std::int64_t FoldTensor::as_int(std::size_t k) const {
  if (type != FoldType::Float) return i[k];
  const float v = f[k];
  // Out-of-range float -> int is undefined in C++; a damaged file must not reach it.
  if (!std::isfinite(v) || std::fabs(v) >= 9.2e18f)
    throw Error(ErrorCode::InvalidModel, "float value " + std::to_string(v) + " cannot be converted to int64");
  return static_cast<std::int64_t>(v);
}

FoldTensor FoldTensor::floats(Shape shape, std::vector<float> values) {
  FoldTensor t;
  t.type = FoldType::Float;
  if (element_count(shape) != static_cast<std::int64_t>(values.size()))
    throw Error(ErrorCode::Internal, "folded tensor " + shape_to_string(shape) + " given " +
                                         std::to_string(values.size()) + " values");
  t.shape = std::move(shape);
  t.f = std::move(values);
  return t;
}

FoldTensor FoldTensor::ints(Shape shape, std::vector<std::int64_t> values) {
  FoldTensor t;
  t.type = FoldType::Int64;
  if (element_count(shape) != static_cast<std::int64_t>(values.size()))
    throw Error(ErrorCode::Internal, "folded tensor " + shape_to_string(shape) + " given " +
                                         std::to_string(values.size()) + " values");
  t.shape = std::move(shape);
  t.i = std::move(values);
  return t;
}

FoldTensor FoldTensor::bools(Shape shape, std::vector<std::int64_t> values) {
  FoldTensor t = ints(std::move(shape), std::move(values));
  t.type = FoldType::Bool;
  for (auto& v : t.i) v = v != 0;
  return t;
}

FoldTensor FoldTensor::cast(FoldType to) const {
  if (to == type) return *this;
  const std::size_t n = size();
  if (to == FoldType::Float) {
    std::vector<float> out(n);
    for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<float>(i[k]);
    return floats(shape, std::move(out));
  }
  std::vector<std::int64_t> out(n);
  for (std::size_t k = 0; k < n; ++k)
    out[k] = to == FoldType::Bool ? (as_double(k) != 0.0 ? 1 : 0) : as_int(k);
  return to == FoldType::Bool ? bools(shape, std::move(out)) : ints(shape, std::move(out));
}

std::vector<std::int64_t> FoldTensor::int_values(const std::string& what) const {
  if (type == FoldType::Float)
    for (float v : f)
      if (v != std::trunc(v)) throw Error(ErrorCode::InvalidModel, what + " should hold integers");
  std::vector<std::int64_t> out(size());
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = as_int(k);
  return out;
}

std::vector<double> FoldTensor::double_values() const {
  std::vector<double> out(size());
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = as_double(k);
  return out;
}

ConstTensor FoldTensor::to_const() const {
  if (type == FoldType::Float) return ConstTensor::copy_of(shape, f);
  std::vector<float> out(i.size());
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = static_cast<float>(i[k]);
  return ConstTensor::from_vector(shape, std::move(out));
}

}  // namespace tarsier::convert
