// Pooling and resize on NHWC (kernels/x86/conv_kernels.hpp); threads split output rows.
#include "backend/x86/x86_kernels.hpp"
#include "kernels/x86/conv_kernels.hpp"

namespace tarsier::x86_backend {
namespace {

class Pool final : public X86Kernel {
 public:
  Pool(const Context& ctx, bool max, const kernels::Pool2dParams& p, std::int64_t ldy)
      : X86Kernel(ctx, max ? "max_pool_nhwc" : "avg_pool_nhwc"), max_(max), p_(p), ldy_(ldy) {}
  void run(const ExecArgs& a) const override {
    parallel_->for_chunks(x86::pool_rows(p_), 1, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
      if (max_) x86::max_pool2d_nhwc(isa_, p_, a.inputs[0], a.outputs[0], ldy_, begin, end);
      else x86::avg_pool2d_nhwc(isa_, p_, a.inputs[0], a.outputs[0], ldy_, begin, end);
    });
  }

 private:
  bool max_;
  kernels::Pool2dParams p_;
  std::int64_t ldy_;
};

class GlobalAvgPool final : public X86Kernel {
 public:
  GlobalAvgPool(const Context& ctx, std::int64_t n, std::int64_t c, std::int64_t hw, std::int64_t ldy)
      : X86Kernel(ctx, "global_avg_pool_nhwc"), n_(n), c_(c), hw_(hw), ldy_(ldy) {}
  void run(const ExecArgs& a) const override {
    parallel_->for_chunks(n_, 1, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
      x86::global_avg_pool_nhwc(isa_, c_, hw_, a.inputs[0], a.outputs[0], ldy_, begin, end);
    });
  }

 private:
  std::int64_t n_, c_, hw_, ldy_;
};

class Resize final : public X86Kernel {
 public:
  Resize(const Context& ctx, const kernels::ResizeParams& p, std::int64_t ldy)
      : X86Kernel(ctx, p.mode == kernels::ResizeMode::Nearest ? "resize_nearest_nhwc" : "resize_linear_nhwc"),
        p_(p), ldy_(ldy) {}
  void run(const ExecArgs& a) const override {
    parallel_->for_chunks(x86::resize_rows(p_), 1, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
      x86::resize2d_nhwc(isa_, p_, a.inputs[0], a.outputs[0], ldy_, begin, end);
    });
  }

 private:
  kernels::ResizeParams p_;
  std::int64_t ldy_;
};

}  // namespace

std::unique_ptr<OpKernel> make_max_pool(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  return std::make_unique<Pool>(ctx, true, nhwc_pool_params(node, graph), out_pixel_stride(node, graph));
}

std::unique_ptr<OpKernel> make_avg_pool(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  return std::make_unique<Pool>(ctx, false, nhwc_pool_params(node, graph), out_pixel_stride(node, graph));
}

std::unique_ptr<OpKernel> make_global_avg_pool(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  const Shape& x = graph.shape_of(node.input(0));
  return std::make_unique<GlobalAvgPool>(ctx, x[0], x[3], x[1] * x[2], out_pixel_stride(node, graph));
}

std::unique_ptr<OpKernel> make_resize(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  return std::make_unique<Resize>(ctx, nhwc_resize_params(node, graph), out_pixel_stride(node, graph));
}

}  // namespace tarsier::x86_backend
