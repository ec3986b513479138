#include "core/tensor.hpp"

#include <tarsier/error.hpp>

namespace tarsier {

std::int64_t element_count(std::span<const std::int64_t> shape) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 48;
  std::int64_t count = 1;
  for (std::int64_t d : shape) {
    if (d < 0) throw Error(ErrorCode::InvalidModel, "negative dimension in shape " + shape_to_string(shape));
    if (d != 0 && count > kLimit / d)
      throw Error(ErrorCode::InvalidModel, "shape " + shape_to_string(shape) + " has too many elements");
    count *= d;
  }
  return count;
}

std::string shape_to_string(std::span<const std::int64_t> shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += "x";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

ConstTensor ConstTensor::copy_of(Shape shape, std::span<const float> values) {
  return from_vector(std::move(shape), std::vector<float>(values.begin(), values.end()));
}

ConstTensor ConstTensor::from_vector(Shape shape, std::vector<float> values) {
  if (element_count(shape) != static_cast<std::int64_t>(values.size()))
    throw Error(ErrorCode::Internal, "tensor of shape " + shape_to_string(shape) + " given " +
                                         std::to_string(values.size()) + " values");
  auto owned = std::make_shared<std::vector<float>>(std::move(values));
  ConstTensor t;
  t.shape = std::move(shape);
  t.data = std::span<const float>(owned->data(), owned->size());
  t.owner = std::move(owned);
  return t;
}

}  // namespace tarsier
