#pragma once
// The small graphs the runtime tests run: each stresses one pass or planner rule.
#include <string>
#include <vector>

#include "runtime/graph_builder.hpp"

namespace tarsier::test {

struct NamedGraph {
  std::string name;
  Graph graph;
};

Graph conv_relu_graph();         // Conv -> Relu
Graph residual_graph();          // two ResNet basic blocks, the second with a strided 1x1 shortcut
Graph unet_graph();              // encoder/decoder with channel-concat skips
Graph reshape_chain_graph();     // Conv -> Reshape -> Reshape -> Flatten -> Gemm -> Softmax
Graph concat_fallback_graph();   // concats that cannot be done in place, and one that can
Graph late_residual_graph();     // Add's other operand is produced after the conv
Graph epilogue_variety_graph();  // Conv+Clip, Conv+LeakyRelu, ConvTranspose+Sigmoid, Gemm+Relu, no-fuse cases

std::vector<NamedGraph> all_test_graphs();

}  // namespace tarsier::test
