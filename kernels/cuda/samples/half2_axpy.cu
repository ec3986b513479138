// y = a * x + y on pairs of halves: one __hfma2 per thread per pair.
#include "kernels/cuda/samples/samples.hpp"

namespace tarsier::cuda_samples {
namespace {

__global__ void half2_axpy_kernel(int pairs, __half2 a, const __half2* __restrict__ x, __half2* __restrict__ y) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < pairs) y[i] = __hfma2(a, x[i], y[i]);
}

}  // namespace

void half2_axpy(int n, float a, const __half* x, __half* y, cudaStream_t stream) {
  const int pairs = n / 2;
  const int threads = 128;
  const int blocks = pairs == 0 ? 1 : (pairs + threads - 1) / threads;
  TARSIER_LAUNCH(half2_axpy_kernel, blocks, threads, 0, stream)
  (pairs, __float2half2_rn(a), reinterpret_cast<const __half2*>(x), reinterpret_cast<__half2*>(y));
}

}  // namespace tarsier::cuda_samples
