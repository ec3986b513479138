#pragma once
// The x86 backend's layout pass: 4-D activations between NHWC-capable ops are stored NHWC,
// layout changes only at graph edges and around NCHW-only ops.
//
//  - NHWC-capable ("forced"): Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool,
//    BatchNormalization, Resize of H/W, Concat on axis 1. "Following" ops (Relu, Clip,
//    LeakyRelu, Sigmoid, Pad, Add/Mul of same-shaped tensors or with per-channel / scalar
//    constants) take NHWC when one of their inputs is NHWC. Everything else (Flatten,
//    Reshape, Transpose, Softmax, Gemm, MatMul...) reads NCHW.
//  - An NHWC node carries attribute layout = "nhwc"; its values' shapes are recorded in
//    NHWC order and its layout-dependent attributes are remapped so that they describe the
//    stored tensor (Concat axis 1 -> 3, Pad pads, Resize scales/sizes, per-channel constants
//    of Add/Mul -> shape [C]). Conv/pool attributes are spatial and need no change.
//  - Conversions are Transpose nodes (perm 0,2,3,1 / 0,3,1,2), or Reshape (an alias: no
//    copy) when H = W = 1. An input already NHWC (Keras: input -> Transpose(0,3,1,2) ->
//    conv) cancels: the conv reads the input directly and the dead Transpose is removed; a
//    Transpose(0,2,3,1) of an NHWC value becomes a Reshape.
//  - Graph inputs and outputs keep their names and NCHW shapes.
#include "graph/graph.hpp"

namespace tarsier::x86_backend {

inline constexpr const char* kLayoutAttr = "layout";
inline constexpr const char* kNhwc = "nhwc";
// On a producer writing into a concat slice: floats between consecutive output pixels.
inline constexpr const char* kOutPixelStride = "out_pixel_stride";
// On a Concat: one flag per input, 1 when that input lives in its slice of the output
// (planner/aliasing.cpp places it there; the Concat copies only the others).
inline constexpr const char* kInPlaceAttr = "in_place";

bool is_nhwc(const Node& node);

struct NhwcReport {
  int nhwc_nodes = 0;
  int transposes = 0;   // layout conversions that copy
  int aliases = 0;      // conversions of 1x1 images (Reshape, no copy)
  int cancelled = 0;    // input transposes absorbed (the data already was NHWC)
};

NhwcReport rewrite_to_nhwc(Graph& graph);

// Concat inputs that can be written straight into their channel slice: produced by an NHWC
// op whose x86 kernel writes with a pixel stride, read by nothing else, not a graph input
// or output. Sets kInPlaceAttr on the Concat and kOutPixelStride on the producers.
// Returns the number of inputs placed in their slice.
int mark_concat_slices(Graph& graph);

}  // namespace tarsier::x86_backend
