// Elementwise ops over a pixels x channels view (channels = the last axis): activations,
// Add/Mul of same-shaped tensors or with a per-channel / scalar operand, and unfolded
// BatchNormalization as a per-channel affine map. Outputs take the node's pixel stride, so
// they can write into a concat slice. Threads split the pixels.
#include <cmath>
#include <limits>
#include <optional>

#include "backend/node_params.hpp"
#include "backend/x86/x86_kernels.hpp"

namespace tarsier::x86_backend {
namespace {

struct View {
  std::int64_t pixels = 1, channels = 1;
};

View view_of(const Shape& s) {
  View v;
  v.channels = s.empty() ? 1 : s.back();
  v.pixels = v.channels > 0 ? element_count(s) / v.channels : 0;
  return v;
}

// Enough pixels per chunk that a thread's share is worth waking it for.
std::int64_t grain_of(const View& v) { return std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(v.channels, 1)); }

class ActivationKernel final : public X86Kernel {
 public:
  ActivationKernel(const Context& ctx, const kernels::Epilogue& e, View v, std::int64_t ldy)
      : X86Kernel(ctx, "activation"), e_(e), v_(v), ldy_(ldy) {}
  void run(const ExecArgs& a) const override {
    const auto& ops = x86::nhwc_ops(isa_);
    parallel_->for_chunks(v_.pixels, grain_of(v_), [&](std::int64_t, std::int64_t b, std::int64_t e) {
      ops.activation(e - b, v_.channels, a.inputs[0] + b * v_.channels, v_.channels, a.outputs[0] + b * ldy_, ldy_, e_);
    });
  }

 private:
  kernels::Epilogue e_;
  View v_;
  std::int64_t ldy_;
};

class Binary final : public X86Kernel {
 public:
  Binary(const Context& ctx, bool mul, bool swap, x86::Operand kind, const kernels::Epilogue& e, View v,
         std::int64_t ldy)
      : X86Kernel(ctx, mul ? "mul" : "add"), mul_(mul), swap_(swap), kind_(kind), e_(e), v_(v), ldy_(ldy) {}
  void run(const ExecArgs& args) const override {
    const auto& ops = x86::nhwc_ops(isa_);
    const float* a = args.inputs[swap_ ? 1 : 0];
    const float* b = args.inputs[swap_ ? 0 : 1];
    parallel_->for_chunks(v_.pixels, grain_of(v_), [&](std::int64_t, std::int64_t p0, std::int64_t p1) {
      const float* bp = kind_ == x86::Operand::Full ? b + p0 * v_.channels : b;
      ops.binary(mul_, p1 - p0, v_.channels, a + p0 * v_.channels, v_.channels, bp, v_.channels, kind_,
                 args.outputs[0] + p0 * ldy_, ldy_, e_);
    });
  }

 private:
  bool mul_, swap_;
  x86::Operand kind_;
  kernels::Epilogue e_;
  View v_;
  std::int64_t ldy_;
};

class ChannelAffine final : public X86Kernel {
 public:
  ChannelAffine(const Context& ctx, View v, std::int64_t ldy, const std::vector<float>& mul,
                const std::vector<float>& add)
      : X86Kernel(ctx, "batch_norm_affine"), v_(v), ldy_(ldy) {
    mul_ = own_floats(mul.size());
    add_ = own_floats(add.size());
    std::copy(mul.begin(), mul.end(), mul_);
    std::copy(add.begin(), add.end(), add_);
  }
  void run(const ExecArgs& a) const override {
    const auto& ops = x86::nhwc_ops(isa_);
    parallel_->for_chunks(v_.pixels, grain_of(v_), [&](std::int64_t, std::int64_t b, std::int64_t e) {
      ops.channel_affine(e - b, v_.channels, a.inputs[0] + b * v_.channels, v_.channels, mul_, add_,
                         a.outputs[0] + b * ldy_, ldy_);
    });
  }

 private:
  View v_;
  std::int64_t ldy_;
  float* mul_ = nullptr;
  float* add_ = nullptr;
};

// How operand `s` broadcasts onto the output view, if this kernel can do it.
std::optional<x86::Operand> operand_kind(const Shape& s, const Shape& y, const View& v, bool nhwc) {
  if (s == y) return x86::Operand::Full;
  if (element_count(s) == 1) return x86::Operand::Scalar;
  if (!nhwc || s.empty() || s.back() != v.channels || element_count(s) != v.channels) return std::nullopt;
  return x86::Operand::Channel;
}

}  // namespace

std::unique_ptr<OpKernel> make_activation(const Node& node, const Graph& graph, const Context& ctx) {
  const auto e = activation_op_epilogue(node);
  if (!e) return nullptr;
  if (graph.is_constant(node.input(0))) return nullptr;
  return std::make_unique<ActivationKernel>(ctx, *e, view_of(graph.shape_of(node.outputs.at(0))),
                                      out_pixel_stride(node, graph));
}

std::unique_ptr<OpKernel> make_binary(const Node& node, const Graph& graph, const Context& ctx) {
  if (node.inputs.size() != 2 || !node.has_input(0) || !node.has_input(1)) return nullptr;
  const Shape& y = graph.shape_of(node.outputs.at(0));
  const View v = view_of(y);
  const bool nhwc = is_nhwc(node);
  const auto ka = operand_kind(graph.shape_of(node.input(0)), y, v, nhwc);
  const auto kb = operand_kind(graph.shape_of(node.input(1)), y, v, nhwc);
  if (!ka || !kb) return nullptr;
  const bool mul = node.op == OpType::Mul;
  const auto e = epilogue_from_attrs(node);
  const std::int64_t ldy = out_pixel_stride(node, graph);
  // a must be the full operand; Add and Mul commute exactly, so the operands may swap.
  if (*ka == x86::Operand::Full) return std::make_unique<Binary>(ctx, mul, false, *kb, e, v, ldy);
  if (*kb == x86::Operand::Full) return std::make_unique<Binary>(ctx, mul, true, *ka, e, v, ldy);
  return nullptr;
}

std::unique_ptr<OpKernel> make_batch_norm(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  const Shape& x = graph.shape_of(node.input(0));
  const std::int64_t c = x.back();
  std::vector<const ConstTensor*> params;
  for (std::size_t i = 1; i <= 4; ++i) {
    const ConstTensor* t = constant_or_null(graph, node.input(i));
    if (!t || static_cast<std::int64_t>(t->data.size()) != c) return nullptr;
    params.push_back(t);
  }
  const double eps = node.attrs.get_float("epsilon", 1e-5);
  std::vector<float> mul(static_cast<std::size_t>(c)), add(static_cast<std::size_t>(c));
  for (std::size_t i = 0; i < mul.size(); ++i) {
    // Same arithmetic as the ref backend's channel_affine preparation.
    const double m = static_cast<double>(params[0]->data[i]) / std::sqrt(static_cast<double>(params[3]->data[i]) + eps);
    mul[i] = static_cast<float>(m);
    add[i] = static_cast<float>(static_cast<double>(params[1]->data[i]) - static_cast<double>(params[2]->data[i]) * m);
  }
  return std::make_unique<ChannelAffine>(ctx, view_of(x), out_pixel_stride(node, graph), mul, add);
}

}  // namespace tarsier::x86_backend
