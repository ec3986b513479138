#include "convert/fold_eval.hpp"

#include "convert/fold_eval_impl.hpp"

namespace tarsier::convert {

bool is_foldable(std::string_view op) { return is_shape_op(op) || is_math_op(op); }

FoldTensor take(const FoldTensor& src, Shape shape, const std::vector<std::size_t>& index) {
  if (src.type == FoldType::Float) {
    std::vector<float> v(index.size());
    for (std::size_t k = 0; k < index.size(); ++k) v[k] = src.f[index[k]];
    return FoldTensor::floats(std::move(shape), std::move(v));
  }
  std::vector<std::int64_t> v(index.size());
  for (std::size_t k = 0; k < index.size(); ++k) v[k] = src.i[index[k]];
  FoldTensor t = FoldTensor::ints(std::move(shape), std::move(v));
  t.type = src.type;
  return t;
}

std::vector<FoldTensor> fold_node(const onnx::NodeProto& node, std::span<const FoldTensor* const> inputs,
                                  std::int64_t opset) {
  FoldCall call{node, inputs, opset};
  if (is_shape_op(node.op_type())) return fold_shape_op(call);
  if (is_math_op(node.op_type())) return fold_math_op(call);
  throw Error(ErrorCode::Internal, describe(node) + " cannot be constant-folded");
}

}  // namespace tarsier::convert
