#include <tarsier/error.hpp>

#include "backend/node_params.hpp"
#include "backend/ref/ref_kernels.hpp"
#include "kernels/ref/pool2d.hpp"

namespace tarsier::ref_backend {
namespace {

class MaxPool final : public RefKernel {
 public:
  explicit MaxPool(const kernels::Pool2dParams& p) : RefKernel("ref.max_pool2d", 0), p_(p) {}
  void run(const ExecArgs& a) const override { ref::max_pool2d(p_, a.inputs[0], a.outputs[0]); }

 private:
  kernels::Pool2dParams p_;
};

class AvgPool final : public RefKernel {
 public:
  explicit AvgPool(const kernels::Pool2dParams& p) : RefKernel("ref.avg_pool2d", 0), p_(p) {}
  void run(const ExecArgs& a) const override { ref::avg_pool2d(p_, a.inputs[0], a.outputs[0]); }

 private:
  kernels::Pool2dParams p_;
};

class GlobalAvgPool final : public RefKernel {
 public:
  GlobalAvgPool(std::int64_t n, std::int64_t c, std::int64_t hw)
      : RefKernel("ref.global_avg_pool", 0), n_(n), c_(c), hw_(hw) {}
  void run(const ExecArgs& a) const override { ref::global_avg_pool(n_, c_, hw_, a.inputs[0], a.outputs[0]); }

 private:
  std::int64_t n_, c_, hw_;
};

}  // namespace

std::unique_ptr<OpKernel> make_max_pool(const Node& node, const Graph& graph, const KernelContext&) {
  return std::make_unique<MaxPool>(pool2d_params(node, graph));
}

std::unique_ptr<OpKernel> make_avg_pool(const Node& node, const Graph& graph, const KernelContext&) {
  return std::make_unique<AvgPool>(pool2d_params(node, graph));
}

std::unique_ptr<OpKernel> make_global_avg_pool(const Node& node, const Graph& graph, const KernelContext&) {
  const Shape& x = graph.shape_of(node.input(0));
  if (x.size() < 2) throw Error(ErrorCode::UnsupportedModel, describe(node) + ": input must be at least 2-D");
  std::int64_t hw = 1;
  for (std::size_t i = 2; i < x.size(); ++i) hw *= x[i];
  return std::make_unique<GlobalAvgPool>(x[0], x[1], hw);
}

}  // namespace tarsier::ref_backend
