#pragma once
// Graph rewrites run at load time. Each is a small pattern rewrite in its own file that
// keeps the graph's input and output names, and every value name a later node reads.
#include "graph/graph.hpp"

namespace tarsier {

// Conv + Add(other) [+ Relu...] -> Conv with `other` as its 4th (residual) input, when the
// conv output has no other reader, is not a graph output, and `other` has the conv
// output's shape. The fused Conv takes the Add's place in the node order (its residual
// may be computed after the conv). Returns the number of rewrites.
int fuse_conv_add(Graph& graph);

// Conv / ConvTranspose / Gemm / Add + Relu | Clip | LeakyRelu | Sigmoid -> the producer with
// the fused epilogue attributes (activation, alpha, clip_min, clip_max), when the
// producer has no activation yet and its output has no other reader and is not a graph
// output. Returns the number of rewrites.
int fuse_activation(Graph& graph);

struct PassReport {
  int conv_add = 0;
  int activation = 0;
};

// The load-time pipeline, in order: fuse_conv_add, then fuse_activation (so that
// Conv + Add + Relu ends as one node).
PassReport run_load_passes(Graph& graph);

}  // namespace tarsier
