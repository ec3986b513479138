#pragma once
// Kernel factories of the reference backend, one file per op family. Each kernel calls
// the scalar oracle in kernels/ref with parameters captured at load time.
#include <memory>

#include "backend/kernel_table.hpp"

namespace tarsier::ref_backend {

// Common base: a fixed name and the bytes of constant inputs read in place.
class RefKernel : public OpKernel {
 public:
  RefKernel(std::string_view name, std::size_t weight_bytes) : name_(name), weight_bytes_(weight_bytes) {}
  std::string_view name() const override { return name_; }
  std::size_t weight_bytes() const override { return weight_bytes_; }

 private:
  std::string_view name_;
  std::size_t weight_bytes_;
};

// Bytes of the node's inputs that are graph constants.
std::size_t constant_input_bytes(const Node& node, const Graph& graph);

// conv_kernel.cpp
std::unique_ptr<OpKernel> make_conv(const Node&, const Graph&, const KernelContext&);
std::unique_ptr<OpKernel> make_conv_transpose(const Node&, const Graph&, const KernelContext&);
// pool_kernel.cpp
std::unique_ptr<OpKernel> make_max_pool(const Node&, const Graph&, const KernelContext&);
std::unique_ptr<OpKernel> make_avg_pool(const Node&, const Graph&, const KernelContext&);
std::unique_ptr<OpKernel> make_global_avg_pool(const Node&, const Graph&, const KernelContext&);
// elementwise_kernel.cpp
std::unique_ptr<OpKernel> make_activation(const Node&, const Graph&, const KernelContext&);
std::unique_ptr<OpKernel> make_binary(const Node&, const Graph&, const KernelContext&);
std::unique_ptr<OpKernel> make_batch_norm(const Node&, const Graph&, const KernelContext&);
// gemm_kernel.cpp
std::unique_ptr<OpKernel> make_gemm(const Node&, const Graph&, const KernelContext&);
std::unique_ptr<OpKernel> make_matmul(const Node&, const Graph&, const KernelContext&);
// softmax_kernel.cpp
std::unique_ptr<OpKernel> make_softmax(const Node&, const Graph&, const KernelContext&);
// resize_kernel.cpp
std::unique_ptr<OpKernel> make_resize(const Node&, const Graph&, const KernelContext&);
// layout_kernel.cpp
std::unique_ptr<OpKernel> make_concat(const Node&, const Graph&, const KernelContext&);
std::unique_ptr<OpKernel> make_pad(const Node&, const Graph&, const KernelContext&);
std::unique_ptr<OpKernel> make_transpose(const Node&, const Graph&, const KernelContext&);
std::unique_ptr<OpKernel> make_copy(const Node&, const Graph&, const KernelContext&);

}  // namespace tarsier::ref_backend
