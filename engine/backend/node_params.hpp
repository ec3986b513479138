#pragma once
// Canonical node attributes (graph/op_type.hpp) -> kernel parameter structs
// (kernels/common). Shared by every backend so that all of them read a node alike.
// Throw Error(UnsupportedModel) naming the node for what no kernel handles (e.g. a
// Conv that is not 2-D).
#include <optional>

#include "graph/graph.hpp"
#include "kernels/common/conv_params.hpp"
#include "kernels/common/epilogue.hpp"
#include "kernels/common/gemm_params.hpp"
#include "kernels/common/pool_params.hpp"
#include "kernels/common/resize_params.hpp"

namespace tarsier {

kernels::Epilogue epilogue_from_attrs(const Node& node);
// The epilogue a standalone activation node (Relu, Clip, LeakyRelu, Sigmoid) applies;
// nullopt for any other op.
std::optional<kernels::Epilogue> activation_op_epilogue(const Node& node);
kernels::Conv2dParams conv2d_params(const Node& node, const Graph& graph);
kernels::ConvTranspose2dParams conv_transpose2d_params(const Node& node, const Graph& graph);
kernels::Pool2dParams pool2d_params(const Node& node, const Graph& graph);
kernels::ResizeParams resize_params(const Node& node, const Graph& graph);
kernels::GemmParams gemm_params(const Node& node, const Graph& graph);

// Bytes of an fp32 value of this shape.
std::size_t float_bytes(const Shape& shape);
// "Conv node 'name'", for messages.
std::string describe(const Node& node);

}  // namespace tarsier
