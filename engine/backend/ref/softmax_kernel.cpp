#include <tarsier/error.hpp>

#include "backend/node_params.hpp"
#include "backend/ref/ref_kernels.hpp"
#include "kernels/ref/softmax.hpp"

namespace tarsier::ref_backend {
namespace {

class Softmax final : public RefKernel {
 public:
  Softmax(std::int64_t outer, std::int64_t axis_len, std::int64_t inner)
      : RefKernel("ref.softmax", 0), outer_(outer), axis_len_(axis_len), inner_(inner) {}
  void run(const ExecArgs& a) const override { ref::softmax(a.inputs[0], a.outputs[0], outer_, axis_len_, inner_); }

 private:
  std::int64_t outer_, axis_len_, inner_;
};

}  // namespace

std::unique_ptr<OpKernel> make_softmax(const Node& node, const Graph& graph, const KernelContext&) {
  const Shape& x = graph.shape_of(node.input(0));
  const std::int64_t axis = node.attrs.get_int("axis", static_cast<std::int64_t>(x.size()) - 1);
  if (axis < 0 || axis >= static_cast<std::int64_t>(x.size()))
    throw Error(ErrorCode::InvalidModel, describe(node) + ": axis " + std::to_string(axis) + " out of range");
  std::int64_t outer = 1, inner = 1;
  for (std::int64_t i = 0; i < axis; ++i) outer *= x[static_cast<std::size_t>(i)];
  for (std::size_t i = static_cast<std::size_t>(axis) + 1; i < x.size(); ++i) inner *= x[i];
  return std::make_unique<Softmax>(outer, x[static_cast<std::size_t>(axis)], inner);
}

}  // namespace tarsier::ref_backend
