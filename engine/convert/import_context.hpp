#pragma once
// State of one ONNX -> IR import: the IR graph being built, the values known at convert
// time, and the aliases left by removed Identity-like nodes.
#include <onnx/onnx_pb.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "convert/converter.hpp"
#include "convert/fold_tensor.hpp"
#include "graph/graph.hpp"

namespace tarsier::convert {

class ImportContext {
 public:
  ImportContext(std::int64_t opset, ConvertStats& stats) : opset_(opset), stats_(stats) {}

  std::int64_t opset() const { return opset_; }
  ConvertStats& stats() { return stats_; }
  Graph& graph() { return graph_; }
  Graph take_graph() { return std::move(graph_); }

  // Every name in the ONNX file, so generated names never collide with one.
  void reserve_name(const std::string& name) { used_names_.insert(name); }
  std::string fresh_name(const std::string& base);

  // Values known at convert time.
  void set_constant(const std::string& name, FoldTensor value);
  // A value computed by folding. Each fold is capped (kMaxFoldElements); the total is
  // capped too, so a chain of amplifying nodes in a hostile file cannot exhaust memory.
  void set_folded(const std::string& name, FoldTensor value);
  const FoldTensor* constant(std::string_view name) const;
  bool is_constant(std::string_view name) const { return constant(name) != nullptr; }

  // `name` now stands for `target` (a removed Identity/Dropout/Cast output).
  void set_alias(const std::string& name, const std::string& target);
  const std::string& resolve(const std::string& name) const;

  // How many ONNX nodes (and graph outputs) read `name`: extra outputs such as MaxPool's
  // Indices can only be dropped when nobody reads them.
  void add_use(const std::string& name) { ++uses_[name]; }
  int uses(std::string_view name) const {
    auto it = uses_.find(name);
    return it == uses_.end() ? 0 : it->second;
  }

  // Shape of a runtime value or a constant; Error(InvalidModel) if unknown.
  const Shape& shape_of(const std::string& name) const;
  bool has_shape(std::string_view name) const;

  // Name of an fp32 IR constant holding ONNX constant `name`, created on first use.
  // Rank-0 constants become [1]: same broadcasting for the ranked tensors they meet.
  std::string ir_constant(const std::string& name);
  // A new IR constant under a fresh name derived from `base`.
  std::string add_ir_constant(const std::string& base, ConstTensor value);

  // Appends an IR node (names it uniquely if needed), infers its output shape with
  // infer_node_shapes and records it.
  void emit(Node node);

 private:
  std::int64_t opset_;
  ConvertStats& stats_;
  Graph graph_;
  std::map<std::string, FoldTensor, std::less<>> constants_;
  std::map<std::string, std::string, std::less<>> aliases_;
  std::set<std::string, std::less<>> used_names_;
  std::set<std::string, std::less<>> node_names_;
  std::map<std::string, int, std::less<>> uses_;
  std::int64_t folded_elements_ = 0;
};

}  // namespace tarsier::convert
