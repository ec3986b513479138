#include "session/executor.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "passes/passes.hpp"
#include "session/layer_stats.hpp"

namespace tarsier {

Executor::Executor(Graph graph, std::unique_ptr<Backend> backend, const KernelContext& context)
    : graph_(std::move(graph)), backend_(std::move(backend)) {
  topological_sort(graph_);
  run_load_passes(graph_);
  backend_->prepare(graph_, context);

  const AliasInfo aliases = find_aliases(graph_);
  std::vector<std::unique_ptr<OpKernel>> kernels = make_kernels(aliases, context);
  std::vector<std::size_t> workspace(graph_.nodes.size(), 0);
  for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
    if (!kernels[i]) continue;
    workspace[i] = kernels[i]->workspace_bytes();
    weight_bytes_ += kernels[i]->weight_bytes();
  }
  plan_ = plan_memory(graph_, aliases, workspace);
  arena_ = backend_->allocate(std::max<std::size_t>(plan_.arena_bytes, kArenaAlignment));

  for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
    const Node& node = graph_.nodes[i];
    Step step;
    step.kernel = std::move(kernels[i]);
    for (const auto& in : node.inputs) {
      if (in.empty())
        step.inputs.push_back(nullptr);
      else if (auto c = graph_.constants.find(in); c != graph_.constants.end())
        step.inputs.push_back(backend_->constant_data(c->second));
      else
        step.inputs.push_back(reinterpret_cast<const float*>(address_of(in)));
    }
    for (const auto& out : node.outputs) step.outputs.push_back(reinterpret_cast<float*>(address_of(out)));
    if (plan_.workspaces[i].bytes)
      step.workspace = std::span<std::byte>(arena_->data() + plan_.workspaces[i].offset, plan_.workspaces[i].bytes);

    LayerInfo layer;
    layer.name = node.name;
    layer.op = fused_op_label(node);
    switch (plan_.steps[i]) {
      case StepKind::Execute:
        layer.kernel = std::string(step.kernel->name());
        break;
      case StepKind::Alias:
        layer.kernel = "alias";
        break;
      case StepKind::InPlaceConcat:
        layer.kernel = "concat.in_place";
        break;
    }
    // A backend that stores a layer's activations NHWC marks it "layout: nhwc" (x86); shapes
    // are reported in the graph's NCHW order all the same, with the layout beside them.
    layer.layout = node.attrs.get_string("layout", "");
    const bool nhwc = layer.layout == "nhwc";
    auto logical = [&](const Shape& s) { return nhwc && s.size() == 4 ? Shape{s[0], s[3], s[1], s[2]} : s; };
    for (const auto& in : node.inputs) {
      if (in.empty())
        layer.input_shapes.emplace_back();
      else if (graph_.is_constant(in))
        layer.input_shapes.push_back(graph_.shape_of(in));
      else
        layer.input_shapes.push_back(logical(graph_.shape_of(in)));
    }
    if (!node.outputs.empty()) layer.output_shape = logical(graph_.shape_of(node.outputs[0]));
    layer.flops = node_flops(node, graph_);
    layer.parameters = node_parameters(node, graph_);
    layers_.push_back(std::move(layer));
    if (step.kernel) steps_.push_back(std::move(step));
  }
  // Built once the steps are final: the spans point into each step's own vectors.
  for (const Step& step : steps_)
    launches_.push_back(KernelLaunch{step.kernel.get(), ExecArgs{step.inputs, step.outputs, step.workspace}});

  const bool staged = !backend_->host_visible();
  for (const auto& name : graph_.inputs) inputs_.push_back(make_port(name, staged));
  for (const auto& name : graph_.outputs) outputs_.push_back(make_port(name, staged));
}

std::byte* Executor::address_of(const std::string& value) const {
  return arena_->data() + plan_.values.at(value).offset;
}

Executor::Port Executor::make_port(const std::string& name, bool staged) const {
  Port port;
  port.shape = TensorShape{name, graph_.shape_of(name)};
  port.count = static_cast<std::size_t>(element_count(port.shape.shape));
  if (auto c = graph_.constants.find(name); c != graph_.constants.end())
    port.constant = c->second.data.data();
  else
    port.arena = address_of(name);
  if (staged) port.staging.assign(port.count, 0.0f);
  return port;
}

namespace {
[[noreturn]] void out_of_range(const char* what, std::size_t i, std::size_t count) {
  throw Error(ErrorCode::InvalidArgument, std::string(what) + " index " + std::to_string(i) +
                                              " out of range (model has " + std::to_string(count) + ")");
}
}  // namespace

const TensorShape& Executor::input_shape(std::size_t i) const {
  if (i >= inputs_.size()) out_of_range("input", i, inputs_.size());
  return inputs_[i].shape;
}

const TensorShape& Executor::output_shape(std::size_t i) const {
  if (i >= outputs_.size()) out_of_range("output", i, outputs_.size());
  return outputs_[i].shape;
}

std::span<float> Executor::input(std::size_t i) {
  if (i >= inputs_.size()) out_of_range("input", i, inputs_.size());
  Port& port = inputs_[i];
  if (!port.staging.empty()) return port.staging;
  return {reinterpret_cast<float*>(port.arena), port.count};
}

std::span<const float> Executor::output(std::size_t i) const {
  if (i >= outputs_.size()) out_of_range("output", i, outputs_.size());
  const Port& port = outputs_[i];
  if (port.constant) return {port.constant, port.count};
  if (!port.staging.empty()) return port.staging;
  return {reinterpret_cast<const float*>(port.arena), port.count};
}

void Executor::run() {
  for (const Port& port : inputs_)
    if (!port.staging.empty())
      backend_->copy_to_backend(port.arena, reinterpret_cast<const std::byte*>(port.staging.data()),
                                port.count * sizeof(float));
  backend_->execute(launches_);
  backend_->synchronize();
  for (Port& port : outputs_)
    if (!port.staging.empty() && port.arena)
      backend_->copy_to_host(reinterpret_cast<std::byte*>(port.staging.data()), port.arena, port.count * sizeof(float));
}

// Kernel construction packs weights, most of a model's load time. The kernels are
// independent (factories only read the prepared graph), so with several threads they are
// built concurrently, each thread taking the next node; the first error thrown
// by any of them is rethrown here.
std::vector<std::unique_ptr<OpKernel>> Executor::make_kernels(const AliasInfo& aliases, const KernelContext& context) {
  const std::size_t count = graph_.nodes.size();
  std::vector<std::unique_ptr<OpKernel>> kernels(count);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    for (std::size_t i = next++; i < count && !failed; i = next++) {
      if (aliases.steps[i] != StepKind::Execute) continue;
      try {
        kernels[i] = backend_->make_kernel(graph_.nodes[i], graph_, context);
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  const std::size_t helpers = std::min<std::size_t>(static_cast<std::size_t>(std::max(context.threads, 1)) - 1, count);
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < helpers; ++t) threads.emplace_back(work);
    work();
  }
  if (error) std::rethrow_exception(error);
  return kernels;
}

}  // namespace tarsier
