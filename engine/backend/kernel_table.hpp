#pragma once
// Kernel selection as data: a backend is a list of small factory functions, one file per
// op family. A factory returns nullptr when its kernel does not fit the node (wrong kernel
// size, stride, ...), and the next entry for the same op is tried; a backend that has no
// kernel for a node hands it to its fallback backend (ref for the CPU ones). So a SIMD
// backend may cover only the hot ops, and adding an ISA means adding files and a table.
#include <memory>
#include <span>
#include <string>

#include "backend/backend.hpp"

namespace tarsier {

using KernelFactory = std::unique_ptr<OpKernel> (*)(const Node& node, const Graph& graph,
                                                    const KernelContext& context);

struct KernelEntry {
  OpType op;
  KernelFactory make;
};

class TableBackend : public Backend {
 public:
  TableBackend(std::string name, std::span<const KernelEntry> table,
               std::unique_ptr<Backend> fallback = nullptr);
  std::string_view name() const override { return name_; }
  std::unique_ptr<OpKernel> make_kernel(const Node& node, const Graph& graph,
                                        const KernelContext& context) const override;

 private:
  std::string name_;
  std::span<const KernelEntry> table_;
  std::unique_ptr<Backend> fallback_;
};

}  // namespace tarsier
