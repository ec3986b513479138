// Kernels with planted bugs the emulator must catch (simt_planted_bugs_test.cpp), next to the
// correct versions that must pass.
#include "simt/test_kernels.hpp"

namespace tarsier::simt_test {
namespace {

constexpr int kMaxThreads = 256;

__global__ void reverse_chunks_kernel(const float* x, float* y, bool with_sync) {
  __shared__ float chunk[kMaxThreads];
  const int base = blockIdx.x * blockDim.x;
  chunk[threadIdx.x] = x[base + threadIdx.x];
  if (with_sync) __syncthreads();
  y[base + threadIdx.x] = chunk[blockDim.x - 1 - threadIdx.x];
}

__global__ void rotate_rounds_kernel(const float* x, float* y, int chunks, bool with_second_sync) {
  __shared__ float chunk[kMaxThreads];
  for (int c = 0; c < chunks; ++c) {
    const int base = (blockIdx.x * chunks + c) * blockDim.x;
    chunk[threadIdx.x] = x[base + threadIdx.x];
    __syncthreads();
    y[base + threadIdx.x] = chunk[(threadIdx.x + 1) % blockDim.x];
    if (with_second_sync) __syncthreads();
  }
}

__global__ void static_shared_overrun_kernel(float* y) {
  __shared__ float s[64];
  s[threadIdx.x + 1] = 1.0f;
  __syncthreads();
  y[threadIdx.x] = s[threadIdx.x];
}

__global__ void dynamic_shared_overrun_kernel(float* y) {
  TARSIER_DYNAMIC_SHARED(float, s);
  s[threadIdx.x + 1] = 1.0f;
  __syncthreads();
  y[threadIdx.x] = s[threadIdx.x];
}

__global__ void early_exit_kernel(float* y, int keep) {
  if (static_cast<int>(threadIdx.x) >= keep) return;
  y[threadIdx.x] = 1.0f;
  __syncthreads();
  y[threadIdx.x] = 2.0f;
}

__global__ void lane_exit_kernel(int* y, int lane) {
  if (static_cast<int>(threadIdx.x) == lane) return;
  y[threadIdx.x] = __shfl_sync(0xffffffffu, static_cast<int>(threadIdx.x), 0);
}

__global__ void mismatched_masks_kernel(int* y) {
  const unsigned mask = threadIdx.x < 16 ? 0x0000ffffu : 0xffffffffu;
  y[threadIdx.x] = __shfl_sync(mask, static_cast<int>(threadIdx.x), 0);
}

__global__ void shuffle_outside_mask_kernel(int* y) {
  if (threadIdx.x >= 16) return;
  y[threadIdx.x] = __shfl_down_sync(0x0000ffffu, static_cast<int>(threadIdx.x), 4);
}

namespace wmma = nvcuda::wmma;

__global__ void wmma_load_kernel(const __half* a, float* c, int offset) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
  wmma::load_matrix_sync(fa, a + offset, 16);
  c[threadIdx.x] = __half2float(fa.x[0]);
}

}  // namespace

void reverse_chunks(const float* x, float* y, int blocks, int threads, bool with_sync, cudaStream_t s) {
  TARSIER_LAUNCH(reverse_chunks_kernel, blocks, threads, 0, s)(x, y, with_sync);
}

void rotate_rounds(const float* x, float* y, int blocks, int threads, int chunks, bool with_second_sync,
                   cudaStream_t s) {
  TARSIER_LAUNCH(rotate_rounds_kernel, blocks, threads, 0, s)(x, y, chunks, with_second_sync);
}

void static_shared_overrun(float* y, cudaStream_t s) { TARSIER_LAUNCH(static_shared_overrun_kernel, 1, 64, 0, s)(y); }

void dynamic_shared_overrun(float* y, int threads, cudaStream_t s) {
  TARSIER_LAUNCH(dynamic_shared_overrun_kernel, 1, threads, threads * sizeof(float), s)(y);
}

void early_exit_before_barrier(float* y, int threads, int keep, cudaStream_t s) {
  TARSIER_LAUNCH(early_exit_kernel, 1, threads, 0, s)(y, keep);
}

void lane_exit_before_shuffle(int* y, int lane, cudaStream_t s) {
  TARSIER_LAUNCH(lane_exit_kernel, 1, 32, 0, s)(y, lane);
}

void mismatched_masks(int* y, cudaStream_t s) { TARSIER_LAUNCH(mismatched_masks_kernel, 1, 32, 0, s)(y); }

void shuffle_from_outside_mask(int* y, cudaStream_t s) { TARSIER_LAUNCH(shuffle_outside_mask_kernel, 1, 32, 0, s)(y); }

void wmma_load(const __half* a, float* c, int offset, int threads, cudaStream_t s) {
  TARSIER_LAUNCH(wmma_load_kernel, 1, threads, 0, s)(a, c, offset);
}

}  // namespace tarsier::simt_test
