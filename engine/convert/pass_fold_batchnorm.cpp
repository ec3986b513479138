#include <cmath>

#include "convert/passes.hpp"

namespace tarsier::convert {

void fold_batch_norm(Graph& graph, ConvertStats& stats) {
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& bn = graph.nodes[i];
    if (bn.op != OpType::BatchNormalization) continue;
    const int conv = sole_conv_producer(graph, bn.input(0));
    if (conv < 0) continue;
    bool params_constant = true;
    for (std::size_t k = 1; k <= 4; ++k) params_constant = params_constant && graph.is_constant(bn.input(k));
    if (!params_constant) continue;
    const auto& gamma = graph.constants.at(bn.input(1)).data;
    const auto& beta = graph.constants.at(bn.input(2)).data;
    const auto& mean = graph.constants.at(bn.input(3)).data;
    const auto& var = graph.constants.at(bn.input(4)).data;
    const auto channels = static_cast<std::size_t>(conv_output_channels(graph, graph.nodes[conv]));
    if (gamma.size() != channels || beta.size() != channels || mean.size() != channels || var.size() != channels)
      continue;
    const double eps = bn.attrs.get_float("epsilon", 1e-5);
    std::vector<double> scale(channels), shift(channels);
    for (std::size_t c = 0; c < channels; ++c) {
      scale[c] = static_cast<double>(gamma[c]) / std::sqrt(static_cast<double>(var[c]) + eps);
      shift[c] = static_cast<double>(beta[c]) - static_cast<double>(mean[c]) * scale[c];
    }
    absorb_into_conv(graph, conv, static_cast<int>(i), scale, shift);
    ++stats.folded_batchnorms;
    --i;  // the BatchNormalization at i is gone
  }
}

}  // namespace tarsier::convert
