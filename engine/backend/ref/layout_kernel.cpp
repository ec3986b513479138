// Ops that move data without arithmetic: Concat (when the planner could not do it in
// place), Pad, Transpose, and Reshape/Flatten of a value the planner could not alias.
#include <algorithm>
#include <tarsier/error.hpp>
#include <vector>

#include "backend/node_params.hpp"
#include "backend/ref/ref_kernels.hpp"
#include "kernels/common/elementwise_params.hpp"
#include "kernels/ref/concat.hpp"
#include "kernels/ref/pad.hpp"
#include "kernels/ref/transpose.hpp"

namespace tarsier::ref_backend {
namespace {

class Concat final : public RefKernel {
 public:
  Concat(std::vector<std::int64_t> axis_sizes, std::int64_t outer, std::int64_t inner, std::size_t weights)
      : RefKernel("ref.concat", weights), axis_sizes_(std::move(axis_sizes)), outer_(outer), inner_(inner) {}
  void run(const ExecArgs& a) const override { ref::concat(a.inputs, axis_sizes_, outer_, inner_, a.outputs[0]); }

 private:
  std::vector<std::int64_t> axis_sizes_;
  std::int64_t outer_, inner_;
};

class Pad final : public RefKernel {
 public:
  Pad(Shape x, std::vector<std::int64_t> pads, float value)
      : RefKernel("ref.pad_constant", 0), x_(std::move(x)), pads_(std::move(pads)), value_(value) {}
  void run(const ExecArgs& a) const override { ref::pad_constant(x_, a.inputs[0], pads_, value_, a.outputs[0]); }

 private:
  Shape x_;
  std::vector<std::int64_t> pads_;
  float value_;
};

class Transpose final : public RefKernel {
 public:
  Transpose(Shape x, std::vector<std::int64_t> perm)
      : RefKernel("ref.transpose", 0), x_(std::move(x)), perm_(std::move(perm)) {}
  void run(const ExecArgs& a) const override { ref::transpose(x_, a.inputs[0], perm_, a.outputs[0]); }

 private:
  Shape x_;
  std::vector<std::int64_t> perm_;
};

class Copy final : public RefKernel {
 public:
  Copy(std::int64_t count, std::size_t weights) : RefKernel("ref.copy", weights), count_(count) {}
  void run(const ExecArgs& a) const override { std::copy_n(a.inputs[0], count_, a.outputs[0]); }

 private:
  std::int64_t count_;
};

void check_rank(const Node& node, const Shape& s) {
  if (s.size() > kernels::kMaxRank)
    throw Error(ErrorCode::UnsupportedModel, describe(node) + ": rank above " + std::to_string(kernels::kMaxRank));
}

}  // namespace

std::unique_ptr<OpKernel> make_concat(const Node& node, const Graph& graph, const KernelContext&) {
  const Shape& y = graph.shape_of(node.outputs.at(0));
  const std::int64_t axis = node.attrs.get_int("axis");
  if (axis < 0 || axis >= static_cast<std::int64_t>(y.size()))
    throw Error(ErrorCode::InvalidModel, describe(node) + ": axis " + std::to_string(axis) + " out of range");
  const auto ax = static_cast<std::size_t>(axis);
  std::int64_t outer = 1, inner = 1;
  for (std::size_t i = 0; i < ax; ++i) outer *= y[i];
  for (std::size_t i = ax + 1; i < y.size(); ++i) inner *= y[i];
  std::vector<std::int64_t> sizes;
  for (const auto& in : node.inputs) sizes.push_back(graph.shape_of(in).at(ax));
  return std::make_unique<Concat>(std::move(sizes), outer, inner, constant_input_bytes(node, graph));
}

std::unique_ptr<OpKernel> make_pad(const Node& node, const Graph& graph, const KernelContext&) {
  const Shape& x = graph.shape_of(node.input(0));
  check_rank(node, x);
  auto pads = node.attrs.get_ints("pads");
  if (pads.size() != 2 * x.size() || std::any_of(pads.begin(), pads.end(), [](std::int64_t p) { return p < 0; }))
    throw Error(ErrorCode::UnsupportedModel, describe(node) + ": pads must be 2*rank values >= 0");
  return std::make_unique<Pad>(x, std::move(pads), static_cast<float>(node.attrs.get_float("value", 0.0)));
}

std::unique_ptr<OpKernel> make_transpose(const Node& node, const Graph& graph, const KernelContext&) {
  const Shape& x = graph.shape_of(node.input(0));
  check_rank(node, x);
  auto perm = node.attrs.get_ints("perm");
  if (perm.size() != x.size()) throw Error(ErrorCode::InvalidModel, describe(node) + ": perm does not match the rank");
  return std::make_unique<Transpose>(x, std::move(perm));
}

std::unique_ptr<OpKernel> make_copy(const Node& node, const Graph& graph, const KernelContext&) {
  return std::make_unique<Copy>(element_count(graph.shape_of(node.outputs.at(0))), constant_input_bytes(node, graph));
}

}  // namespace tarsier::ref_backend
