// Transposed convolutions on NHWC.
//  - 2x2, stride 2, no padding (U-Net upsampling): every output pixel gets exactly one tap,
//    so each input row is one GEMM per output row parity dy: output row 2i+dy, pixel 2j+dx
//    takes x[i][j] · W[:, :, dy, dx]. With a dense output the (dx, c_out) columns of a row
//    are contiguous: one GEMM of n = 2*c_out with ldc = 2 * pixel stride; inside a concat
//    slice (pixel stride > c_out) one GEMM per (dy, dx) of n = c_out. Bias and activation
//    are applied in the GEMM's store.
//  - anything else: a direct loop (weights repacked tap-major so the inner loop runs over
//    contiguous output channels); correct for every geometry, not tuned.
#include <algorithm>
#include <tarsier/error.hpp>

#include "backend/node_params.hpp"
#include "backend/x86/x86_kernels.hpp"
#include "kernels/x86/gemm.hpp"

namespace tarsier::x86_backend {
namespace {

class ConvTranspose2x2 final : public X86Kernel {
 public:
  ConvTranspose2x2(const Context& ctx, const kernels::ConvTranspose2dParams& p, const float* w, const float* bias,
                   std::int64_t ldy)
      : X86Kernel(ctx, "conv_transpose2x2_gemm"), p_(p), ldy_(ldy) {
    fused_dx_ = ldy == p.c_out;
    n_ = fused_dx_ ? 2 * p.c_out : p.c_out;
    const std::int64_t parts = fused_dx_ ? 2 : 4;
    const std::size_t panel = x86::packed_b_floats(isa_, p.c_in, n_);
    float* packed = own_floats(panel * static_cast<std::size_t>(parts));
    std::vector<float> kn(static_cast<std::size_t>(p.c_in * n_));
    for (std::int64_t part = 0; part < parts; ++part) {
      for (std::int64_t ci = 0; ci < p.c_in; ++ci)
        for (std::int64_t col = 0; col < n_; ++col) {
          const std::int64_t dy = fused_dx_ ? part : part / 2;
          const std::int64_t dx = fused_dx_ ? col / p.c_out : part % 2;
          const std::int64_t co = col % p.c_out;
          kn[static_cast<std::size_t>(ci * n_ + col)] = w[((ci * p.c_out + co) * 2 + dy) * 2 + dx];
        }
      x86::pack_b(isa_, kn.data(), n_, false, p.c_in, n_, packed + static_cast<std::size_t>(part) * panel);
      packed_.push_back(packed + static_cast<std::size_t>(part) * panel);
    }
    if (bias) {
      bias_ = own_floats(static_cast<std::size_t>(n_));
      for (std::int64_t col = 0; col < n_; ++col) bias_[col] = bias[col % p.c_out];
    }
    set_workspace(parallel_->chunk_count(p.n * p.h_in, 1), x86::gemm_workspace_floats(isa_, p.w_in, p.c_in));
  }

  void run(const ExecArgs& a) const override {
    const float* x = a.inputs[0];
    float* y = a.outputs[0];
    const x86::GemmEpilogue e{bias_, nullptr, 0, p_.epilogue};
    parallel_->for_chunks(p_.n * p_.h_in, 1, [&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
      float* ws = slice(a, chunk);
      for (std::int64_t row = begin; row < end; ++row) {
        const std::int64_t n = row / p_.h_in, i = row % p_.h_in;
        const float* xr = x + row * p_.w_in * p_.c_in;
        for (std::size_t part = 0; part < packed_.size(); ++part) {
          const std::int64_t dy = fused_dx_ ? static_cast<std::int64_t>(part) : static_cast<std::int64_t>(part / 2);
          const std::int64_t dx = fused_dx_ ? 0 : static_cast<std::int64_t>(part % 2);
          float* yr = y + ((n * p_.h_out + 2 * i + dy) * p_.w_out + dx) * ldy_;
          x86::gemm(isa_, p_.w_in, n_, p_.c_in, xr, p_.c_in, packed_[part], yr, 2 * ldy_, e, ws);
        }
      }
    });
  }

 private:
  kernels::ConvTranspose2dParams p_;
  std::int64_t ldy_;
  bool fused_dx_ = true;
  std::int64_t n_ = 0;
  std::vector<const float*> packed_;
  float* bias_ = nullptr;
};

class ConvTransposeDirect final : public X86Kernel {
 public:
  ConvTransposeDirect(const Context& ctx, const kernels::ConvTranspose2dParams& p, const float* w, std::int64_t ldy)
      : X86Kernel(ctx, "conv_transpose_direct"), p_(p), ldy_(ldy) {
    cin_g_ = p.c_in / p.groups;
    cout_g_ = p.c_out / p.groups;
    const std::int64_t taps = p.kernel_h * p.kernel_w;
    // [g][tap][ci][co] from [g*cin_g + ci][co][tap]
    packed_ = own_floats(static_cast<std::size_t>(p.c_in * cout_g_ * taps));
    for (std::int64_t g = 0; g < p.groups; ++g)
      for (std::int64_t t = 0; t < taps; ++t)
        for (std::int64_t ci = 0; ci < cin_g_; ++ci)
          for (std::int64_t co = 0; co < cout_g_; ++co)
            packed_[((g * taps + t) * cin_g_ + ci) * cout_g_ + co] = w[((g * cin_g_ + ci) * cout_g_ + co) * taps + t];
    set_workspace(parallel_->chunk_count(p.n * p.h_out, 1), static_cast<std::size_t>(p.c_out));
  }

  void run(const ExecArgs& a) const override {
    const float* x = a.inputs[0];
    const float* bias = a.inputs.size() > 2 ? a.inputs[2] : nullptr;
    float* y = a.outputs[0];
    const std::int64_t taps = p_.kernel_h * p_.kernel_w;
    parallel_->for_chunks(p_.n * p_.h_out, 1, [&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
      float* acc = slice(a, chunk);
      for (std::int64_t row = begin; row < end; ++row) {
        const std::int64_t n = row / p_.h_out, oy = row % p_.h_out;
        for (std::int64_t ox = 0; ox < p_.w_out; ++ox) {
          for (std::int64_t co = 0; co < p_.c_out; ++co) acc[co] = bias ? bias[co] : 0.0f;
          for (std::int64_t ky = 0; ky < p_.kernel_h; ++ky) {
            const std::int64_t ty = oy + p_.pad_top - ky * p_.dilation_h;
            if (ty < 0 || ty % p_.stride_h) continue;
            const std::int64_t iy = ty / p_.stride_h;
            if (iy >= p_.h_in) continue;
            for (std::int64_t kx = 0; kx < p_.kernel_w; ++kx) {
              const std::int64_t tx = ox + p_.pad_left - kx * p_.dilation_w;
              if (tx < 0 || tx % p_.stride_w) continue;
              const std::int64_t ix = tx / p_.stride_w;
              if (ix >= p_.w_in) continue;
              const float* xp = x + ((n * p_.h_in + iy) * p_.w_in + ix) * p_.c_in;
              for (std::int64_t g = 0; g < p_.groups; ++g) {
                const float* wg = packed_ + (g * taps + ky * p_.kernel_w + kx) * cin_g_ * cout_g_;
                float* ag = acc + g * cout_g_;
                for (std::int64_t ci = 0; ci < cin_g_; ++ci) {
                  const float v = xp[g * cin_g_ + ci];
                  const float* wr = wg + ci * cout_g_;
                  for (std::int64_t co = 0; co < cout_g_; ++co) ag[co] += v * wr[co];
                }
              }
            }
          }
          float* yp = y + ((n * p_.h_out + oy) * p_.w_out + ox) * ldy_;
          for (std::int64_t co = 0; co < p_.c_out; ++co) yp[co] = kernels::apply_activation(p_.epilogue, acc[co]);
        }
      }
    });
  }

 private:
  kernels::ConvTranspose2dParams p_;
  std::int64_t ldy_, cin_g_ = 0, cout_g_ = 0;
  float* packed_ = nullptr;
};

}  // namespace

std::unique_ptr<OpKernel> make_conv_transpose_2x2(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  const ConstTensor* w = constant_or_null(graph, node.input(1));
  const ConstTensor* b = node.has_input(2) ? constant_or_null(graph, node.input(2)) : nullptr;
  if (!w || (node.has_input(2) && !b)) return nullptr;
  const auto p = nhwc_conv_transpose_params(node, graph);
  if (p.kernel_h != 2 || p.kernel_w != 2 || p.stride_h != 2 || p.stride_w != 2 || p.groups != 1 ||
      p.dilation_h != 1 || p.dilation_w != 1 || p.pad_top || p.pad_left || p.pad_bottom || p.pad_right ||
      p.h_out != 2 * p.h_in || p.w_out != 2 * p.w_in)
    return nullptr;
  return std::make_unique<ConvTranspose2x2>(ctx, p, w->data.data(), b ? b->data.data() : nullptr,
                                            out_pixel_stride(node, graph));
}

std::unique_ptr<OpKernel> make_conv_transpose_direct(const Node& node, const Graph& graph, const Context& ctx) {
  if (!is_nhwc(node)) return nullptr;
  const ConstTensor* w = constant_or_null(graph, node.input(1));
  if (!w) throw Error(ErrorCode::UnsupportedModel, describe(node) + ": weights must be a constant");
  return std::make_unique<ConvTransposeDirect>(ctx, nhwc_conv_transpose_params(node, graph), w->data.data(),
                                               out_pixel_stride(node, graph));
}

}  // namespace tarsier::x86_backend
