#include <tarsier/error.hpp>

#include "backend/kernel_table.hpp"

namespace tarsier {

TableBackend::TableBackend(std::string name, std::span<const KernelEntry> table,
                           std::unique_ptr<Backend> fallback)
    : name_(std::move(name)), table_(table), fallback_(std::move(fallback)) {}

std::unique_ptr<OpKernel> TableBackend::make_kernel(const Node& node, const Graph& graph,
                                                    const KernelContext& context) const {
  for (const KernelEntry& entry : table_) {
    if (entry.op != node.op) continue;
    if (auto kernel = entry.make(node, graph, context)) return kernel;
  }
  if (fallback_) return fallback_->make_kernel(node, graph, context);
  throw Error(ErrorCode::UnsupportedModel, "backend '" + name_ + "' has no kernel for " +
                                               std::string(op_name(node.op)) + " node '" + node.name + "'");
}

}  // namespace tarsier
