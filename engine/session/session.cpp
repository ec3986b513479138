#include <tarsier/session.hpp>

#include <chrono>

#include "backend/registry.hpp"
#include "format/tsr.hpp"
#include "session/executor.hpp"

namespace tarsier {

struct Session::Impl {
  ModelInfo info;
  std::unique_ptr<Executor> executor;
  double load_ms = 0.0;
};

Session::Session(const std::filesystem::path& model_path, const SessionOptions& options)
    : impl_(std::make_unique<Impl>()) {
  const auto start = std::chrono::steady_clock::now();
  if (options.threads < 1)
    throw Error(ErrorCode::InvalidArgument, "threads must be at least 1 (got " + std::to_string(options.threads) + ")");
  auto backend = create_backend(options.backend);  // checks the name before any file I/O
  Model model = load_tsr(model_path);
  impl_->info = std::move(model.info);
  KernelContext context;
  context.threads = options.threads;
  impl_->executor = std::make_unique<Executor>(std::move(model.graph), std::move(backend), context);
  impl_->load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

const ModelInfo& Session::info() const { return impl_->info; }

std::vector<TensorShape> Session::inputs() const {
  std::vector<TensorShape> shapes;
  for (std::size_t i = 0; i < impl_->executor->input_count(); ++i) shapes.push_back(impl_->executor->input_shape(i));
  return shapes;
}

std::vector<TensorShape> Session::outputs() const {
  std::vector<TensorShape> shapes;
  for (std::size_t i = 0; i < impl_->executor->output_count(); ++i) shapes.push_back(impl_->executor->output_shape(i));
  return shapes;
}

std::span<float> Session::input(std::size_t i) { return impl_->executor->input(i); }
void Session::run() { impl_->executor->run(); }
void Session::run_profiled(std::span<double> layer_ms) { impl_->executor->run_profiled(layer_ms); }
std::span<const float> Session::output(std::size_t i) const { return impl_->executor->output(i); }
std::vector<LayerInfo> Session::layers() const { return impl_->executor->layers(); }
std::size_t Session::arena_bytes() const { return impl_->executor->plan().arena_bytes; }
std::size_t Session::weight_bytes() const { return impl_->executor->weight_bytes(); }
double Session::load_ms() const { return impl_->load_ms; }
std::string Session::backend_name() const { return std::string(impl_->executor->backend().name()); }

MemoryReport Session::memory() const {
  const MemoryPlan& plan = impl_->executor->plan();
  MemoryReport report;
  report.arena_bytes = plan.arena_bytes;
  report.unplanned_bytes = plan.total_bytes;
  report.peak_live_bytes = plan.peak_live_bytes;
  report.weight_bytes = impl_->executor->weight_bytes();
  report.model_weight_bytes = impl_->executor->model_weight_bytes();
  report.peak_activation_bytes = plan.peak_value_bytes;
  return report;
}

}  // namespace tarsier
