#include "backend/ref/ref_backend.hpp"

#include <array>

#include "backend/ref/ref_kernels.hpp"

namespace tarsier {
namespace {

using namespace ref_backend;

constexpr std::array kRefKernels{
    KernelEntry{OpType::Conv, &make_conv},
    KernelEntry{OpType::ConvTranspose, &make_conv_transpose},
    KernelEntry{OpType::BatchNormalization, &make_batch_norm},
    KernelEntry{OpType::Relu, &make_activation},
    KernelEntry{OpType::Clip, &make_activation},
    KernelEntry{OpType::LeakyRelu, &make_activation},
    KernelEntry{OpType::Sigmoid, &make_activation},
    KernelEntry{OpType::Softmax, &make_softmax},
    KernelEntry{OpType::MaxPool, &make_max_pool},
    KernelEntry{OpType::AveragePool, &make_avg_pool},
    KernelEntry{OpType::GlobalAveragePool, &make_global_avg_pool},
    KernelEntry{OpType::Add, &make_binary},
    KernelEntry{OpType::Mul, &make_binary},
    KernelEntry{OpType::Concat, &make_concat},
    KernelEntry{OpType::Flatten, &make_copy},
    KernelEntry{OpType::Reshape, &make_copy},
    KernelEntry{OpType::Gemm, &make_gemm},
    KernelEntry{OpType::MatMul, &make_matmul},
    KernelEntry{OpType::Resize, &make_resize},
    KernelEntry{OpType::Pad, &make_pad},
    KernelEntry{OpType::Transpose, &make_transpose},
};

}  // namespace

std::size_t ref_backend::constant_input_bytes(const Node& node, const Graph& graph) {
  std::size_t bytes = 0;
  for (const auto& in : node.inputs)
    if (auto it = graph.constants.find(in); it != graph.constants.end())
      bytes += it->second.data.size() * sizeof(float);
  return bytes;
}

std::unique_ptr<Backend> make_ref_backend() { return std::make_unique<TableBackend>("ref", kRefKernels); }

}  // namespace tarsier
