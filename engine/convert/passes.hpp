#pragma once
// Graph rewrites done once at convert time, each exact up to float rounding and each
// keeping graph output names.
#include <string>

#include "convert/converter.hpp"
#include "graph/graph.hpp"

namespace tarsier::convert {

// Removes nodes nothing reads (transitively) and constants no node reads.
void eliminate_dead_code(Graph& graph, ConvertStats& stats);

// Conv/ConvTranspose -> BatchNormalization becomes one conv with rescaled weights and
// bias (computed in double) when the conv output feeds only the BatchNormalization.
void fold_batch_norm(Graph& graph, ConvertStats& stats);

// Conv/ConvTranspose -> Mul/Add by a per-channel (or scalar) constant becomes one conv.
void fold_channel_affine(Graph& graph, ConvertStats& stats);

// The conv producing `value` when that conv's output is read by nothing else (so it may
// be rewritten), or -1.
int sole_conv_producer(const Graph& graph, const std::string& value);
// Output channel count of a Conv/ConvTranspose node.
std::int64_t conv_output_channels(const Graph& graph, const Node& conv);
// Replaces the conv's weights by W * scale[oc] and its bias by b * scale[oc] + shift[oc]
// (in double), then makes the conv write `follower`'s output and removes `follower`.
void absorb_into_conv(Graph& graph, int conv_index, int follower_index, const std::vector<double>& scale,
                      const std::vector<double>& shift);

// A value name not yet used by the graph, derived from `base`.
std::string unused_value_name(const Graph& graph, const std::string& base);

// Output channel of every weight element of a conv (Conv: axis 0; ConvTranspose: axis 1
// within each group), so per-channel rescaling works for both.
std::vector<std::int64_t> weight_output_channels(const Node& conv, const Shape& weight_shape);

}  // namespace tarsier::convert
