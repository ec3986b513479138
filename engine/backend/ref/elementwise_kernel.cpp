#include <cmath>
#include <limits>
#include <tarsier/error.hpp>
#include <vector>

#include "backend/node_params.hpp"
#include "backend/ref/ref_kernels.hpp"
#include "kernels/ref/elementwise.hpp"

namespace tarsier::ref_backend {
namespace {

class ActivationKernel final : public RefKernel {
 public:
  ActivationKernel(const kernels::Epilogue& e, std::int64_t count) : RefKernel("ref.activation", 0), e_(e), count_(count) {}
  void run(const ExecArgs& a) const override { ref::activation(e_, a.inputs[0], a.outputs[0], count_); }

 private:
  kernels::Epilogue e_;
  std::int64_t count_;
};

class Binary final : public RefKernel {
 public:
  Binary(kernels::BinaryOp op, Shape a, Shape b, Shape y, const kernels::Epilogue& e, std::size_t weights)
      : RefKernel("ref.binary_broadcast", weights), op_(op), a_(std::move(a)), b_(std::move(b)), y_(std::move(y)), e_(e) {}
  void run(const ExecArgs& a) const override {
    ref::binary_broadcast(op_, a_, a.inputs[0], b_, a.inputs[1], y_, a.outputs[0], e_);
  }

 private:
  kernels::BinaryOp op_;
  Shape a_, b_, y_;
  kernels::Epilogue e_;
};

// BatchNorm that could not be folded: mul/add precomputed once at load.
class ChannelAffine final : public RefKernel {
 public:
  ChannelAffine(std::int64_t n, std::int64_t c, std::int64_t hw, std::vector<float> mul, std::vector<float> add)
      : RefKernel("ref.channel_affine", (mul.size() + add.size()) * sizeof(float)),
        n_(n), c_(c), hw_(hw), mul_(std::move(mul)), add_(std::move(add)) {}
  void run(const ExecArgs& a) const override {
    ref::channel_affine(n_, c_, hw_, a.inputs[0], mul_.data(), add_.data(), a.outputs[0]);
  }

 private:
  std::int64_t n_, c_, hw_;
  std::vector<float> mul_, add_;
};

const ConstTensor& constant_input(const Node& node, const Graph& graph, std::size_t i) {
  auto it = graph.constants.find(node.input(i));
  if (it == graph.constants.end())
    throw Error(ErrorCode::UnsupportedModel, describe(node) + ": input '" + node.input(i) + "' must be a constant");
  return it->second;
}

}  // namespace

std::unique_ptr<OpKernel> make_activation(const Node& node, const Graph& graph, const KernelContext&) {
  const auto e = activation_op_epilogue(node);
  if (!e) return nullptr;
  return std::make_unique<ActivationKernel>(*e, element_count(graph.shape_of(node.outputs.at(0))));
}

std::unique_ptr<OpKernel> make_binary(const Node& node, const Graph& graph, const KernelContext&) {
  const Shape& a = graph.shape_of(node.input(0));
  const Shape& b = graph.shape_of(node.input(1));
  const Shape& y = graph.shape_of(node.outputs.at(0));
  if (a.size() > kernels::kMaxRank || b.size() > kernels::kMaxRank || y.size() > kernels::kMaxRank)
    throw Error(ErrorCode::UnsupportedModel, describe(node) + ": rank above " + std::to_string(kernels::kMaxRank));
  const auto op = node.op == OpType::Add ? kernels::BinaryOp::Add : kernels::BinaryOp::Mul;
  return std::make_unique<Binary>(op, a, b, y, epilogue_from_attrs(node), constant_input_bytes(node, graph));
}

std::unique_ptr<OpKernel> make_batch_norm(const Node& node, const Graph& graph, const KernelContext&) {
  const Shape& x = graph.shape_of(node.input(0));
  if (x.size() < 2) throw Error(ErrorCode::UnsupportedModel, describe(node) + ": input must be at least 2-D");
  const std::int64_t c = x[1];
  std::int64_t hw = 1;
  for (std::size_t i = 2; i < x.size(); ++i) hw *= x[i];
  const auto& scale = constant_input(node, graph, 1).data;
  const auto& bias = constant_input(node, graph, 2).data;
  const auto& mean = constant_input(node, graph, 3).data;
  const auto& var = constant_input(node, graph, 4).data;
  const auto channels = static_cast<std::size_t>(c);
  if (scale.size() != channels || bias.size() != channels || mean.size() != channels || var.size() != channels)
    throw Error(ErrorCode::InvalidModel, describe(node) + ": parameters do not have " + std::to_string(c) + " channels");
  const double eps = node.attrs.get_float("epsilon", 1e-5);
  std::vector<float> mul(channels), add(channels);
  for (std::size_t i = 0; i < channels; ++i) {
    const double m = static_cast<double>(scale[i]) / std::sqrt(static_cast<double>(var[i]) + eps);
    mul[i] = static_cast<float>(m);
    add[i] = static_cast<float>(static_cast<double>(bias[i]) - static_cast<double>(mean[i]) * m);
  }
  return std::make_unique<ChannelAffine>(x[0], c, hw, std::move(mul), std::move(add));
}

}  // namespace tarsier::ref_backend
