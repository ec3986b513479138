#include "backend/x86/x86_backend.hpp"

#include <array>
#include <tarsier/error.hpp>

#include "backend/node_params.hpp"
#include "backend/ref/ref_backend.hpp"
#include "backend/x86/nhwc_rewrite.hpp"
#include "backend/x86/x86_kernels.hpp"
#include "kernels/x86/cpu_features.hpp"

namespace tarsier::x86_backend {
namespace {

// Best first: a factory declines (nullptr) when its algorithm does not fit the node.
constexpr std::array kTable{
    Entry{OpType::Conv, &make_conv_winograd},
    Entry{OpType::Conv, &make_conv_depthwise},
    Entry{OpType::Conv, &make_conv1x1_gemm},
    Entry{OpType::Conv, &make_conv_im2col_gemm},
    Entry{OpType::ConvTranspose, &make_conv_transpose_2x2},
    Entry{OpType::ConvTranspose, &make_conv_transpose_direct},
    Entry{OpType::Gemm, &make_fc_gemm},
    Entry{OpType::MaxPool, &make_max_pool},
    Entry{OpType::AveragePool, &make_avg_pool},
    Entry{OpType::GlobalAveragePool, &make_global_avg_pool},
    Entry{OpType::Resize, &make_resize},
    Entry{OpType::Relu, &make_activation},
    Entry{OpType::Clip, &make_activation},
    Entry{OpType::LeakyRelu, &make_activation},
    Entry{OpType::Sigmoid, &make_activation},
    Entry{OpType::Add, &make_binary},
    Entry{OpType::Mul, &make_binary},
    Entry{OpType::BatchNormalization, &make_batch_norm},
    Entry{OpType::Concat, &make_concat},
    Entry{OpType::Transpose, &make_transpose},
};

// NHWC nodes whose ref kernel is shape-generic, so it computes the right thing on the
// stored NHWC shapes and remapped attributes (as long as it writes densely).
bool ref_handles_nhwc(const Node& node) {
  if (node.attrs.has(kOutPixelStride)) return false;
  switch (node.op) {
    case OpType::Pad:
    case OpType::Relu:
    case OpType::Clip:
    case OpType::LeakyRelu:
    case OpType::Sigmoid:
    case OpType::Add:
    case OpType::Mul:
    case OpType::Concat:
      return !node.attrs.has(kInPlaceAttr);
    default:
      return false;
  }
}

}  // namespace

X86Backend::X86Backend(x86::Isa isa) : isa_(isa), parallel_(std::make_unique<Parallel>(1)), ref_(make_ref_backend()) {}

std::string_view X86Backend::name() const { return x86::isa_name(isa_); }

void X86Backend::prepare(Graph& graph, const KernelContext& context) {
  parallel_ = std::make_unique<Parallel>(context.threads);
  rewrite_to_nhwc(graph);
  mark_concat_slices(graph);
  winograd_ = plan_winograd_weights(graph, isa_);
  // Packed weights are the raw ones plus the stored Winograd share (within the plan's budget)
  // and panel padding; the reservation is generous because untouched pages cost nothing.
  std::size_t raw = 0;
  for (const auto& [name, tensor] : graph.constants) raw += tensor.data.size() * sizeof(float);
  weights_ = std::make_unique<WeightPool>(5 * raw + (std::size_t{64} << 20));
}

std::unique_ptr<OpKernel> X86Backend::make_kernel(const Node& node, const Graph& graph,
                                                  const KernelContext& context) const {
  const Context ctx{isa_, parallel_.get(), &winograd_, weights_.get()};
  for (const Entry& entry : kTable) {
    if (entry.op != node.op) continue;
    if (auto kernel = entry.make(node, graph, ctx)) return kernel;
  }
  if (is_nhwc(node) && !ref_handles_nhwc(node))
    throw Error(ErrorCode::Internal, describe(node) + " is NHWC but no " + std::string(name()) +
                                         " kernel takes it (the ref backend reads NCHW)");
  return ref_->make_kernel(node, graph, context);
}

void X86Backend::execute(std::span<const KernelLaunch> launches) const {
  parallel_->run([&] {
    for (const KernelLaunch& launch : launches) launch.kernel->run(launch.args);
  });
}

bool avx2_available() { return x86::has_isa(x86::Isa::Avx2); }
bool avx512_available() { return x86::has_isa(x86::Isa::Avx512); }
std::unique_ptr<Backend> make_avx2_backend() { return std::make_unique<X86Backend>(x86::Isa::Avx2); }
std::unique_ptr<Backend> make_avx512_backend() { return std::make_unique<X86Backend>(x86::Isa::Avx512); }

}  // namespace tarsier::x86_backend
