// Grid-stride sum: each warp reduces with shuffles, warp 0 reduces the per-warp
// partials kept in dynamic shared memory, and one atomicAdd per block adds the
// block's total.
#include "kernels/cuda/samples/samples.hpp"

namespace tarsier::cuda_samples {
namespace {

__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

__global__ void sum_kernel(const float* __restrict__ x, int n, float* out) {
  TARSIER_DYNAMIC_SHARED(float, partials);
  float v = 0.0f;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) v += x[i];
  v = warp_sum(v);
  const int lane = threadIdx.x % warpSize, warp = threadIdx.x / warpSize;
  if (lane == 0) partials[warp] = v;
  __syncthreads();
  if (warp == 0) {
    const int warps = blockDim.x / warpSize;
    v = lane < warps ? partials[lane] : 0.0f;
    v = warp_sum(v);
    if (lane == 0) atomicAdd(out, v);
  }
}

}  // namespace

void sum(const float* x, int n, float* out, int threads_per_block, cudaStream_t stream) {
  const int needed = (n + threads_per_block - 1) / threads_per_block;
  const int blocks = needed < 1 ? 1 : (needed > 64 ? 64 : needed);  // grid-stride beyond 64 blocks
  const size_t smem = threads_per_block / 32 * sizeof(float);
  TARSIER_LAUNCH(sum_kernel, blocks, threads_per_block, smem, stream)
  (x, n, out);
}

}  // namespace tarsier::cuda_samples
