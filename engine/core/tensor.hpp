#pragma once
// Shapes and immutable float tensors shared by the graph, the file format and backends.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tarsier {

using Shape = std::vector<std::int64_t>;

// Product of the dims; throws Error(InvalidModel) on a negative dim or overflow past 2^48
// elements, so a hostile shape can never turn into a wrapped-around allocation size.
std::int64_t element_count(std::span<const std::int64_t> shape);
std::string shape_to_string(std::span<const std::int64_t> shape);

// An immutable fp32 tensor. Its memory belongs to `owner`: the memory-mapped model file
// (weights used in place) or a buffer made at load time (fp16 widened, folded constants).
struct ConstTensor {
  Shape shape;
  std::span<const float> data;
  std::shared_ptr<const void> owner;

  static ConstTensor copy_of(Shape shape, std::span<const float> values);
  static ConstTensor from_vector(Shape shape, std::vector<float> values);
};

}  // namespace tarsier
