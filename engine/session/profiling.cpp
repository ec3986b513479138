// Executor::run_profiled: run() one launch at a time, each timed to its end.
// Kept apart from executor.cpp so the plain run() path stays untouched by profiling.
#include <algorithm>
#include <chrono>
#include <string>

#include "session/executor.hpp"

namespace tarsier {

void Executor::run_profiled(std::span<double> layer_ms) {
  if (layer_ms.size() != layers_.size())
    throw Error(ErrorCode::InvalidArgument, "run_profiled: " + std::to_string(layer_ms.size()) +
                                                " timing slots given for " + std::to_string(layers_.size()) +
                                                " layers");
  // Launches are the executed steps in node order; layers_ has one entry per node.
  const auto executed = static_cast<std::size_t>(std::count(plan_.steps.begin(), plan_.steps.end(), StepKind::Execute));
  if (executed != launches_.size() || plan_.steps.size() != layers_.size())
    throw Error(ErrorCode::Internal, "run_profiled: " + std::to_string(launches_.size()) + " launches for " +
                                         std::to_string(executed) + " executed steps");
  std::fill(layer_ms.begin(), layer_ms.end(), 0.0);

  for (const Port& port : inputs_)
    if (!port.staging.empty())
      backend_->copy_to_backend(port.arena, reinterpret_cast<const std::byte*>(port.staging.data()),
                                port.count * sizeof(float));
  const std::span<const KernelLaunch> launches(launches_);
  std::size_t next = 0;
  for (std::size_t i = 0; i < plan_.steps.size(); ++i) {
    if (plan_.steps[i] != StepKind::Execute) continue;
    const auto start = std::chrono::steady_clock::now();
    backend_->execute(launches.subspan(next++, 1));
    backend_->synchronize();
    layer_ms[i] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  for (Port& port : outputs_)
    if (!port.staging.empty() && port.arena)
      backend_->copy_to_host(reinterpret_cast<std::byte*>(port.staging.data()), port.arena,
                             port.count * sizeof(float));
}

}  // namespace tarsier
