// Tiled transpose: a 32x32 tile goes through shared memory so both the read and
// the write are coalesced; the +1 column keeps the column reads free of bank
// conflicts.
#include "kernels/cuda/samples/samples.hpp"

namespace tarsier::cuda_samples {
namespace {

constexpr int kTile = 32;
constexpr int kRowsPerPass = 8;

__global__ void transpose_kernel(const float* __restrict__ in, float* __restrict__ out, int rows, int cols) {
  __shared__ float tile[kTile][kTile + 1];
  const int c0 = blockIdx.x * kTile, r0 = blockIdx.y * kTile;
  for (int dy = threadIdx.y; dy < kTile; dy += kRowsPerPass) {
    const int r = r0 + dy, c = c0 + threadIdx.x;
    if (r < rows && c < cols) tile[dy][threadIdx.x] = in[r * cols + c];
  }
  __syncthreads();
  for (int dy = threadIdx.y; dy < kTile; dy += kRowsPerPass) {
    const int r = c0 + dy, c = r0 + threadIdx.x;  // out is cols x rows
    if (r < cols && c < rows) out[r * rows + c] = tile[threadIdx.x][dy];
  }
}

}  // namespace

void transpose(const float* in, float* out, int rows, int cols, cudaStream_t stream) {
  const dim3 grid((cols + kTile - 1) / kTile, (rows + kTile - 1) / kTile);
  TARSIER_LAUNCH(transpose_kernel, grid, dim3(kTile, kRowsPerPass), 0, stream)
  (in, out, rows, cols);
}

}  // namespace tarsier::cuda_samples
