#pragma once
// A graph made runnable on one backend: passes applied, memory planned, kernels made,
// every pointer fixed. Session = load_tsr + Executor; tests drive an Executor directly
// with hand-built graphs and fake backends.
#include <memory>
#include <span>
#include <tarsier/session.hpp>
#include <vector>

#include "backend/backend.hpp"
#include "graph/graph.hpp"
#include "planner/memory_plan.hpp"

namespace tarsier {

class Executor {
 public:
  // Takes the graph (its constants stay where they are: the mmapped file) and the backend.
  Executor(Graph graph, std::unique_ptr<Backend> backend, const KernelContext& context);
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  std::size_t input_count() const { return inputs_.size(); }
  std::size_t output_count() const { return outputs_.size(); }
  const TensorShape& input_shape(std::size_t i) const;
  const TensorShape& output_shape(std::size_t i) const;
  std::span<float> input(std::size_t i);
  std::span<const float> output(std::size_t i) const;
  // No heap allocation: copies staged inputs in (device backends), executes the prepared
  // launches, synchronizes, copies staged outputs out.
  void run();
  // run() with each step timed to its end (after synchronize): layer_ms[i] gets the
  // milliseconds of layers()[i], 0 for steps that execute nothing. No heap allocation.
  // Defined in profiling.cpp.
  void run_profiled(std::span<double> layer_ms);

  const Graph& graph() const { return graph_; }  // after passes
  const Backend& backend() const { return *backend_; }
  const MemoryPlan& plan() const { return plan_; }
  const std::vector<LayerInfo>& layers() const { return layers_; }
  std::size_t weight_bytes() const { return weight_bytes_; }
  // The graph's constants as fp32 (what the kernels' weight_bytes() compare against).
  std::size_t model_weight_bytes() const {
    std::size_t bytes = 0;
    for (const auto& [name, tensor] : graph_.constants) bytes += tensor.data.size() * sizeof(float);
    return bytes;
  }

 private:
  // One node as executed: its kernel and the pointers it reads and writes.
  struct Step {
    std::unique_ptr<OpKernel> kernel;
    std::vector<const float*> inputs;
    std::vector<float*> outputs;
    std::span<std::byte> workspace;
  };
  // A graph input or output as the caller sees it.
  struct Port {
    TensorShape shape;
    std::size_t count = 0;
    std::byte* arena = nullptr;       // where it lives for the backend (null: a constant output)
    const float* constant = nullptr;  // a graph output that is a constant
    std::vector<float> staging;       // host copy when the backend's memory is not host visible
  };

  std::vector<std::unique_ptr<OpKernel>> make_kernels(const AliasInfo& aliases, const KernelContext& context);
  std::byte* address_of(const std::string& value) const;
  Port make_port(const std::string& name, bool staged) const;

  Graph graph_;
  std::unique_ptr<Backend> backend_;
  MemoryPlan plan_;
  std::unique_ptr<Buffer> arena_;
  std::vector<Step> steps_;
  std::vector<KernelLaunch> launches_;  // views of steps_, handed to the backend each run
  std::vector<LayerInfo> layers_;
  std::vector<Port> inputs_, outputs_;
  std::size_t weight_bytes_ = 0;
};

}  // namespace tarsier
