#pragma once
// Host entry points of the test kernels (test_kernels.cu, planted_bug_kernels.cu), built as
// C++ against the SIMT emulator like every kernel in kernels/cuda.
#include "kernels/cuda/cuda_compat.hpp"

namespace tarsier::simt_test {

// --- features (test_kernels.cu) ---
// out[6*g ..] = threadIdx.xyz, blockIdx.xyz of the thread with global linear id g; ok[g] = 1 if
// blockDim and gridDim read back as launched.
void thread_indices(dim3 grid, dim3 block, unsigned* out, int* ok, cudaStream_t s);
// Lanes in mask call the shuffle (op 0 idx, 1 up, 2 down, 3 xor) on in[g]; others write -7.
void shuffle(int op, const int* in, int* out, unsigned mask, int arg, int width, int blocks, int threads,
             cudaStream_t s);
// Lanes in mask write __all_sync, __any_sync, __ballot_sync of pred[g] to out[3g..3g+2].
void votes(const int* pred, unsigned* out, unsigned mask, int blocks, int threads, cudaStream_t s);
// Per block: out[3b..3b+2] = __syncthreads_count/_and/_or of pred[g].
void sync_reductions(const int* pred, int* out, int blocks, int threads, cudaStream_t s);
// Every thread reads its block's index back from a static __shared__ variable set by thread 0,
// and counts itself in a shared counter with atomicAdd: owner[g], count[b].
void shared_per_block(int* owner, int* count, int blocks, int threads, cudaStream_t s);
// atomicAdd(int) histogram of v % bins; atomicMax/Min over int and unsigned; atomicAdd(float)
// sum; a float max through an atomicCAS loop; atomicExch chain (olds[g]).
struct AtomicsOut {
  int* hist;
  int bins;
  int* imax;
  int* imin;
  unsigned* umax;
  unsigned* umin;
  float* fsum;
  float* fmax_cas;
  int* exch_slot;
  int* exch_olds;
};
void atomics(const int* v, const float* f, int n, AtomicsOut out, cudaStream_t s);
// y = reverse of each block's chunk of x through dynamic shared memory (blockDim floats).
void dynamic_reverse(const float* x, float* y, int blocks, int threads, cudaStream_t s);
// WMMA: 16x16 c = a (row-major) * b (row-major) + c0, all in one warp, c0 and c float.
void wmma_tile(const __half* a, const __half* b, const float* c0, float* c, int threads, cudaStream_t s);

// rank[b] = the order block b ran in; thread_rank[g] = the order thread g ran in within its block
// (counters: one int for blocks, one per block for threads, all zero).
void execution_order(int* block_counter, int* thread_counters, int* block_rank, int* thread_rank, int blocks,
                     int threads, cudaStream_t s);

// --- planted bugs (planted_bug_kernels.cu) ---
// Reverse each block's chunk through static shared memory; with_sync=false forgets the barrier
// between the writes and the reads.
void reverse_chunks(const float* x, float* y, int blocks, int threads, bool with_sync, cudaStream_t s);
// Over `chunks` rounds, y = x rotated by one within the block; with_second_sync=false forgets the
// barrier that stops a round's writes from overwriting values others still have to read.
void rotate_rounds(const float* x, float* y, int blocks, int threads, int chunks, bool with_second_sync,
                   cudaStream_t s);
// Thread t writes static shared s[t + 1] of a 64-float array with 64 threads.
void static_shared_overrun(float* y, cudaStream_t s);
// Thread t writes dynamic shared s[t + 1] with blockDim floats of dynamic shared memory.
void dynamic_shared_overrun(float* y, int threads, cudaStream_t s);
// Threads with threadIdx.x >= keep return before a __syncthreads the others reach.
void early_exit_before_barrier(float* y, int threads, int keep, cudaStream_t s);
// Lane `lane` returns before a full-mask __shfl_sync the rest of its warp reaches.
void lane_exit_before_shuffle(int* y, int lane, cudaStream_t s);
// Lanes 0-15 shuffle with mask 0x0000ffff, lanes 16-31 with the full mask.
void mismatched_masks(int* y, cudaStream_t s);
// Lanes 0-15 shuffle down by 4 with mask 0x0000ffff: lanes 12-15 read lanes outside the mask.
void shuffle_from_outside_mask(int* y, cudaStream_t s);
// wmma::load_matrix_sync from a + offset elements with ldm 16, in a block of `threads`.
void wmma_load(const __half* a, float* c, int offset, int threads, cudaStream_t s);

}  // namespace tarsier::simt_test
