#pragma once
// The x86 SIMD CPU backend ("avx2", "avx512"): activations NHWC inside the
// backend (the nhwc_rewrite pass converts only at graph edges and around
// NCHW-only ops), convolution algorithm chosen per layer, weights packed at
// load, TBB threads. Ops it has no kernel for run on the ref backend (only NCHW
// nodes reach it; see x86_backend.cpp).
#include <memory>
#include <string>
#include <unordered_map>

#include "backend/backend.hpp"
#include "backend/x86/parallel.hpp"
#include "backend/x86/weight_pool.hpp"
#include "kernels/x86/gemm.hpp"

namespace tarsier::x86_backend {

// Per Winograd layer (keyed by its output value): keep transformed weights
// (true) or stream them (false). Decided once per model under a memory budget
// (conv_winograd_kernel.cpp).
using WinogradWeightPlan = std::unordered_map<std::string, bool>;

// What an x86 kernel factory knows besides the node.
struct Context {
  x86::Isa isa = x86::Isa::Avx2;
  const Parallel* parallel = nullptr;            // lives as long as the backend
  const WinogradWeightPlan* winograd = nullptr;  // likewise; null: store every layer's weights
  WeightPool* weights = nullptr;                 // likewise; null: each kernel owns its buffers
};

using Factory = std::unique_ptr<OpKernel> (*)(const Node& node, const Graph& graph, const Context& context);

struct Entry {
  OpType op;
  Factory make;
};

class X86Backend final : public Backend {
 public:
  explicit X86Backend(x86::Isa isa);
  std::string_view name() const override;
  // Sizes the thread pool and rewrites the graph to NHWC.
  void prepare(Graph& graph, const KernelContext& context) override;
  std::unique_ptr<OpKernel> make_kernel(const Node& node, const Graph& graph,
                                        const KernelContext& context) const override;
  // One arena entry per inference.
  void execute(std::span<const KernelLaunch> launches) const override;

  x86::Isa isa() const { return isa_; }

 private:
  x86::Isa isa_;
  std::unique_ptr<Parallel> parallel_;
  std::unique_ptr<Backend> ref_;
  WinogradWeightPlan winograd_;
  std::unique_ptr<WeightPool> weights_;
};

bool avx2_available();
bool avx512_available();
std::unique_ptr<Backend> make_avx2_backend();
std::unique_ptr<Backend> make_avx512_backend();

}  // namespace tarsier::x86_backend
