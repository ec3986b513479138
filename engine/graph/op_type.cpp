#include "graph/op_type.hpp"

#include <array>
#include <utility>

namespace tarsier {
namespace {
constexpr std::array<std::pair<OpType, std::string_view>, 21> kNames{{
    {OpType::Conv, "Conv"},
    {OpType::ConvTranspose, "ConvTranspose"},
    {OpType::BatchNormalization, "BatchNormalization"},
    {OpType::Relu, "Relu"},
    {OpType::Clip, "Clip"},
    {OpType::LeakyRelu, "LeakyRelu"},
    {OpType::Sigmoid, "Sigmoid"},
    {OpType::Softmax, "Softmax"},
    {OpType::MaxPool, "MaxPool"},
    {OpType::AveragePool, "AveragePool"},
    {OpType::GlobalAveragePool, "GlobalAveragePool"},
    {OpType::Add, "Add"},
    {OpType::Mul, "Mul"},
    {OpType::Concat, "Concat"},
    {OpType::Flatten, "Flatten"},
    {OpType::Reshape, "Reshape"},
    {OpType::Gemm, "Gemm"},
    {OpType::MatMul, "MatMul"},
    {OpType::Resize, "Resize"},
    {OpType::Pad, "Pad"},
    {OpType::Transpose, "Transpose"},
}};
}  // namespace

std::string_view op_name(OpType op) {
  for (const auto& [o, n] : kNames)
    if (o == op) return n;
  return "?";
}

std::optional<OpType> parse_op(std::string_view name) {
  for (const auto& [o, n] : kNames)
    if (n == name) return o;
  return std::nullopt;
}

}  // namespace tarsier
