#pragma once
// A deliberately plain evaluator (double precision, nested loops) for the few IR ops the
// converter tests need to check rewrites numerically: Conv, ConvTranspose,
// BatchNormalization, Add, Mul, Relu, Reshape.
#include <vector>

#include "graph/graph.hpp"

namespace tarsier::test {

struct RefTensor {
  Shape shape;
  std::vector<double> v;
};

RefTensor ref_conv(const RefTensor& x, const RefTensor& w, const RefTensor* b, const Attributes& a);
RefTensor ref_conv_transpose(const RefTensor& x, const RefTensor& w, const RefTensor* b, const Attributes& a);
// Inference-mode batch norm over axis 1.
RefTensor ref_batch_norm(const RefTensor& x, const std::vector<double>& gamma, const std::vector<double>& beta,
                         const std::vector<double>& mean, const std::vector<double>& var, double eps);

// Runs the graph on one input; returns the first graph output.
RefTensor ref_run(const Graph& graph, const RefTensor& input);

RefTensor to_ref(const ConstTensor& t);

}  // namespace tarsier::test
