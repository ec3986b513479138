#pragma once
// Kernel factories of the x86 backend, one file per op family, and what they
// share. A factory returns nullptr when its algorithm does not fit the node;
// the table in x86_backend.cpp lists them best first. Nodes marked NHWC
// (nhwc_rewrite.hpp) must be taken by some factory here: the ref backend only
// understands NCHW.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "backend/x86/nhwc_rewrite.hpp"
#include "backend/x86/x86_backend.hpp"
#include "kernels/common/conv_params.hpp"
#include "kernels/common/pool_params.hpp"
#include "kernels/common/resize_params.hpp"
#include "kernels/x86/layout/nhwc_ops.hpp"

namespace tarsier::x86_backend {

// Base of the x86 kernels: a name ("avx512.conv3x3_winograd_f4"), packed
// weights it owns, and its workspace: `chunks` per-thread slices of
// `slice_floats` each.
class X86Kernel : public OpKernel {
 public:
  X86Kernel(const Context& context, std::string algorithm);
  std::string_view name() const override { return name_; }
  std::size_t workspace_bytes() const override { return chunks_ * slice_floats_ * sizeof(float); }
  std::size_t weight_bytes() const override { return weight_bytes_; }

 protected:
  // Reserves a per-chunk workspace of `floats` (rounded to whole cache lines)
  // for `chunks`.
  void set_workspace(std::int64_t chunks, std::size_t floats);
  float* slice(const ExecArgs& args, std::int64_t chunk) const;
  float* own_floats(std::size_t count);  // packed weights, 64-byte aligned,
                                         // owned by the kernel
  void count_weights(std::size_t bytes) { weight_bytes_ += bytes; }

  x86::Isa isa_;
  const Parallel* parallel_;

 private:
  std::string name_;
  std::size_t chunks_ = 0, slice_floats_ = 0, weight_bytes_ = 0;
  WeightPool* pool_;
  std::vector<std::unique_ptr<Buffer>> buffers_;
};

const char* isa_prefix(x86::Isa isa);

// Parameters of an NHWC node (its values' shapes are stored [n][h][w][c]).
kernels::Conv2dParams nhwc_conv_params(const Node& node, const Graph& graph);
kernels::ConvTranspose2dParams nhwc_conv_transpose_params(const Node& node, const Graph& graph);
kernels::Pool2dParams nhwc_pool_params(const Node& node, const Graph& graph);
kernels::ResizeParams nhwc_resize_params(const Node& node, const Graph& graph);
// Floats between consecutive output pixels: kOutPixelStride, or the output's
// channels.
std::int64_t out_pixel_stride(const Node& node, const Graph& graph);
const ConstTensor* constant_or_null(const Graph& graph, const std::string& value);

// conv_gemm_kernel.cpp
std::unique_ptr<OpKernel> make_conv1x1_gemm(const Node&, const Graph&, const Context&);
std::unique_ptr<OpKernel> make_conv_im2col_gemm(const Node&, const Graph&, const Context&);
// conv_winograd_kernel.cpp
std::unique_ptr<OpKernel> make_conv_winograd(const Node&, const Graph&, const Context&);
WinogradWeightPlan plan_winograd_weights(const Graph& graph, x86::Isa isa);
// conv_depthwise_kernel.cpp
std::unique_ptr<OpKernel> make_conv_depthwise(const Node&, const Graph&, const Context&);
// conv_transpose_kernel.cpp
std::unique_ptr<OpKernel> make_conv_transpose_2x2(const Node&, const Graph&, const Context&);
std::unique_ptr<OpKernel> make_conv_transpose_direct(const Node&, const Graph&, const Context&);
// fc_kernel.cpp
std::unique_ptr<OpKernel> make_fc_gemm(const Node&, const Graph&, const Context&);
// elementwise_kernel.cpp
std::unique_ptr<OpKernel> make_activation(const Node&, const Graph&, const Context&);
std::unique_ptr<OpKernel> make_binary(const Node&, const Graph&, const Context&);
std::unique_ptr<OpKernel> make_batch_norm(const Node&, const Graph&, const Context&);
// pool_kernel.cpp
std::unique_ptr<OpKernel> make_max_pool(const Node&, const Graph&, const Context&);
std::unique_ptr<OpKernel> make_avg_pool(const Node&, const Graph&, const Context&);
std::unique_ptr<OpKernel> make_global_avg_pool(const Node&, const Graph&, const Context&);
// resize_kernel.cpp
std::unique_ptr<OpKernel> make_resize(const Node&, const Graph&, const Context&);
// layout_kernel.cpp
std::unique_ptr<OpKernel> make_concat(const Node&, const Graph&, const Context&);
std::unique_ptr<OpKernel> make_transpose(const Node&, const Graph&, const Context&);

}  // namespace tarsier::x86_backend
