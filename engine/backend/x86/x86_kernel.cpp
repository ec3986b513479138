// What the x86 kernel factories share: the kernel base class and NHWC parameter readers.
#include <tarsier/error.hpp>

#include "backend/node_params.hpp"
#include "backend/x86/x86_kernels.hpp"

namespace tarsier::x86_backend {

const char* isa_prefix(x86::Isa isa) { return isa == x86::Isa::Avx512 ? "avx512." : "avx2."; }

X86Kernel::X86Kernel(const Context& context, std::string algorithm)
    : isa_(context.isa),
      parallel_(context.parallel),
      name_(isa_prefix(context.isa) + std::move(algorithm)),
      pool_(context.weights) {}

void X86Kernel::set_workspace(std::int64_t chunks, std::size_t floats) {
  chunks_ = static_cast<std::size_t>(std::max<std::int64_t>(chunks, 1));
  slice_floats_ = floats == 0 ? 0 : (floats + 15) / 16 * 16;
}

float* X86Kernel::slice(const ExecArgs& args, std::int64_t chunk) const {
  return reinterpret_cast<float*>(args.workspace.data()) + static_cast<std::size_t>(chunk) * slice_floats_;
}

float* X86Kernel::own_floats(std::size_t count) {
  if (pool_) {
    weight_bytes_ += count * sizeof(float);
    return pool_->allocate(count);
  }
  buffers_.push_back(std::make_unique<HostBuffer>(std::max<std::size_t>(count, 1) * sizeof(float)));
  weight_bytes_ += count * sizeof(float);
  return reinterpret_cast<float*>(buffers_.back()->data());
}

const ConstTensor* constant_or_null(const Graph& graph, const std::string& value) {
  auto it = graph.constants.find(value);
  return it == graph.constants.end() ? nullptr : &it->second;
}

namespace {

Shape to_nchw(const Shape& s) { return s.size() == 4 ? Shape{s[0], s[3], s[1], s[2]} : s; }

// The node's values with NCHW shapes, so that the shared readers of node_params.hpp apply.
Graph nchw_view(const Node& node, const Graph& graph) {
  Graph view;
  for (const auto& v : node.inputs) {
    if (v.empty()) continue;
    if (const ConstTensor* c = constant_or_null(graph, v)) view.constants.emplace(v, *c);
    else view.shapes[v] = to_nchw(graph.shape_of(v));
  }
  for (const auto& v : node.outputs)
    if (!v.empty()) view.shapes[v] = to_nchw(graph.shape_of(v));
  return view;
}

}  // namespace

kernels::Conv2dParams nhwc_conv_params(const Node& node, const Graph& graph) {
  return conv2d_params(node, nchw_view(node, graph));
}

kernels::ConvTranspose2dParams nhwc_conv_transpose_params(const Node& node, const Graph& graph) {
  return conv_transpose2d_params(node, nchw_view(node, graph));
}

kernels::Pool2dParams nhwc_pool_params(const Node& node, const Graph& graph) {
  return pool2d_params(node, nchw_view(node, graph));
}

kernels::ResizeParams nhwc_resize_params(const Node& node, const Graph& graph) {
  Node nchw = node;  // scales/sizes were remapped to NHWC order by the layout pass
  if (auto s = node.attrs.get_floats("scales", {}); s.size() == 4)
    nchw.attrs.set("scales", std::vector<double>{s[0], s[3], s[1], s[2]});
  if (auto s = node.attrs.get_ints("sizes", {}); s.size() == 4)
    nchw.attrs.set("sizes", std::vector<std::int64_t>{s[0], s[3], s[1], s[2]});
  return resize_params(nchw, nchw_view(node, graph));
}

std::int64_t out_pixel_stride(const Node& node, const Graph& graph) {
  const Shape& y = graph.shape_of(node.outputs.at(0));
  const std::int64_t channels = y.empty() ? 1 : y.back();
  const std::int64_t stride = node.attrs.get_int(kOutPixelStride, channels);
  if (stride < channels)
    throw Error(ErrorCode::Internal, describe(node) + ": output pixel stride " + std::to_string(stride) +
                                         " below its " + std::to_string(channels) + " channels");
  return stride;
}

}  // namespace tarsier::x86_backend
