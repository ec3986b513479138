// Depthwise convolutions (groups = c_in = c_out, e.g. MobileNetV2) with the vectorised NHWC
// kernel of kernels/x86/conv_kernels.hpp; threads split output rows.
#include "backend/x86/x86_kernels.hpp"
#include "kernels/x86/conv_kernels.hpp"

namespace tarsier::x86_backend {
namespace {

class DepthwiseConv final : public X86Kernel {
 public:
  DepthwiseConv(const Context& ctx, const kernels::Conv2dParams& p, const float* w, std::int64_t ldy)
      : X86Kernel(ctx, "conv_depthwise"), p_(p), ldy_(ldy) {
    packed_ = own_floats(x86::dwconv_packed_floats(p));
    x86::dwconv_pack_weights(p, w, packed_);
  }

  void run(const ExecArgs& a) const override {
    const float* bias = a.inputs.size() > 2 ? a.inputs[2] : nullptr;
    const float* residual = a.inputs.size() > 3 ? a.inputs[3] : nullptr;
    parallel_->for_chunks(x86::conv_rows(p_), 1, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
      x86::dwconv_nhwc(isa_, p_, a.inputs[0], packed_, bias, residual, p_.c_out, a.outputs[0], ldy_, begin, end);
    });
  }

 private:
  kernels::Conv2dParams p_;
  std::int64_t ldy_;
  float* packed_ = nullptr;
};

const float* weights(const Node& node, const Graph& graph) {
  const ConstTensor* w = constant_or_null(graph, node.input(1));
  return w ? w->data.data() : nullptr;
}

}  // namespace

std::unique_ptr<OpKernel> make_conv_depthwise(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  const float* w = weights(node, graph);
  const auto p = nhwc_conv_params(node, graph);
  if (!w || !x86::dwconv_applicable(p)) return nullptr;
  return std::make_unique<DepthwiseConv>(ctx, p, w, out_pixel_stride(node, graph));
}

}  // namespace tarsier::x86_backend
