#pragma once
// The backend interface: how a graph node becomes something that computes.
//
// A Backend turns each node into an OpKernel once, at load time (make_kernel): that is
// where a fast backend chooses its algorithm from the node's shapes and packs or
// transforms weights. OpKernel::run() only computes, on memory the session planned:
// it must not allocate, and it sees nothing but pointers (shapes were captured at load).
//
// Memory hooks let a backend whose memory the host cannot touch (CUDA) own the arena:
// the session asks the backend for the arena, copies inputs in and outputs out through
// it, and waits on synchronize() at the end of run(). CPU backends use the defaults.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/tensor.hpp"
#include "graph/graph.hpp"

namespace tarsier {

// Pointers of one node execution, in the node's input/output order.
struct ExecArgs {
  std::span<const float* const> inputs;  // nullptr for an absent optional input
  std::span<float* const> outputs;
  std::span<std::byte> workspace;  // workspace_bytes() of scratch, 64-byte aligned
};

class OpKernel {
 public:
  virtual ~OpKernel() = default;
  virtual void run(const ExecArgs& args) const = 0;
  // Which implementation this is, e.g. "ref.conv2d" or "avx512.conv3x3_winograd".
  virtual std::string_view name() const = 0;
  // Scratch the kernel needs during run(), planned in the arena by the session.
  virtual std::size_t workspace_bytes() const { return 0; }
  // Bytes of weights this kernel reads at run time (packed copies or constants in place).
  virtual std::size_t weight_bytes() const { return 0; }
};

// One kernel call of a run, prepared at load.
struct KernelLaunch {
  const OpKernel* kernel = nullptr;
  ExecArgs args;
};

// What a kernel factory may know about the run-time environment.
struct KernelContext {
  int threads = 1;
};

// A block of backend memory (host memory for CPU backends, device memory for CUDA).
class Buffer {
 public:
  virtual ~Buffer() = default;
  virtual std::byte* data() = 0;
  virtual std::size_t size() const = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;

  // Called once by the executor after the fusion passes and before aliasing, kernel
  // creation and memory planning: a backend may size its threads from the context and
  // rewrite the graph for its own data layout (the x86 backend's NHWC pass). It must keep
  // the names and shapes of the graph's inputs and outputs.
  virtual void prepare(Graph& graph, const KernelContext& context) {
    (void)graph;
    (void)context;
  }

  // Chooses and prepares the kernel for `node` (weights from graph.constants, shapes
  // from graph.shapes). Throws Error(UnsupportedModel) naming the node if it cannot.
  virtual std::unique_ptr<OpKernel> make_kernel(const Node& node, const Graph& graph,
                                                const KernelContext& context) const = 0;

  // Arena memory; the default is 64-byte aligned host memory.
  virtual std::unique_ptr<Buffer> allocate(std::size_t bytes) const;
  // True when the host may read and write allocate()'d memory directly.
  virtual bool host_visible() const { return true; }
  // Copies between host memory and allocate()'d memory (defaults: memcpy).
  virtual void copy_to_backend(std::byte* dst, const std::byte* src, std::size_t bytes) const;
  virtual void copy_to_host(std::byte* dst, const std::byte* src, std::size_t bytes) const;
  // Where a constant used as a plain node input lives for kernels (default: in place).
  virtual const float* constant_data(const ConstTensor& tensor) const { return tensor.data.data(); }
  // Runs one inference: the launches in order. A device backend may record them once
  // (e.g. as a CUDA Graph) and replay the recording on later calls.
  virtual void execute(std::span<const KernelLaunch> launches) const {
    for (const KernelLaunch& launch : launches) launch.kernel->run(launch.args);
  }
  // Waits until all work issued by execute() has finished (no-op for synchronous backends).
  virtual void synchronize() const {}
};

// Host memory aligned to `alignment` bytes (a power of two), zero-filled; owns its storage.
class HostBuffer final : public Buffer {
 public:
  explicit HostBuffer(std::size_t bytes, std::size_t alignment = 64);
  std::byte* data() override { return data_; }
  std::size_t size() const override { return size_; }

 private:
  struct Free {
    void operator()(void* p) const;
  };
  std::unique_ptr<std::byte, Free> storage_;
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace tarsier
