// One warp per 16x16 output tile: WMMA fragments accumulate over k in fp32, the
// tile goes through shared memory, and the warp applies bias + relu while
// writing it out.
#include "kernels/cuda/samples/samples.hpp"

namespace tarsier::cuda_samples {
namespace {

namespace wmma = nvcuda::wmma;
constexpr int kWarpsPerBlock = 4;

__global__ void wmma_gemm_kernel(const __half* __restrict__ a, const __half* __restrict__ b_t,
                                 const float* __restrict__ bias, float* __restrict__ c, int m, int n, int k) {
  __shared__ __align__(32) float tiles[kWarpsPerBlock][16 * 16];
  const int warp = threadIdx.x / warpSize, lane = threadIdx.x % warpSize;
  const int tile = blockIdx.x * kWarpsPerBlock + warp;
  const int tiles_n = n / 16;
  if (tile >= (m / 16) * tiles_n) return;  // whole warps leave together
  const int tm = tile / tiles_n * 16, tn = tile % tiles_n * 16;

  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::fill_fragment(acc, 0.0f);
  for (int kk = 0; kk < k; kk += 16) {
    wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
    wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> fb;
    wmma::load_matrix_sync(fa, a + tm * k + kk, k);
    wmma::load_matrix_sync(fb, b_t + tn * k + kk, k);
    wmma::mma_sync(acc, fa, fb, acc);
  }
  wmma::store_matrix_sync(tiles[warp], acc, 16, wmma::mem_row_major);
  __syncwarp();
  for (int i = lane; i < 16 * 16; i += warpSize) {
    const int r = i / 16, col = i % 16;
    c[(tm + r) * n + tn + col] = fmaxf(tiles[warp][i] + bias[tn + col], 0.0f);
  }
}

}  // namespace

void wmma_gemm_bias_relu(const __half* a, const __half* b_t, const float* bias, float* c, int m, int n, int k,
                         cudaStream_t stream) {
  const int tiles = (m / 16) * (n / 16);
  const int blocks = tiles == 0 ? 1 : (tiles + kWarpsPerBlock - 1) / kWarpsPerBlock;
  TARSIER_LAUNCH(wmma_gemm_kernel, blocks, kWarpsPerBlock * 32, 0, stream)
  (a, b_t, bias, c, m, n, k);
}

}  // namespace tarsier::cuda_samples
