// Data movement on NHWC: the layout conversions the NHWC pass inserts at graph edges
// (Transpose 0,2,3,1 and 0,3,1,2 of 4-D tensors) and channel concats that could not be
// done in place (only the inputs not already written into their slice are copied).
#include "backend/x86/x86_kernels.hpp"

namespace tarsier::x86_backend {
namespace {

class ToNhwc final : public X86Kernel {
 public:
  ToNhwc(const Context& ctx, const Shape& x)  // x: [n][c][h][w]
      : X86Kernel(ctx, "transpose_nchw_to_nhwc"), n_(x[0]), c_(x[1]), hw_(x[2] * x[3]) {}
  void run(const ExecArgs& a) const override {
    const auto& ops = x86::nhwc_ops(isa_);
    parallel_->for_chunks(n_ * hw_, 256, [&](std::int64_t, std::int64_t b, std::int64_t e) {
      for (std::int64_t n = b / hw_; n * hw_ < e; ++n) {
        const std::int64_t p0 = std::max(b - n * hw_, std::int64_t{0}), p1 = std::min(e - n * hw_, hw_);
        ops.nchw_to_nhwc(c_, hw_, a.inputs[0] + n * c_ * hw_, a.outputs[0] + n * hw_ * c_, c_, p0, p1);
      }
    });
  }

 private:
  std::int64_t n_, c_, hw_;
};

class ToNchw final : public X86Kernel {
 public:
  ToNchw(const Context& ctx, const Shape& x)  // x: [n][h][w][c]
      : X86Kernel(ctx, "transpose_nhwc_to_nchw"), n_(x[0]), c_(x[3]), hw_(x[1] * x[2]) {}
  void run(const ExecArgs& a) const override {
    const auto& ops = x86::nhwc_ops(isa_);
    parallel_->for_chunks(n_ * c_, 16, [&](std::int64_t, std::int64_t b, std::int64_t e) {
      for (std::int64_t n = b / c_; n * c_ < e; ++n) {
        const std::int64_t c0 = std::max(b - n * c_, std::int64_t{0}), c1 = std::min(e - n * c_, c_);
        ops.nhwc_to_nchw(c_, hw_, a.inputs[0] + n * hw_ * c_, c_, a.outputs[0] + n * c_ * hw_, c0, c1);
      }
    });
  }

 private:
  std::int64_t n_, c_, hw_;
};

class ChannelConcat final : public X86Kernel {
 public:
  ChannelConcat(const Context& ctx, std::int64_t pixels, std::int64_t total, std::vector<std::int64_t> channels,
                std::vector<std::int64_t> in_place)
      : X86Kernel(ctx, "concat_channels"), pixels_(pixels), total_(total), channels_(std::move(channels)),
        in_place_(std::move(in_place)) {}
  void run(const ExecArgs& a) const override {
    const auto& ops = x86::nhwc_ops(isa_);
    parallel_->for_chunks(pixels_, 256, [&](std::int64_t, std::int64_t b, std::int64_t e) {
      std::int64_t offset = 0;
      for (std::size_t k = 0; k < channels_.size(); ++k) {
        if (!in_place_[k])
          ops.copy(e - b, channels_[k], a.inputs[k] + b * channels_[k], channels_[k],
                   a.outputs[0] + b * total_ + offset, total_);
        offset += channels_[k];
      }
    });
  }

 private:
  std::int64_t pixels_, total_;
  std::vector<std::int64_t> channels_, in_place_;
};

}  // namespace

std::unique_ptr<OpKernel> make_concat(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  const Shape& y = graph.shape_of(node.outputs.at(0));
  std::vector<std::int64_t> channels;
  for (const auto& in : node.inputs) channels.push_back(graph.shape_of(in).at(3));
  auto in_place = node.attrs.get_ints(kInPlaceAttr, std::vector<std::int64_t>(node.inputs.size(), 0));
  if (in_place.size() != node.inputs.size()) return nullptr;
  return std::make_unique<ChannelConcat>(ctx, y[0] * y[1] * y[2], y[3], std::move(channels), std::move(in_place));
}

std::unique_ptr<OpKernel> make_transpose(const Node& node, const Graph& graph, const Context& ctx) {
  const Shape& x = graph.shape_of(node.input(0));
  if (x.size() != 4 || graph.is_constant(node.input(0))) return nullptr;
  const auto perm = node.attrs.get_ints("perm", {});
  if (perm == std::vector<std::int64_t>{0, 2, 3, 1}) return std::make_unique<ToNhwc>(ctx, x);
  if (perm == std::vector<std::int64_t>{0, 3, 1, 2}) return std::make_unique<ToNchw>(ctx, x);
  return nullptr;
}

}  // namespace tarsier::x86_backend
