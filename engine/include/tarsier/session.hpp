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
  // "ref" (scalar oracle) or "auto" (best available on this machine; = ref for now).
  // An unknown name throws Error(InvalidArgument).
  std::string backend = "ref";
  int threads = 1;  // >= 1; the ref backend runs on one thread whatever this says
};

// Activation memory figures of a loaded session.
struct MemoryReport {
  std::size_t arena_bytes = 0;      // the planned arena (activations, inputs, outputs, workspaces)
  std::size_t unplanned_bytes = 0;  // the same values each in its own buffer, for comparison
  std::size_t peak_live_bytes = 0;  // most bytes live at one step: a lower bound for the arena
  std::size_t weight_bytes = 0;
};

// One executed step after graph passes, for inspect/bench output.
struct LayerInfo {
  std::string name;
  std::string op;      // e.g. "Conv+Add+Relu"
  std::string kernel;  // which kernel the backend chose, e.g. "ref.conv2d"
  std::vector<std::vector<std::int64_t>> input_shapes;
  std::vector<std::int64_t> output_shape;
  std::int64_t flops = 0;  // multiply-add counted as 2
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
