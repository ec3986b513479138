#pragma once
// Internals shared by the fold_eval_*.cpp files.
#include <tarsier/error.hpp>

#include "convert/fold_eval.hpp"
#include "convert/onnx_attr.hpp"

namespace tarsier::convert {

struct FoldCall {
  const onnx::NodeProto& node;
  std::span<const FoldTensor* const> in;
  std::int64_t opset;

  std::string what() const { return describe(node); }
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(ErrorCode::InvalidModel, what() + ": " + problem);
  }
  const FoldTensor* optional(std::size_t i) const { return i < in.size() ? in[i] : nullptr; }
  const FoldTensor& input(std::size_t i) const {
    const FoldTensor* t = optional(i);
    if (!t) fail("required input " + std::to_string(i) + " is missing");
    return *t;
  }
};

using FoldResult = std::vector<FoldTensor>;

// Element k of `src` for every k in `index`, as a tensor of `shape` (gathers, slices,
// transposes and broadcasts are all this).
FoldTensor take(const FoldTensor& src, Shape shape, const std::vector<std::size_t>& index);

FoldResult fold_shape_op(const FoldCall& call);  // movement and shape ops
FoldResult fold_math_op(const FoldCall& call);   // elementwise, reductions
bool is_shape_op(std::string_view op);
bool is_math_op(std::string_view op);

}  // namespace tarsier::convert
