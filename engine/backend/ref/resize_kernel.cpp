#include "backend/node_params.hpp"
#include "backend/ref/ref_kernels.hpp"
#include "kernels/ref/resize.hpp"

namespace tarsier::ref_backend {
namespace {

class Resize final : public RefKernel {
 public:
  explicit Resize(const kernels::ResizeParams& p) : RefKernel("ref.resize2d", 0), p_(p) {}
  void run(const ExecArgs& a) const override { ref::resize2d(p_, a.inputs[0], a.outputs[0]); }

 private:
  kernels::ResizeParams p_;
};

}  // namespace

std::unique_ptr<OpKernel> make_resize(const Node& node, const Graph& graph, const KernelContext&) {
  return std::make_unique<Resize>(resize_params(node, graph));
}

}  // namespace tarsier::ref_backend
