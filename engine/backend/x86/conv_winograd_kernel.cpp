// 3x3 stride-1 convolutions by Winograd (kernels/x86/conv_kernels.hpp): F(4x4, 3x3) needs
// 2.25 multiplies per output instead of 9, F(2x2, 3x3) 4. Weights are transformed and packed
// once here; threads split the output tiles in whole blocks of the kernel's tile block.
//
// The price is weight size: a transformed 3x3 filter holds (m+2)^2 values, 4x the original
// for F4. On small images with many channels (ResNet's 7x7 layer4: 512x512 filters, 4 tiles)
// every run streams those weights from DRAM, and the direct GEMM wins. The choice per layer
// minimises flops + kFlopsPerByte * weight bytes (plus the transforms): a roofline-like
// estimate whose constant was fitted to single-layer measurements on this machine (F4 best
// down to 14x14 with 256 channels, F2 best at 7x7 with 512, GEMM never best for 3x3 s1).
// TARSIER_X86_WINOGRAD=off|f2|f4 forces the choice (measurements, diagnosis).
#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "backend/x86/x86_kernels.hpp"
#include "kernels/x86/conv_kernels.hpp"

namespace tarsier::x86_backend {
namespace {

class WinogradConv final : public X86Kernel {
 public:
  WinogradConv(const Context& ctx, x86::WinogradTile tile, const kernels::Conv2dParams& p, const float* w,
               std::int64_t ldy)
      : X86Kernel(ctx, tile == x86::WinogradTile::F4x4 ? "conv3x3_winograd_f4" : "conv3x3_winograd_f2"),
        tile_(tile), p_(p), ldy_(ldy) {
    packed_ = own_floats(x86::winograd_packed_floats(isa_, tile, p.c_in, p.c_out));
    x86::winograd_pack_weights(isa_, tile, w, p.c_in, p.c_out, packed_);
    tiles_ = x86::winograd_tiles(tile, p);
    block_ = x86::winograd_tile_block(isa_, tile, p);
    // Threads split the tiles (any split gives bit-identical results) when each gets a fair
    // share of them; deep layers with few tiles (ResNet's 14x14 and 7x7 layers) split the
    // output channels instead, so each thread streams only its share of the transformed
    // weights (the input transform is then repeated per thread: cheap).
    oc_align_ = x86::winograd_oc_align(isa_, p);
    oc_units_ = (p.c_out + oc_align_ - 1) / oc_align_;
    const std::int64_t threads = parallel_->threads();
    split_oc_ = threads > 1 && tiles_ < kMinTilesPerThread * threads && oc_units_ >= threads;
    tile_grain_ = threads > 1 ? 1 : block_;
    const std::int64_t tile_chunks = parallel_->chunk_count(tiles_, tile_grain_);
    set_workspace(split_oc_ ? parallel_->chunk_count(oc_units_, 1) : tile_chunks,
                  x86::winograd_workspace_floats(isa_, tile, p));
  }

  void run(const ExecArgs& a) const override {
    const float* bias = a.inputs.size() > 2 ? a.inputs[2] : nullptr;
    const float* residual = a.inputs.size() > 3 ? a.inputs[3] : nullptr;
    if (split_oc_) {
      parallel_->for_chunks(oc_units_, 1, [&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
        x86::winograd_conv(isa_, tile_, p_, a.inputs[0], packed_, bias, residual, p_.c_out, a.outputs[0], ldy_,
                           slice(a, chunk), 0, tiles_, begin * oc_align_, std::min(end * oc_align_, p_.c_out));
      });
      return;
    }
    parallel_->for_chunks(tiles_, tile_grain_, [&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
      x86::winograd_conv(isa_, tile_, p_, a.inputs[0], packed_, bias, residual, p_.c_out, a.outputs[0], ldy_,
                         slice(a, chunk), begin, end);
    });
  }

 private:
  x86::WinogradTile tile_;
  kernels::Conv2dParams p_;
  std::int64_t ldy_, tiles_ = 0, block_ = 1;
  static constexpr std::int64_t kMinTilesPerThread = 16;
  std::int64_t oc_align_ = 1, oc_units_ = 1, tile_grain_ = 1;
  bool split_oc_ = false;
  float* packed_ = nullptr;
};

constexpr double kFlopsPerByte = 4.0;

// Estimated cost (flop-equivalents) of the layer by F(m x m) Winograd, m = 0: direct GEMM.
double cost(const kernels::Conv2dParams& p, std::int64_t m) {
  const double cc = static_cast<double>(p.c_in) * static_cast<double>(p.c_out);
  if (m == 0) {
    const double pixels = static_cast<double>(p.n * p.h_out * p.w_out);
    return 18.0 * cc * pixels + kFlopsPerByte * 36.0 * cc;
  }
  const double points = static_cast<double>((m + 2) * (m + 2));
  const double tiles = static_cast<double>(p.n * ((p.h_out + m - 1) / m) * ((p.w_out + m - 1) / m));
  const double transforms = 4.0 * points * static_cast<double>(p.c_in + p.c_out) * tiles;
  return 2.0 * points * cc * tiles + kFlopsPerByte * 4.0 * points * cc + transforms;
}

const float* weights(const Node& node, const Graph& graph) {
  const ConstTensor* w = constant_or_null(graph, node.input(1));
  return w ? w->data.data() : nullptr;
}

}  // namespace

std::unique_ptr<OpKernel> make_conv_winograd(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  const float* w = weights(node, graph);
  const auto p = nhwc_conv_params(node, graph);
  if (!w || !x86::winograd_applicable(p)) return nullptr;
  const char* env = std::getenv("TARSIER_X86_WINOGRAD");
  const std::string_view forced = env ? env : "";
  if (forced == "off") return nullptr;
  x86::WinogradTile tile = x86::WinogradTile::F4x4;
  if (forced == "f2") {
    tile = x86::WinogradTile::F2x2;
  } else if (forced != "f4") {
    const double direct = cost(p, 0), f2 = cost(p, 2), f4 = cost(p, 4);
    if (direct <= f2 && direct <= f4) return nullptr;
    if (f2 < f4) tile = x86::WinogradTile::F2x2;
  }
  return std::make_unique<WinogradConv>(ctx, tile, p, w, out_pixel_stride(node, graph));
}

}  // namespace tarsier::x86_backend
