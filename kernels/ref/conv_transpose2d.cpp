#include "kernels/ref/conv_transpose2d.hpp"

#include "kernels/ref/conv_index.hpp"

namespace tarsier::ref {

// Scatter form: every input pixel adds w * x into the outputs its kernel covers,
// oh = ih*stride - pad + kh*dilation. The output plane of one channel is finished
// (all its input channels scattered) before the next, so it stays in cache.
void conv_transpose2d(const kernels::ConvTranspose2dParams& p, const float* x, const float* w,
                      const float* bias, float* y) {
  const std::int64_t cin_g = p.c_in / p.groups;
  const std::int64_t cout_g = p.c_out / p.groups;
  const std::int64_t x_plane = p.h_in * p.w_in;
  const std::int64_t y_plane = p.h_out * p.w_out;
  const std::int64_t taps = p.kernel_h * p.kernel_w;

  for (std::int64_t b = 0; b < p.n; ++b) {
    for (std::int64_t oc = 0; oc < p.c_out; ++oc) {
      const std::int64_t g = oc / cout_g;
      const std::int64_t ocg = oc - g * cout_g;
      float* __restrict yp = y + (b * p.c_out + oc) * y_plane;
      const float b0 = bias != nullptr ? bias[oc] : 0.0f;
      for (std::int64_t i = 0; i < y_plane; ++i) yp[i] = b0;

      for (std::int64_t icg = 0; icg < cin_g; ++icg) {
        const std::int64_t ic = g * cin_g + icg;
        const float* __restrict xc = x + (b * p.c_in + ic) * x_plane;
        const float* wk = w + (ic * cout_g + ocg) * taps;
        for (std::int64_t kh = 0; kh < p.kernel_h; ++kh) {
          const detail::Range rows =
              detail::valid_outputs(p.h_in, p.h_out, p.stride_h, kh * p.dilation_h - p.pad_top);
          for (std::int64_t kw = 0; kw < p.kernel_w; ++kw) {
            const std::int64_t offset = kw * p.dilation_w - p.pad_left;
            const detail::Range cols = detail::valid_outputs(p.w_in, p.w_out, p.stride_w, offset);
            const float wv = wk[kh * p.kernel_w + kw];
            for (std::int64_t ih = rows.begin; ih < rows.end; ++ih) {
              const std::int64_t oh = ih * p.stride_h + kh * p.dilation_h - p.pad_top;
              float* __restrict yr = yp + oh * p.w_out;
              const float* __restrict xr = xc + ih * p.w_in;
              for (std::int64_t iw = cols.begin; iw < cols.end; ++iw) yr[iw * p.stride_w + offset] += wv * xr[iw];
            }
          }
        }
      }

      if (p.epilogue.act != kernels::Activation::None) {
        for (std::int64_t i = 0; i < y_plane; ++i) yp[i] = kernels::apply_activation(p.epilogue, yp[i]);
      }
    }
  }
}

}  // namespace tarsier::ref
