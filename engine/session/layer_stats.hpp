#pragma once
// Per-layer figures for inspect/bench: the op label after fusion, FLOPs and parameters.
#include <cstdint>
#include <string>

#include "graph/graph.hpp"

namespace tarsier {

// "Conv", "Conv+Add+Relu", "Gemm+Sigmoid", ...
std::string fused_op_label(const Node& node);
// Multiply-adds count 2; elementwise ops count one per output element (plus one per
// fused epilogue step); data movement (Concat, Reshape, Pad, Transpose) counts 0.
std::int64_t node_flops(const Node& node, const Graph& graph);
// Elements of the node's constant inputs.
std::int64_t node_parameters(const Node& node, const Graph& graph);

}  // namespace tarsier
