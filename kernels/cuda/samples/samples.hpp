#pragma once
// Host entry points of the sample kernels (device pointers; under the emulator
// any host pointer is a device pointer). Each launches on the given stream and
// returns at once on a GPU.
#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::cuda_samples {

// out[c][r] = in[r][c] for a rows x cols row-major matrix (32x32 shared-memory
// tiles).
void transpose(const float* in, float* out, int rows, int cols, cudaStream_t stream);

// *out += sum of x[0..n): warp shuffles, then one partial per warp in dynamic
// shared memory, then one atomicAdd per block. threads_per_block must be a
// multiple of 32, at most 1024.
void sum(const float* x, int n, float* out, int threads_per_block, cudaStream_t stream);

// y[i] = a * x[i] + y[i] over n halves (n even, x and y 4-byte aligned) in
// half2 arithmetic.
void half2_axpy(int n, float a, const __half* x, __half* y, cudaStream_t stream);

// c[m][n] = relu(sum_k a[m][k] * b[k][n] + bias[n]) with tensor-core (WMMA)
// tiles: a is m x k row-major, b is k x n column-major (b_t[n][k]), halves;
// fp32 accumulation and output. m, n and k must be multiples of 16 and the
// pointers 32-byte aligned.
void wmma_gemm_bias_relu(const __half* a, const __half* b_t, const float* bias, float* c, int m, int n, int k,
                         cudaStream_t stream);

}  // namespace tarsier::cuda_samples
