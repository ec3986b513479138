// Gemm (fully-connected layers): y = act(alpha * A · B + beta * C) with a constant B packed
// once (alpha folded into it) and C a row or scalar bias (beta folded in). The batch is
// small, so threads split the columns panel by panel rather than the rows.
#include "backend/node_params.hpp"
#include "backend/x86/x86_kernels.hpp"
#include "kernels/x86/gemm.hpp"

namespace tarsier::x86_backend {
namespace {

class FcGemm final : public X86Kernel {
 public:
  FcGemm(const Context& ctx, const kernels::GemmParams& g, const ConstTensor& b, const ConstTensor* c)
      : X86Kernel(ctx, "gemm_fc"), g_(g) {
    std::vector<float> scaled;
    const float* bp = b.data.data();
    if (g.alpha != 1.0f) {
      scaled.assign(b.data.begin(), b.data.end());
      for (float& v : scaled) v *= g.alpha;
      bp = scaled.data();
    }
    packed_ = own_floats(x86::packed_b_floats(isa_, g.k, g.n));
    x86::pack_b(isa_, bp, g.trans_b ? g.k : g.n, g.trans_b, g.k, g.n, packed_);
    if (c) {
      bias_ = own_floats(static_cast<std::size_t>(g.n));
      for (std::int64_t j = 0; j < g.n; ++j)
        bias_[j] = g.beta * c->data[g.bias == kernels::BiasKind::Scalar ? 0 : static_cast<std::size_t>(j)];
    }
    nr_ = x86::gemm_nr(isa_, g.n);
    set_workspace(parallel_->chunk_count(g.n, nr_), x86::gemm_workspace_floats(isa_, g.m, g.k));
  }

  void run(const ExecArgs& a) const override {
    const x86::GemmEpilogue e{bias_, nullptr, 0, g_.epilogue};
    parallel_->for_chunks(g_.n, nr_, [&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
      x86::gemm(isa_, g_.m, g_.n, g_.k, a.inputs[0], g_.k, packed_, a.outputs[0], g_.n, e, slice(a, chunk), begin, end);
    });
  }

 private:
  kernels::GemmParams g_;
  float* packed_ = nullptr;
  float* bias_ = nullptr;
  std::int64_t nr_ = 16;
};

}  // namespace

std::unique_ptr<OpKernel> make_fc_gemm(const Node& node, const Graph& graph, const Context& ctx) {
  const ConstTensor* b = constant_or_null(graph, node.input(1));
  if (!b || graph.is_constant(node.input(0))) return nullptr;
  const kernels::GemmParams g = gemm_params(node, graph);
  if (g.trans_a) return nullptr;
  const ConstTensor* c = nullptr;
  if (node.has_input(2)) {
    c = constant_or_null(graph, node.input(2));
    if (!c || (g.bias != kernels::BiasKind::Row && g.bias != kernels::BiasKind::Scalar)) return nullptr;
  }
  return std::make_unique<FcGemm>(ctx, g, *b, c);
}

}  // namespace tarsier::x86_backend
