#pragma once
// The public C++ API: load a .tsr model, feed its input, run, read its outputs.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <tarsier/error.hpp>
#include <tarsier/model_info.hpp>

namespace tarsier {

struct SessionOptions {
  // "auto" (the best this CPU runs: avx512, avx2, else ref; the environment variable
  // TARSIER_ISA=ref|avx2|avx512 forces the choice), or a backend by name: "avx512",
  // "avx2", "ref" (the scalar oracle). An unknown name throws Error(InvalidArgument), one
  // this CPU cannot run Error(UnsupportedModel).
  std::string backend = "auto";
  int threads = 1;  // >= 1; the SIMD backends use a oneTBB arena of this size, ref one thread
};

// Activation memory figures of a loaded session.
struct MemoryReport {
  std::size_t arena_bytes = 0;      // the planned arena (activations, inputs, outputs, workspaces)
  std::size_t unplanned_bytes = 0;  // the same values each in its own buffer, for comparison
  std::size_t peak_live_bytes = 0;  // most bytes live at one step: a lower bound for the arena
  std::size_t weight_bytes = 0;     // what the kernels keep (packed / transformed weights)
  // The model's own needs: its weights as fp32, and the largest set of activations live at
  // one step (no workspaces). (arena + weight_bytes) / (model_weight + peak_activation) is the
  // memory overhead the x86 backend's weight plan keeps under 1.2.
  std::size_t model_weight_bytes = 0;
  std::size_t peak_activation_bytes = 0;
};

// One executed step after graph passes, for inspect/bench output.
struct LayerInfo {
  std::string name;
  std::string op;      // e.g. "Conv+Add+Relu"
  std::string kernel;  // which kernel the backend chose, e.g. "ref.conv2d"
  // Shapes in the graph's order (NCHW for ONNX models), whatever layout the backend stores.
  std::vector<std::vector<std::int64_t>> input_shapes;
  std::vector<std::int64_t> output_shape;
  std::string layout;  // "nhwc" when the backend stores this layer's 4-D activations NHWC
  std::int64_t flops = 0;       // multiply-add counted as 2
  std::int64_t parameters = 0;
};

struct TensorShape {
  std::string name;
  std::vector<std::int64_t> shape;
};

class Session {
 public:
  // Loads, verifies, optimises and plans the model. Throws tarsier::Error.
  explicit Session(const std::filesystem::path& model_path, const SessionOptions& options = {});
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  const ModelInfo& info() const;
  std::vector<TensorShape> inputs() const;
  std::vector<TensorShape> outputs() const;

  // Writable buffer of input i inside the arena: fill it, then run().
  std::span<float> input(std::size_t i = 0);
  // Runs the network. Performs no heap allocation.
  void run();
  // run() timing each layer for profiling: layer_ms (one entry per layers() entry) gets
  // its milliseconds, 0 for steps that execute nothing (aliases, in-place concat). Waits
  // for every layer to finish, so the total is a little above run()'s. No heap allocation.
  void run_profiled(std::span<double> layer_ms);
  // Result of the last run(); valid until the next run().
  std::span<const float> output(std::size_t i = 0) const;

  std::vector<LayerInfo> layers() const;
  std::size_t arena_bytes() const;   // planned activation memory
  std::size_t weight_bytes() const;  // constants as used at run time
  double load_ms() const;
  MemoryReport memory() const;
  std::string backend_name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tarsier
