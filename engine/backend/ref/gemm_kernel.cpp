#include <tarsier/error.hpp>

#include "backend/node_params.hpp"
#include "backend/ref/ref_kernels.hpp"
#include "kernels/common/elementwise_params.hpp"
#include "kernels/ref/gemm.hpp"

namespace tarsier::ref_backend {
namespace {

class Gemm final : public RefKernel {
 public:
  Gemm(const kernels::GemmParams& p, std::size_t weights) : RefKernel("ref.gemm", weights), p_(p) {}
  void run(const ExecArgs& a) const override {
    const float* c = a.inputs.size() > 2 ? a.inputs[2] : nullptr;
    ref::gemm(p_, a.inputs[0], a.inputs[1], c, a.outputs[0]);
  }

 private:
  kernels::GemmParams p_;
};

class MatMul final : public RefKernel {
 public:
  MatMul(Shape a, Shape b, Shape y, std::size_t weights)
      : RefKernel("ref.matmul", weights), a_(std::move(a)), b_(std::move(b)), y_(std::move(y)) {}
  void run(const ExecArgs& a) const override { ref::matmul(a_, a.inputs[0], b_, a.inputs[1], y_, a.outputs[0]); }

 private:
  Shape a_, b_, y_;
};

}  // namespace

std::unique_ptr<OpKernel> make_gemm(const Node& node, const Graph& graph, const KernelContext&) {
  return std::make_unique<Gemm>(gemm_params(node, graph), constant_input_bytes(node, graph));
}

std::unique_ptr<OpKernel> make_matmul(const Node& node, const Graph& graph, const KernelContext&) {
  const Shape& a = graph.shape_of(node.input(0));
  const Shape& b = graph.shape_of(node.input(1));
  const Shape& y = graph.shape_of(node.outputs.at(0));
  if (a.size() > kernels::kMaxRank || b.size() > kernels::kMaxRank)
    throw Error(ErrorCode::UnsupportedModel, describe(node) + ": rank above " + std::to_string(kernels::kMaxRank));
  return std::make_unique<MatMul>(a, b, y, constant_input_bytes(node, graph));
}

}  // namespace tarsier::ref_backend
