#include "backend/node_params.hpp"
#include "backend/ref/ref_kernels.hpp"
#include "kernels/ref/conv2d.hpp"
#include "kernels/ref/conv_transpose2d.hpp"

namespace tarsier::ref_backend {
namespace {

class Conv2d final : public RefKernel {
 public:
  Conv2d(const kernels::Conv2dParams& p, std::size_t weights) : RefKernel("ref.conv2d", weights), p_(p) {}
  void run(const ExecArgs& a) const override {
    const float* residual = a.inputs.size() > 3 ? a.inputs[3] : nullptr;
    const float* bias = a.inputs.size() > 2 ? a.inputs[2] : nullptr;
    ref::conv2d(p_, a.inputs[0], a.inputs[1], bias, residual, a.outputs[0]);
  }

 private:
  kernels::Conv2dParams p_;
};

class ConvTranspose2d final : public RefKernel {
 public:
  ConvTranspose2d(const kernels::ConvTranspose2dParams& p, std::size_t weights)
      : RefKernel("ref.conv_transpose2d", weights), p_(p) {}
  void run(const ExecArgs& a) const override {
    const float* bias = a.inputs.size() > 2 ? a.inputs[2] : nullptr;
    ref::conv_transpose2d(p_, a.inputs[0], a.inputs[1], bias, a.outputs[0]);
  }

 private:
  kernels::ConvTranspose2dParams p_;
};

}  // namespace

std::unique_ptr<OpKernel> make_conv(const Node& node, const Graph& graph, const KernelContext&) {
  return std::make_unique<Conv2d>(conv2d_params(node, graph), constant_input_bytes(node, graph));
}

std::unique_ptr<OpKernel> make_conv_transpose(const Node& node, const Graph& graph, const KernelContext&) {
  return std::make_unique<ConvTranspose2d>(conv_transpose2d_params(node, graph), constant_input_bytes(node, graph));
}

}  // namespace tarsier::ref_backend
