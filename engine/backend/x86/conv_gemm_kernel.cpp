// Convolutions as GEMMs on NHWC activations: pixels are rows, output channels columns.
//  - 1x1, stride 1, no padding, one group: the input itself is A (lda = c_in).
//  - everything else (7x7/2 stem, strided 3x3, strided 1x1, dilated, grouped): im2col of a
//    block of output pixels into the workspace, then one GEMM per group. Blocks are sized
//    so that the patches stay around 4 MB per thread while keeping enough rows per GEMM to
//    amortise streaming the packed weights.
#include <algorithm>

#include "backend/x86/x86_kernels.hpp"
#include "kernels/x86/gemm.hpp"

namespace tarsier::x86_backend {
namespace {

using x86::GemmEpilogue;

// im2col patches per thread and block: 256 KiB, so patches and packed B share L2. Measured
// on ResNet18 (AVX-512, 1 thread): the 7x7/2 stem ran 5-10% faster than with 4 MiB blocks
// (the strided 3x3 layers unchanged), and the arena's peak (the stem's workspace) fell
// from 8.6 to 4.9 MiB.
constexpr std::int64_t kPatchFloatsPerThread = std::int64_t{1} << 16;
// Layers whose whole im2col matrix fits this (1 MiB: ResNet18's layer3/layer4 3x3 convs, at most
// 225K floats) are few pixels and large weights: row blocks would stream the packed weights
// (up to 9 MiB) from L3 once per block, and threads splitting rows would each read all of
// them. Such layers build the patches once and split the GEMM by output-channel panels:
// every weight is read once per run. Measured on ResNet18 layer4 (AVX-512, 1 thread): the
// 3x3 stride-1 conv 3.65 -> 2.36 ms, the stride-2 one 1.59 -> 1.16 ms.
constexpr std::int64_t kWholePatchFloats = std::int64_t{1} << 18;

std::int64_t round_up(std::int64_t v, std::int64_t to) { return (v + to - 1) / to * to; }

// Weights of group g as the GEMM's B: k = kernel_h * kernel_w * c_in/groups rows ordered
// (ky, kx, c) like the im2col patches, c_out/groups columns.
// Group g's filters as rows of k = (tap, input channel), the order of the NHWC im2col
// patches: row co is a small transpose of its OIHW [c_in][taps] block, so reads stay in one
// filter and writes are sequential (pack_b then interleaves the rows in L1-sized chunks;
// writing a k x n matrix directly scattered every store and took 9% of ResNet18's load).
std::vector<float> group_weights_nk(const kernels::Conv2dParams& p, const float* w, std::int64_t g) {
  const std::int64_t cin = p.c_in / p.groups, cout = p.c_out / p.groups, taps = p.kernel_h * p.kernel_w;
  std::vector<float> nk(static_cast<std::size_t>(cout * taps * cin));
  float* dst = nk.data();
  for (std::int64_t co = 0; co < cout; ++co) {
    const float* filter = w + (g * cout + co) * cin * taps;
    for (std::int64_t t = 0; t < taps; ++t)
      for (std::int64_t ci = 0; ci < cin; ++ci) *dst++ = filter[ci * taps + t];
  }
  return nk;
}

class Conv1x1Gemm final : public X86Kernel {
 public:
  Conv1x1Gemm(const Context& ctx, const kernels::Conv2dParams& p, const float* w, std::int64_t ldy)
      : X86Kernel(ctx, "conv1x1_gemm"), p_(p), ldy_(ldy), m_(p.n * p.h_in * p.w_in) {
    packed_ = own_floats(x86::packed_b_floats(isa_, p.c_in, p.c_out));
    x86::pack_b(isa_, w, p.c_in, true, p.c_in, p.c_out, packed_);
    const std::int64_t mr = x86::gemm_mr(isa_, p.c_out);
    const std::int64_t chunks = parallel_->chunk_count(m_, mr);
    set_workspace(chunks, x86::gemm_workspace_floats(isa_, round_up((m_ + chunks - 1) / chunks, mr), p.c_in));
  }

  void run(const ExecArgs& a) const override {
    const float* x = a.inputs[0];
    const float* bias = a.inputs.size() > 2 ? a.inputs[2] : nullptr;
    const float* residual = a.inputs.size() > 3 ? a.inputs[3] : nullptr;
    float* y = a.outputs[0];
    parallel_->for_chunks(
        m_, x86::gemm_mr(isa_, p_.c_out), [&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
          GemmEpilogue e{bias, residual ? residual + begin * p_.c_out : nullptr, p_.c_out, p_.epilogue};
          x86::gemm(isa_, end - begin, p_.c_out, p_.c_in, x + begin * p_.c_in, p_.c_in, packed_, y + begin * ldy_, ldy_,
                    e, slice(a, chunk));
        });
  }

 private:
  kernels::Conv2dParams p_;
  std::int64_t ldy_, m_;
  float* packed_ = nullptr;
};

class Im2colGemm final : public X86Kernel {
 public:
  Im2colGemm(const Context& ctx, const kernels::Conv2dParams& p, const float* w, std::int64_t ldy)
      : X86Kernel(ctx, p.groups > 1 ? "conv_grouped_im2col_gemm" : "conv_im2col_gemm"), p_(p), ldy_(ldy) {
    cin_g_ = p.c_in / p.groups;
    cout_g_ = p.c_out / p.groups;
    k_ = p.kernel_h * p.kernel_w * cin_g_;
    pixels_ = p.h_out * p.w_out;
    const std::size_t panel = x86::packed_b_floats(isa_, k_, cout_g_);
    float* packed = own_floats(panel * static_cast<std::size_t>(p.groups));
    for (std::int64_t g = 0; g < p.groups; ++g) {
      const std::vector<float> nk = group_weights_nk(p, w, g);
      x86::pack_b(isa_, nk.data(), k_, true, k_, cout_g_, packed + static_cast<std::size_t>(g) * panel);
      packed_.push_back(packed + static_cast<std::size_t>(g) * panel);
    }
    const std::int64_t mr = x86::gemm_mr(isa_, cout_g_);
    const std::int64_t rows = p.n * pixels_;
    if (p.groups == 1 && rows * k_ <= kWholePatchFloats) {
      nr_ = x86::gemm_nr(isa_, cout_g_);
      column_chunks_ = parallel_->chunk_count(cout_g_, nr_);
      patch_floats_ = round_up(rows * k_, 16);
      gemm_ws_floats_ = round_up(static_cast<std::int64_t>(x86::gemm_workspace_floats(isa_, rows, k_)), 16);
      set_workspace(1, static_cast<std::size_t>(patch_floats_ + column_chunks_ * gemm_ws_floats_));
      return;
    }
    const std::int64_t chunks = parallel_->chunk_count(rows, mr);
    const std::int64_t chunk_rows = round_up((rows + chunks - 1) / chunks, mr);
    block_ = std::clamp(kPatchFloatsPerThread / k_ / mr * mr, mr, chunk_rows);
    patch_floats_ = round_up(block_ * k_, 16);
    set_workspace(chunks, static_cast<std::size_t>(patch_floats_) + x86::gemm_workspace_floats(isa_, block_, k_));
  }

  void run(const ExecArgs& a) const override {
    const float* x = a.inputs[0];
    const float* bias = a.inputs.size() > 2 ? a.inputs[2] : nullptr;
    const float* residual = a.inputs.size() > 3 ? a.inputs[3] : nullptr;
    float* y = a.outputs[0];
    const x86::NhwcOps& ops = x86::nhwc_ops(isa_);
    const std::int64_t image = p_.h_in * p_.w_in * p_.c_in;
    if (column_chunks_ > 0) {
      run_by_columns(a, x, bias, residual, y);
      return;
    }
    parallel_->for_chunks(
        p_.n * pixels_, x86::gemm_mr(isa_, cout_g_), [&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
          float* patches = slice(a, chunk);
          float* gemm_ws = patches + patch_floats_;
          for (std::int64_t r = begin; r < end;) {
            const std::int64_t n = r / pixels_, local = r % pixels_;
            const std::int64_t rows = std::min({block_, end - r, pixels_ - local});
            for (std::int64_t g = 0; g < p_.groups; ++g) {
              ops.im2col(p_, x + n * image, p_.c_in, g * cin_g_, cin_g_, local, rows, patches);
              const std::int64_t col = g * cout_g_;
              GemmEpilogue e{bias ? bias + col : nullptr, residual ? residual + r * p_.c_out + col : nullptr, p_.c_out,
                             p_.epilogue};
              x86::gemm(isa_, rows, cout_g_, k_, patches, k_, packed_[static_cast<std::size_t>(g)], y + r * ldy_ + col,
                        ldy_, e, gemm_ws);
            }
            r += rows;
          }
        });
  }

 private:
  // The whole-patch path (kWholePatchFloats): patches of every pixel, then threads take
  // output-channel panels of one GEMM.
  void run_by_columns(const ExecArgs& a, const float* x, const float* bias, const float* residual, float* y) const {
    const x86::NhwcOps& ops = x86::nhwc_ops(isa_);
    const std::int64_t image = p_.h_in * p_.w_in * p_.c_in;
    float* patches = slice(a, 0);
    for (std::int64_t n = 0; n < p_.n; ++n)
      ops.im2col(p_, x + n * image, p_.c_in, 0, p_.c_in, 0, pixels_, patches + n * pixels_ * k_);
    const std::int64_t rows = p_.n * pixels_;
    parallel_->for_chunks(cout_g_, nr_, [&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
      GemmEpilogue e{bias, residual, p_.c_out, p_.epilogue};
      x86::gemm(isa_, rows, cout_g_, k_, patches, k_, packed_[0], y, ldy_, e,
                patches + patch_floats_ + chunk * gemm_ws_floats_, begin, end);
    });
  }

  kernels::Conv2dParams p_;
  std::int64_t ldy_;
  std::int64_t cin_g_ = 0, cout_g_ = 0, k_ = 0, pixels_ = 0, block_ = 0, patch_floats_ = 0;
  std::int64_t nr_ = 0, column_chunks_ = 0, gemm_ws_floats_ = 0;
  std::vector<const float*> packed_;
};

const float* weights(const Node& node, const Graph& graph) {
  const ConstTensor* w = constant_or_null(graph, node.input(1));
  return w ? w->data.data() : nullptr;
}

}  // namespace

std::unique_ptr<OpKernel> make_conv1x1_gemm(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  const float* w = weights(node, graph);
  const auto p = nhwc_conv_params(node, graph);
  if (!w || p.kernel_h != 1 || p.kernel_w != 1 || p.stride_h != 1 || p.stride_w != 1 || p.groups != 1 || p.pad_top ||
      p.pad_left || p.pad_bottom || p.pad_right)
    return nullptr;
  return std::make_unique<Conv1x1Gemm>(ctx, p, w, out_pixel_stride(node, graph));
}

std::unique_ptr<OpKernel> make_conv_im2col_gemm(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  const float* w = weights(node, graph);
  if (!w) return nullptr;
  return std::make_unique<Im2colGemm>(ctx, nhwc_conv_params(node, graph), w, out_pixel_stride(node, graph));
}

}  // namespace tarsier::x86_backend
