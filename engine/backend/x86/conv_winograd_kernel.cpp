// 3x3 stride-1 convolutions by Winograd (kernels/x86/conv_kernels.hpp): F(4x4,
// 3x3) needs 2.25 multiplies per output instead of 9, F(2x2, 3x3) 4. Threads
// split the output tiles in whole blocks of the kernel's tile block, or output
// channels where tiles are few.
//
// The price is weight size: a transformed 3x3 filter holds (m+2)^2 values, 4x
// the original for F4. Two answers, chosen per layer:
//  - the algorithm: cost = flops + kFlopsPerByte * weight bytes streamed per
//  run (+ the
//    transforms), min over {GEMM, F2, F4}: a roofline-like estimate whose
//    constant was fitted to single-layer measurements on this machine;
//  - where the transformed weights live (plan_winograd_weights): stored at
//  load, or streamed
//    (rebuilt per run, chunk by chunk, from the raw filters). Storing is faster
//    where many tiles reuse U; streaming keeps 1x the weights. The model's
//    layers are stored best gain-per-byte first while their extra bytes fit
//    kExtraWeightBudget of the model's weights, so arena + weights stay near
//    the model's own size (ResNet18: layer1/2 stored, layer3/4 streamed;
//    figures in README.md).
// TARSIER_X86_WINOGRAD=off|f2|f4 forces the algorithm,
// TARSIER_X86_WINOGRAD_WEIGHTS= stored|streamed the weights (measurements,
// diagnosis).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "backend/x86/x86_kernels.hpp"
#include "kernels/x86/conv_kernels.hpp"

namespace tarsier::x86_backend {
namespace {

using x86::WinogradWeights;

class WinogradConv final : public X86Kernel {
 public:
  WinogradConv(const Context& ctx, x86::WinogradTile tile, WinogradWeights mode, const kernels::Conv2dParams& p,
               const float* w, std::int64_t ldy)
      : X86Kernel(ctx, std::string(tile == x86::WinogradTile::F4x4 ? "conv3x3_winograd_f4" : "conv3x3_winograd_f2") +
                           (mode == WinogradWeights::Streamed ? "_streamed" : "")),
        tile_(tile),
        mode_(mode),
        p_(p),
        ldy_(ldy) {
    packed_ = own_floats(x86::winograd_weight_floats(isa_, tile, mode, p.c_in, p.c_out));
    x86::winograd_prepare_weights(isa_, tile, mode, w, p.c_in, p.c_out, packed_);
    tiles_ = x86::winograd_tiles(tile, p);
    block_ = mode == WinogradWeights::Streamed ? x86::winograd_stream_block(isa_, tile, p)
                                               : x86::winograd_tile_block(isa_, tile, p);
    // Threads split the tiles (any split gives bit-identical results) when each
    // gets a fair share of them; deep layers with few tiles (ResNet's 14x14 and
    // 7x7 layers) split the output channels instead, so each thread streams
    // only its share of the transformed weights (the input transform is then
    // repeated per thread: cheap). Streamed, splitting channels also splits the
    // per-run weight transform.
    oc_align_ = x86::winograd_oc_align(isa_, p, mode);
    oc_units_ = (p.c_out + oc_align_ - 1) / oc_align_;
    const std::int64_t threads = parallel_->threads();
    split_oc_ = threads > 1 && oc_units_ >= threads &&
                (mode == WinogradWeights::Streamed || tiles_ < kMinTilesPerThread * threads);
    tile_grain_ = threads > 1 ? 1 : block_;
    const std::int64_t tile_chunks = parallel_->chunk_count(tiles_, tile_grain_);
    set_workspace(split_oc_ ? parallel_->chunk_count(oc_units_, 1) : tile_chunks,
                  x86::winograd_workspace_floats(isa_, tile, p, mode));
  }

  void run(const ExecArgs& a) const override {
    const float* bias = a.inputs.size() > 2 ? a.inputs[2] : nullptr;
    const float* residual = a.inputs.size() > 3 ? a.inputs[3] : nullptr;
    if (split_oc_) {
      parallel_->for_chunks(oc_units_, 1, [&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
        x86::winograd_conv(isa_, tile_, p_, a.inputs[0], packed_, bias, residual, p_.c_out, a.outputs[0], ldy_,
                           slice(a, chunk), 0, tiles_, begin * oc_align_, std::min(end * oc_align_, p_.c_out), mode_);
      });
      return;
    }
    parallel_->for_chunks(tiles_, tile_grain_, [&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
      x86::winograd_conv(isa_, tile_, p_, a.inputs[0], packed_, bias, residual, p_.c_out, a.outputs[0], ldy_,
                         slice(a, chunk), begin, end, 0, -1, mode_);
    });
  }

 private:
  x86::WinogradTile tile_;
  WinogradWeights mode_;
  kernels::Conv2dParams p_;
  std::int64_t ldy_, tiles_ = 0, block_ = 1;
  static constexpr std::int64_t kMinTilesPerThread = 16;
  std::int64_t oc_align_ = 1, oc_units_ = 1, tile_grain_ = 1;
  bool split_oc_ = false;
  float* packed_ = nullptr;
};

constexpr double kFlopsPerByte = 4.0;
// Flop-equivalents per filter pair of the run-time weight transform, from perf on ResNet18
// (F2: ~8, F4: ~18 cycles per pair at 32 flops per cycle: reading the raw filters and storing
// (m+2)^2 values of U dominate, not the arithmetic). Raised from 256/580 once im2col + GEMM
// read each weight once on few-pixel layers (conv_gemm_kernel.cpp): on the Xeon, ResNet18's
// 7x7 layer4 runs 2.07 ms by GEMM vs 2.35 (F4) / 2.6 (F2) streamed, and the model picks GEMM.
constexpr double kStreamTransformF2 = 420.0, kStreamTransformF4 = 620.0;
// Stored transformed weights may exceed the raw filters by this share of the
// model's weights in all (the rest of the 1.2x target is left to the arena's
// workspaces). 0.16 stores ResNet18's layer1 and layer2 (1.15x at 1 and 2
// threads; storing layer1 also drops its 4 MiB-per-thread streamed workspace).
constexpr double kExtraWeightBudget = 0.16;

// Estimated cost (flop-equivalents) of the layer by F(m x m) Winograd, m = 0:
// direct GEMM.
double cost(x86::Isa isa, const kernels::Conv2dParams& p, std::int64_t m, WinogradWeights mode) {
  const double cc = static_cast<double>(p.c_in) * static_cast<double>(p.c_out);
  if (m == 0) {
    const double pixels = static_cast<double>(p.n * p.h_out * p.w_out);
    return 18.0 * cc * pixels + kFlopsPerByte * 36.0 * cc;
  }
  const double points = static_cast<double>((m + 2) * (m + 2));
  const double tiles = static_cast<double>(p.n * ((p.h_out + m - 1) / m) * ((p.w_out + m - 1) / m));
  const double products = 2.0 * points * cc * tiles;
  if (mode == WinogradWeights::Stored) {
    const double transforms = 4.0 * points * static_cast<double>(p.c_in + p.c_out) * tiles;
    return products + kFlopsPerByte * 4.0 * points * cc + transforms;
  }
  // Streamed: the input transform once per chunk of 64 output channels, U once per tile block.
  const double chunks = static_cast<double>((p.c_out + 63) / 64);
  const auto tile = m == 2 ? x86::WinogradTile::F2x2 : x86::WinogradTile::F4x4;
  const double blocks = std::ceil(tiles / static_cast<double>(x86::winograd_stream_block(isa, tile, p)));
  const double transforms = 4.0 * points * static_cast<double>(p.c_in * chunks + p.c_out) * tiles;
  return products + kFlopsPerByte * 36.0 * cc + transforms +
         blocks * (m == 2 ? kStreamTransformF2 : kStreamTransformF4) * cc;
}

// The tile edge for this layer and weight mode (0: GEMM is cheaper).
std::int64_t choose_edge(x86::Isa isa, const kernels::Conv2dParams& p, WinogradWeights mode) {
  const char* env = std::getenv("TARSIER_X86_WINOGRAD");
  const std::string_view forced = env ? env : "";
  if (forced == "off") return 0;
  if (forced == "f2") return 2;
  if (forced == "f4") return 4;
  const double direct = cost(isa, p, 0, mode), f2 = cost(isa, p, 2, mode), f4 = cost(isa, p, 4, mode);
  if (direct <= f2 && direct <= f4) return 0;
  return f2 < f4 ? 2 : 4;
}

const float* weights(const Node& node, const Graph& graph) {
  const ConstTensor* w = constant_or_null(graph, node.input(1));
  return w ? w->data.data() : nullptr;
}

// The layer's parameters when it is a Winograd candidate.
std::optional<kernels::Conv2dParams> candidate(const Node& node, const Graph& graph) {
  if (node.op != OpType::Conv || !is_nhwc(node) || !weights(node, graph)) return std::nullopt;
  const auto p = nhwc_conv_params(node, graph);
  if (!x86::winograd_applicable(p)) return std::nullopt;
  return p;
}

}  // namespace

WinogradWeightPlan plan_winograd_weights(const Graph& graph, x86::Isa isa) {
  WinogradWeightPlan plan;
  const char* env = std::getenv("TARSIER_X86_WINOGRAD_WEIGHTS");
  const std::string_view forced = env ? env : "";
  double model_bytes = 0.0;
  for (const auto& [name, tensor] : graph.constants) model_bytes += 4.0 * static_cast<double>(tensor.data.size());
  struct Choice {
    std::string key;
    double gain_per_byte, extra_bytes;
  };
  std::vector<Choice> wanted;
  for (const Node& node : graph.nodes) {
    const auto p = candidate(node, graph);
    if (!p) continue;
    const std::string& key = node.outputs.at(0);
    if (forced == "stored" || forced == "streamed") {
      plan[key] = forced == "stored";
      continue;
    }
    const std::int64_t m_stored = choose_edge(isa, *p, WinogradWeights::Stored);
    const std::int64_t m_streamed = choose_edge(isa, *p, WinogradWeights::Streamed);
    const double stored = cost(isa, *p, m_stored, WinogradWeights::Stored);
    const double streamed = cost(isa, *p, m_streamed, WinogradWeights::Streamed);
    const double extra = m_stored == 0 ? 0.0
                                       : static_cast<double>((m_stored + 2) * (m_stored + 2) - 9) * 4.0 *
                                             static_cast<double>(p->c_in * p->c_out);
    plan[key] = stored < streamed && extra == 0.0;
    if (stored < streamed && extra > 0.0) wanted.push_back({key, (streamed - stored) / extra, extra});
  }
  std::stable_sort(wanted.begin(), wanted.end(),
                   [](const Choice& a, const Choice& b) { return a.gain_per_byte > b.gain_per_byte; });
  double budget = kExtraWeightBudget * model_bytes;
  for (const Choice& c : wanted) {
    if (c.extra_bytes > budget) continue;
    plan[c.key] = true;
    budget -= c.extra_bytes;
  }
  return plan;
}

std::unique_ptr<OpKernel> make_conv_winograd(const Node& node, const Graph& graph, const Context& ctx) {
  const auto p = candidate(node, graph);
  if (!p) return nullptr;
  bool stored = true;
  if (ctx.winograd != nullptr) {
    auto it = ctx.winograd->find(node.outputs.at(0));
    if (it != ctx.winograd->end()) stored = it->second;
  }
  const WinogradWeights mode = stored ? WinogradWeights::Stored : WinogradWeights::Streamed;
  const std::int64_t m = choose_edge(ctx.isa, *p, mode);
  if (m == 0) return nullptr;
  const auto tile = m == 2 ? x86::WinogradTile::F2x2 : x86::WinogradTile::F4x4;
  return std::make_unique<WinogradConv>(ctx, tile, mode, *p, weights(node, graph), out_pixel_stride(node, graph));
}

}  // namespace tarsier::x86_backend
