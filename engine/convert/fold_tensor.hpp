#pragma once
// The converter's own tensor for constant folding. Unlike the IR's ConstTensor (fp32
// only) it keeps integers exact, because shape arithmetic (Shape -> Gather -> Concat ->
// Reshape ...) is done in int64 and must not round.
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace tarsier::convert {

enum class FoldType { Float, Int64, Bool };

const char* to_string(FoldType t);

struct FoldTensor {
  FoldType type = FoldType::Float;
  Shape shape;
  std::vector<float> f;         // Float values
  std::vector<std::int64_t> i;  // Int64 and Bool (0/1) values

  std::size_t size() const { return type == FoldType::Float ? f.size() : i.size(); }
  double as_double(std::size_t k) const { return type == FoldType::Float ? f[k] : static_cast<double>(i[k]); }
  std::int64_t as_int(std::size_t k) const;  // floats truncate toward zero (ONNX Cast)

  static FoldTensor floats(Shape shape, std::vector<float> values);
  static FoldTensor ints(Shape shape, std::vector<std::int64_t> values);
  static FoldTensor bools(Shape shape, std::vector<std::int64_t> values);
  static FoldTensor scalar_int(std::int64_t v) { return ints({}, {v}); }
  // Same elements, converted.
  FoldTensor cast(FoldType to) const;
  // All values as int64 (for shape-like operands); throws if not integral.
  std::vector<std::int64_t> int_values(const std::string& what) const;
  std::vector<double> double_values() const;
  ConstTensor to_const() const;  // fp32 copy for the IR
};

// Hostile files must not make folding allocate without bound: ConstantOfShape, Expand,
// Range and Tile results are capped at this many elements.
inline constexpr std::int64_t kMaxFoldElements = std::int64_t{1} << 26;
// element_count() plus the cap above; throws Error(InvalidModel) naming `what`.
std::int64_t checked_fold_count(const Shape& shape, const std::string& what);

}  // namespace tarsier::convert
