// Kernels that exercise one emulator feature each; simt_features_test.cpp checks them against
// plain CPU computations.
#include "simt/test_kernels.hpp"

namespace tarsier::simt_test {
namespace {

__device__ unsigned global_thread_id() {
  const unsigned block = (blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
  const unsigned in_block = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
  return block * (blockDim.x * blockDim.y * blockDim.z) + in_block;
}

__global__ void thread_indices_kernel(unsigned* out, int* ok, dim3 grid, dim3 block) {
  const unsigned g = global_thread_id();
  out[6 * g + 0] = threadIdx.x;
  out[6 * g + 1] = threadIdx.y;
  out[6 * g + 2] = threadIdx.z;
  out[6 * g + 3] = blockIdx.x;
  out[6 * g + 4] = blockIdx.y;
  out[6 * g + 5] = blockIdx.z;
  ok[g] = blockDim.x == block.x && blockDim.y == block.y && blockDim.z == block.z && gridDim.x == grid.x &&
          gridDim.y == grid.y && gridDim.z == grid.z;
}

__global__ void shuffle_kernel(int op, const int* in, int* out, unsigned mask, int arg, int width) {
  const unsigned g = blockIdx.x * blockDim.x + threadIdx.x;
  const int lane = threadIdx.x % warpSize;
  if (((mask >> lane) & 1u) == 0) {
    out[g] = -7;
    return;
  }
  const int v = in[g];
  int r = 0;
  switch (op) {
    case 0:
      r = __shfl_sync(mask, v, arg, width);
      break;
    case 1:
      r = __shfl_up_sync(mask, v, static_cast<unsigned>(arg), width);
      break;
    case 2:
      r = __shfl_down_sync(mask, v, static_cast<unsigned>(arg), width);
      break;
    default:
      r = __shfl_xor_sync(mask, v, arg, width);
      break;
  }
  out[g] = r;
}

__global__ void votes_kernel(const int* pred, unsigned* out, unsigned mask) {
  const unsigned g = blockIdx.x * blockDim.x + threadIdx.x;
  if (((mask >> (threadIdx.x % warpSize)) & 1u) == 0) return;
  const int p = pred[g];
  out[3 * g + 0] = __all_sync(mask, p);
  out[3 * g + 1] = __any_sync(mask, p);
  out[3 * g + 2] = __ballot_sync(mask, p);
}

__global__ void sync_reductions_kernel(const int* pred, int* out) {
  const int p = pred[blockIdx.x * blockDim.x + threadIdx.x];
  const int count = __syncthreads_count(p);
  const int all = __syncthreads_and(p);
  const int any = __syncthreads_or(p);
  if (threadIdx.x == 0) {
    out[3 * blockIdx.x + 0] = count;
    out[3 * blockIdx.x + 1] = all;
    out[3 * blockIdx.x + 2] = any;
  }
}

__global__ void shared_per_block_kernel(int* owner, int* count) {
  __shared__ int block_owner;
  __shared__ int counter;
  if (threadIdx.x == 0) {
    block_owner = static_cast<int>(blockIdx.x);
    counter = 0;
  }
  __syncthreads();
  atomicAdd(&counter, 1);
  owner[blockIdx.x * blockDim.x + threadIdx.x] = block_owner;
  __syncthreads();
  if (threadIdx.x == 0) count[blockIdx.x] = counter;
}

__device__ void atomic_max_float(float* p, float v) {
  int* bits = reinterpret_cast<int*>(p);
  int old = *bits;
  while (__int_as_float(old) < v) {
    const int seen = atomicCAS(bits, old, __float_as_int(v));
    if (seen == old) break;
    old = seen;
  }
}

__global__ void atomics_kernel(const int* v, const float* f, int n, AtomicsOut out) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  atomicAdd(&out.hist[(v[i] % out.bins + out.bins) % out.bins], 1);
  atomicMax(out.imax, v[i]);
  atomicMin(out.imin, v[i]);
  atomicMax(out.umax, static_cast<unsigned>(v[i]));
  atomicMin(out.umin, static_cast<unsigned>(v[i]));
  atomicAdd(out.fsum, f[i]);
  atomic_max_float(out.fmax_cas, f[i]);
  out.exch_olds[i] = atomicExch(out.exch_slot, i);
}

__global__ void dynamic_reverse_kernel(const float* x, float* y) {
  TARSIER_DYNAMIC_SHARED(float, chunk);
  const int base = blockIdx.x * blockDim.x;
  chunk[threadIdx.x] = x[base + threadIdx.x];
  __syncthreads();
  y[base + threadIdx.x] = chunk[blockDim.x - 1 - threadIdx.x];
}

__global__ void execution_order_kernel(int* block_counter, int* thread_counters, int* block_rank, int* thread_rank) {
  const int rank = atomicAdd(&thread_counters[blockIdx.x], 1);
  thread_rank[blockIdx.x * blockDim.x + threadIdx.x] = rank;
  if (rank == 0) block_rank[blockIdx.x] = atomicAdd(block_counter, 1);
}

namespace wmma = nvcuda::wmma;

__global__ void wmma_tile_kernel(const __half* a, const __half* b, const float* c0, float* c) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::load_matrix_sync(acc, c0, 16, wmma::mem_col_major);
  wmma::mma_sync(acc, fa, fb, acc);
  wmma::store_matrix_sync(c, acc, 16, wmma::mem_row_major);
}

}  // namespace

void thread_indices(dim3 grid, dim3 block, unsigned* out, int* ok, cudaStream_t s) {
  TARSIER_LAUNCH(thread_indices_kernel, grid, block, 0, s)(out, ok, grid, block);
}

void shuffle(int op, const int* in, int* out, unsigned mask, int arg, int width, int blocks, int threads,
             cudaStream_t s) {
  TARSIER_LAUNCH(shuffle_kernel, blocks, threads, 0, s)(op, in, out, mask, arg, width);
}

void votes(const int* pred, unsigned* out, unsigned mask, int blocks, int threads, cudaStream_t s) {
  TARSIER_LAUNCH(votes_kernel, blocks, threads, 0, s)(pred, out, mask);
}

void sync_reductions(const int* pred, int* out, int blocks, int threads, cudaStream_t s) {
  TARSIER_LAUNCH(sync_reductions_kernel, blocks, threads, 0, s)(pred, out);
}

void shared_per_block(int* owner, int* count, int blocks, int threads, cudaStream_t s) {
  TARSIER_LAUNCH(shared_per_block_kernel, blocks, threads, 0, s)(owner, count);
}

void atomics(const int* v, const float* f, int n, AtomicsOut out, cudaStream_t s) {
  const int threads = 96;
  TARSIER_LAUNCH(atomics_kernel, (n + threads - 1) / threads, threads, 0, s)(v, f, n, out);
}

void dynamic_reverse(const float* x, float* y, int blocks, int threads, cudaStream_t s) {
  TARSIER_LAUNCH(dynamic_reverse_kernel, blocks, threads, threads * sizeof(float), s)(x, y);
}

void execution_order(int* block_counter, int* thread_counters, int* block_rank, int* thread_rank, int blocks,
                     int threads, cudaStream_t s) {
  TARSIER_LAUNCH(execution_order_kernel, blocks, threads, 0, s)
  (block_counter, thread_counters, block_rank, thread_rank);
}

void wmma_tile(const __half* a, const __half* b, const float* c0, float* c, int threads, cudaStream_t s) {
  TARSIER_LAUNCH(wmma_tile_kernel, 1, threads, 0, s)(a, b, c0, c);
}

}  // namespace tarsier::simt_test
