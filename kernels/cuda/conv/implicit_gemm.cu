// Implicit-GEMM convolution tiles: a 64x64 output tile per block, A gathered from the NHWC input
// (zero outside the image and past K), B read from packed weights; both staged through
// double-buffered shared memory with register prefetch, so the global loads of K tile t+1 are in
// flight while tile t is multiplied (one __syncthreads per K tile). The epilogue (bias, residual,
// activation) runs in the output loop; with split-K each z-slice of the grid writes fp32
// partials to the workspace and a second kernel sums them and runs the epilogue.
#include <algorithm>

#include "engine/include/tarsier/error.hpp"  // the nvcc target has only the repository root on its include path
#include "kernels/cuda/common/epilogue.cuh"
#include "kernels/cuda/conv/implicit_gemm.hpp"
#include "kernels/cuda/conv/storage.cuh"

namespace tarsier::TARSIER_CUDA_NS::conv_detail {
namespace {

constexpr int kSimtThreads = 256;  // 16x16 threads, 4x4 outputs each
constexpr int kWmmaThreads = 128;  // 2x2 warps, 32x32 outputs (2x2 fragments) each
constexpr int kFillBlocks = 128;   // blocks that keep a large GPU busy; fewer -> consider split-K
constexpr int kMinTilesPerSplit = 8;
constexpr int kMaxSplits = 16;

template <class T>
struct IgemmArgs {
  IgemmGeometry g;
  const T* x;
  const T* w;
  const float* bias;
  const T* residual;
  T* y;
  float* partial;  // split-K: [splits][m][groups * cog] fp32, else null
  int k_tiles;
  int tiles_per_split;
};

// Where output (pixel m, column q) goes; *co receives its channel (bias index).
__device__ __forceinline__ long long output_offset(const IgemmGeometry& g, int m, int q, int* co) {
  if (!g.scatter2x2) {
    *co = q;
    return static_cast<long long>(m) * g.y_stride + q;
  }
  const int quad = q / g.c_out;
  const int c = q - quad * g.c_out;
  const int j = m % g.w_out;
  const int t = m / g.w_out;
  const int i = t % g.h_out;
  const int b = t / g.h_out;
  const int oy = 2 * i + (quad >> 1), ox = 2 * j + (quad & 1);
  *co = c;
  return (static_cast<long long>(b) * 2 * g.h_out + oy) * (2 * g.w_out) * g.y_stride +
         static_cast<long long>(ox) * g.y_stride + c;
}

template <class T>
__device__ __forceinline__ void finish(const IgemmArgs<T>& a, int m, int q, float v) {
  int co = 0;
  const long long off = output_offset(a.g, m, q, &co);
  if (a.bias != nullptr) v += a.bias[co];
  if (a.residual != nullptr) v += to_float(a.residual[static_cast<long long>(m) * a.g.c_out + q]);
  store_float(a.y + off, TARSIER_CUDA_NS::apply_activation(a.g.epilogue, v));
}

// Per output row of the tile: the input offset of its image (plus the group's first channel)
// and its top-left input coordinate; rows past M get a coordinate no tap can bring in range.
__device__ __forceinline__ void init_rows(const IgemmGeometry& g, int m0, int group, int* base, int* ih, int* iw) {
  for (int r = threadIdx.x; r < kTileM; r += blockDim.x) {
    const int m = m0 + r;
    if (m < g.m) {
      const int ow = m % g.w_out;
      const int t = m / g.w_out;
      const int oh = t % g.h_out;
      const int img = t / g.h_out;
      base[r] = img * g.h_in * g.w_in * g.c_in + group * g.cig;
      ih[r] = oh * g.sh - g.pad_top;
      iw[r] = ow * g.sw - g.pad_left;
    } else {
      base[r] = 0;
      ih[r] = -(1 << 29);
      iw[r] = -(1 << 29);
    }
  }
}

// The kernel tap and channel of K index k: its offsets (dy, dx) and channel ci; false past K.
__device__ __forceinline__ bool decode_k(const IgemmGeometry& g, int k, int* dy, int* dx, int* ci) {
  if (k >= g.k) return false;
  const int rs = k / g.cig;
  *ci = k - rs * g.cig;
  const int r = rs / g.kw;
  *dy = r * g.dh;
  *dx = (rs - r * g.kw) * g.dw;
  return true;
}

template <class T>
__device__ __forceinline__ T gather(const IgemmArgs<T>& a, bool kv, int base, int ih, int iw, int ci) {
  const IgemmGeometry& g = a.g;
  if (kv && static_cast<unsigned>(ih) < static_cast<unsigned>(g.h_in) &&
      static_cast<unsigned>(iw) < static_cast<unsigned>(g.w_in))
    return a.x[base + (ih * g.w_in + iw) * g.c_in + ci];
  return zero_value<T>();
}

// ---- SIMT modes: fp32 FMA, or fp16 with __hfma2 over one K tile then fp32 accumulation ----

constexpr int kSimtTileK = 16;
constexpr int kSimtPadM = 4;  // keeps 4-element rows of As aligned while spreading banks

__device__ __forceinline__ void multiply_tile(const float (*as)[kTileM + kSimtPadM], const float (*bs)[kTileN],
                                              float (&acc)[4][4], int ty, int tx) {
  TARSIER_UNROLL
  for (int kk = 0; kk < kSimtTileK; ++kk) {
    const float4 av = *reinterpret_cast<const float4*>(&as[kk][ty * 4]);
    const float4 bv = *reinterpret_cast<const float4*>(&bs[kk][tx * 4]);
    const float ar[4] = {av.x, av.y, av.z, av.w};
    const float br[4] = {bv.x, bv.y, bv.z, bv.w};
    TARSIER_UNROLL
    for (int i = 0; i < 4; ++i) {
      TARSIER_UNROLL
      for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(ar[i], br[j], acc[i][j]);
    }
  }
}

// 16 products per output summed in half2 (error bounded by one K tile, not by K), then added
// into the fp32 accumulators.
__device__ __forceinline__ void multiply_tile(const __half (*as)[kTileM + kSimtPadM], const __half (*bs)[kTileN],
                                              float (&acc)[4][4], int ty, int tx) {
  const __half2 zero = __float2half2_rn(0.0f);
  __half2 h[4][2] = {{zero, zero}, {zero, zero}, {zero, zero}, {zero, zero}};
  TARSIER_UNROLL
  for (int kk = 0; kk < kSimtTileK; ++kk) {
    const __half2* ap = reinterpret_cast<const __half2*>(&as[kk][ty * 4]);
    const __half2* bp = reinterpret_cast<const __half2*>(&bs[kk][tx * 4]);
    const __half2 a01 = ap[0], a23 = ap[1], b01 = bp[0], b23 = bp[1];
    const __half2 ai[4] = {__low2half2(a01), __high2half2(a01), __low2half2(a23), __high2half2(a23)};
    TARSIER_UNROLL
    for (int i = 0; i < 4; ++i) {
      h[i][0] = __hfma2(ai[i], b01, h[i][0]);
      h[i][1] = __hfma2(ai[i], b23, h[i][1]);
    }
  }
  TARSIER_UNROLL
  for (int i = 0; i < 4; ++i) {
    acc[i][0] += __low2float(h[i][0]);
    acc[i][1] += __high2float(h[i][0]);
    acc[i][2] += __low2float(h[i][1]);
    acc[i][3] += __high2float(h[i][1]);
  }
}

template <class T>
__global__ void __launch_bounds__(kSimtThreads) igemm_simt_kernel(const IgemmArgs<T> a) {
  constexpr int BK = kSimtTileK;
  using Vec = typename Vec4<T>::type;
  __shared__ __align__(16) T as[2][BK][kTileM + kSimtPadM];
  __shared__ __align__(16) T bs[2][BK][kTileN];
  __shared__ int row_base[kTileM], row_ih[kTileM], row_iw[kTileM];
  const IgemmGeometry& g = a.g;
  const int tid = threadIdx.x;
  const int m0 = blockIdx.x * kTileM;
  const int n_tiles = g.n_pad / kTileN;
  const int group = blockIdx.y / n_tiles;
  const int n0 = (blockIdx.y - group * n_tiles) * kTileN;
  const int kt_begin = blockIdx.z * a.tiles_per_split;
  const int kt_end = min(a.k_tiles, kt_begin + a.tiles_per_split);
  init_rows(g, m0, group, row_base, row_ih, row_iw);
  __syncthreads();

  const int a_k = tid % BK, a_m = tid / BK;  // this thread gathers rows a_m + 16j of column a_k
  const int b_row = tid / 16, b_col = (tid % 16) * 4;
  const T* w_base = a.w + static_cast<long long>(group) * g.k_pad * g.n_pad + n0 + b_col;
  T a_reg[4];
  Vec b_reg;
  auto load = [&](int kt) {
    int dy = 0, dx = 0, ci = 0;
    const bool kv = decode_k(g, kt * BK + a_k, &dy, &dx, &ci);
    TARSIER_UNROLL
    for (int j = 0; j < 4; ++j) {
      const int r = a_m + 16 * j;
      a_reg[j] = gather(a, kv, row_base[r], row_ih[r] + dy, row_iw[r] + dx, ci);
    }
    b_reg = *reinterpret_cast<const Vec*>(w_base + static_cast<long long>(kt * BK + b_row) * g.n_pad);
  };
  auto stash = [&](int buf) {
    TARSIER_UNROLL
    for (int j = 0; j < 4; ++j) as[buf][a_k][a_m + 16 * j] = a_reg[j];
    *reinterpret_cast<Vec*>(&bs[buf][b_row][b_col]) = b_reg;
  };

  const int ty = tid / 16, tx = tid % 16;
  float acc[4][4] = {};
  if (kt_begin < kt_end) {
    load(kt_begin);
    stash(0);
    __syncthreads();
    for (int kt = kt_begin; kt < kt_end; ++kt) {
      const int buf = (kt - kt_begin) & 1;
      const bool more = kt + 1 < kt_end;
      if (more) load(kt + 1);
      multiply_tile(as[buf], bs[buf], acc, ty, tx);
      if (more) stash(buf ^ 1);
      __syncthreads();
    }
  }

  const int n_total = g.groups * g.cog;
  TARSIER_UNROLL
  for (int i = 0; i < 4; ++i) {
    const int m = m0 + ty * 4 + i;
    if (m >= g.m) continue;
    TARSIER_UNROLL
    for (int j = 0; j < 4; ++j) {
      const int ql = n0 + tx * 4 + j;
      if (ql >= g.cog) continue;
      const int q = group * g.cog + ql;
      if (a.partial != nullptr)
        a.partial[(static_cast<long long>(blockIdx.z) * g.m + m) * n_total + q] = acc[i][j];
      else
        finish(a, m, q, acc[i][j]);
    }
  }
}

// ---- WMMA mode: 4 warps, each 2x2 fragments of 16x16x16 with fp32 accumulators ----

namespace wmma = nvcuda::wmma;
constexpr int kWmmaTileK = 32;
constexpr int kLdA = kWmmaTileK + 8;  // halves; +8 keeps rows 16-byte multiples, shifts banks
constexpr int kLdB = kTileN + 8;
constexpr int kLdC = kTileN + 4;  // floats
constexpr int kABytes = 2 * kTileM * kLdA * 2;
constexpr int kBBytes = 2 * kWmmaTileK * kLdB * 2;
constexpr int kCBytes = kTileM * kLdC * 4;
constexpr int kWmmaSmem = kABytes + kBBytes > kCBytes ? kABytes + kBBytes : kCBytes;

__global__ void __launch_bounds__(kWmmaThreads) igemm_wmma_kernel(const IgemmArgs<__half> a) {
  constexpr int BK = kWmmaTileK;
  // A/B stages during the K loop, the fp32 C tile afterwards (same bytes).
  __shared__ __align__(128) unsigned char smem[kWmmaSmem];
  __shared__ int row_base[kTileM], row_ih[kTileM], row_iw[kTileM];
  __half* const as = reinterpret_cast<__half*>(smem);            // [2][kTileM][kLdA]
  __half* const bs = reinterpret_cast<__half*>(smem + kABytes);  // [2][BK][kLdB]
  float* const cs = reinterpret_cast<float*>(smem);              // [kTileM][kLdC]
  const IgemmGeometry& g = a.g;
  const int tid = threadIdx.x;
  const int m0 = blockIdx.x * kTileM;
  const int n_tiles = g.n_pad / kTileN;
  const int group = blockIdx.y / n_tiles;
  const int n0 = (blockIdx.y - group * n_tiles) * kTileN;
  const int kt_begin = blockIdx.z * a.tiles_per_split;
  const int kt_end = min(a.k_tiles, kt_begin + a.tiles_per_split);
  init_rows(g, m0, group, row_base, row_ih, row_iw);
  __syncthreads();

  const int a_k = tid % BK, a_m = tid / BK;  // rows a_m + 4j, j < 16
  const int b_row = tid / 4, b_col = (tid % 4) * 16;
  const __half* w_base = a.w + static_cast<long long>(group) * g.k_pad * g.n_pad + n0 + b_col;
  __half a_reg[16];
  Half8 b_reg[2];
  auto load = [&](int kt) {
    int dy = 0, dx = 0, ci = 0;
    const bool kv = decode_k(g, kt * BK + a_k, &dy, &dx, &ci);
    TARSIER_UNROLL
    for (int j = 0; j < 16; ++j) {
      const int r = a_m + 4 * j;
      a_reg[j] = gather(a, kv, row_base[r], row_ih[r] + dy, row_iw[r] + dx, ci);
    }
    const Half8* src = reinterpret_cast<const Half8*>(w_base + static_cast<long long>(kt * BK + b_row) * g.n_pad);
    b_reg[0] = src[0];
    b_reg[1] = src[1];
  };
  auto stash = [&](int buf) {
    __half* at = as + buf * kTileM * kLdA;
    TARSIER_UNROLL
    for (int j = 0; j < 16; ++j) at[(a_m + 4 * j) * kLdA + a_k] = a_reg[j];
    Half8* bt = reinterpret_cast<Half8*>(bs + (buf * BK + b_row) * kLdB + b_col);
    bt[0] = b_reg[0];
    bt[1] = b_reg[1];
  };

  const int warp = tid / warpSize;
  const int wm = (warp >> 1) * 32, wn = (warp & 1) * 32;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2][2];
  TARSIER_UNROLL
  for (int i = 0; i < 2; ++i) {
    TARSIER_UNROLL
    for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);
  }
  if (kt_begin < kt_end) {
    load(kt_begin);
    stash(0);
    __syncthreads();
    for (int kt = kt_begin; kt < kt_end; ++kt) {
      const int buf = (kt - kt_begin) & 1;
      const bool more = kt + 1 < kt_end;
      if (more) load(kt + 1);
      const __half* at = as + buf * kTileM * kLdA;
      const __half* bt = bs + buf * BK * kLdB;
      TARSIER_UNROLL
      for (int ks = 0; ks < BK; ks += 16) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa[2];
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> fb[2];
        TARSIER_UNROLL
        for (int i = 0; i < 2; ++i) wmma::load_matrix_sync(fa[i], at + (wm + i * 16) * kLdA + ks, kLdA);
        TARSIER_UNROLL
        for (int j = 0; j < 2; ++j) wmma::load_matrix_sync(fb[j], bt + ks * kLdB + wn + j * 16, kLdB);
        TARSIER_UNROLL
        for (int i = 0; i < 2; ++i) {
          TARSIER_UNROLL
          for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
        }
      }
      if (more) stash(buf ^ 1);
      __syncthreads();
    }
  }
  // The last iteration ended with __syncthreads, so no warp still reads the A/B stages.
  TARSIER_UNROLL
  for (int i = 0; i < 2; ++i) {
    TARSIER_UNROLL
    for (int j = 0; j < 2; ++j)
      wmma::store_matrix_sync(cs + (wm + i * 16) * kLdC + wn + j * 16, acc[i][j], kLdC, wmma::mem_row_major);
  }
  __syncthreads();

  const int n_total = g.groups * g.cog;
  for (int idx = tid; idx < kTileM * kTileN; idx += kWmmaThreads) {
    const int r = idx / kTileN, c = idx % kTileN;
    const int m = m0 + r, ql = n0 + c;
    if (m >= g.m || ql >= g.cog) continue;
    const int q = group * g.cog + ql;
    const float v = cs[r * kLdC + c];
    if (a.partial != nullptr)
      a.partial[(static_cast<long long>(blockIdx.z) * g.m + m) * n_total + q] = v;
    else
      finish(a, m, q, v);
  }
}

// Sums the split-K partials of each output and runs the epilogue.
template <class T>
__global__ void igemm_reduce_kernel(const IgemmArgs<T> a, int splits) {
  const int n_total = a.g.groups * a.g.cog;
  const long long total = static_cast<long long>(a.g.m) * n_total;
  const long long slice = total;
  for (long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<long long>(gridDim.x) * blockDim.x) {
    float v = 0.0f;
    for (int z = 0; z < splits; ++z) v += a.partial[z * slice + idx];
    const int m = static_cast<int>(idx / n_total), q = static_cast<int>(idx % n_total);
    finish(a, m, q, v);
  }
}

int ceil_div(int a, int b) { return (a + b - 1) / b; }

template <class T>
void run_typed(const IgemmGeometry& g, ConvMath math, const void* x, const void* w, const float* bias,
               const void* residual, void* y, void* workspace, cudaStream_t stream, int split_k) {
  IgemmArgs<T> a{g,
                 static_cast<const T*>(x),
                 static_cast<const T*>(w),
                 bias,
                 static_cast<const T*>(residual),
                 static_cast<T*>(y),
                 nullptr,
                 0,
                 0};
  a.k_tiles = ceil_div(g.k, tile_k(math));
  const int splits = igemm_split_k(g, math, split_k);
  a.tiles_per_split = ceil_div(a.k_tiles, splits);
  if (splits > 1) {
    if (workspace == nullptr)
      throw Error(ErrorCode::InvalidArgument, "conv implicit GEMM: split-K needs a workspace (conv2d_workspace_bytes)");
    a.partial = static_cast<float*>(workspace);
  }
  const dim3 grid(ceil_div(g.m, kTileM), g.groups * (g.n_pad / kTileN), splits);
  if constexpr (std::is_same_v<T, __half>) {
    if (math == ConvMath::Fp16Wmma) {
      TARSIER_LAUNCH(igemm_wmma_kernel, grid, kWmmaThreads, 0, stream)(a);
    } else {
      auto* kernel = igemm_simt_kernel<__half>;
      TARSIER_LAUNCH(kernel, grid, kSimtThreads, 0, stream)(a);
    }
  } else {
    auto* kernel = igemm_simt_kernel<float>;
    TARSIER_LAUNCH(kernel, grid, kSimtThreads, 0, stream)(a);
  }
  if (splits > 1) {
    a.y = static_cast<T*>(y);
    const long long total = static_cast<long long>(g.m) * g.groups * g.cog;
    const int threads = 256;
    const int blocks = static_cast<int>(std::min<long long>((total + threads - 1) / threads, 4096));
    auto* reduce = igemm_reduce_kernel<T>;
    TARSIER_LAUNCH(reduce, blocks, threads, 0, stream)(a, splits);
  }
}

}  // namespace

IgemmGeometry make_packed_dims(IgemmGeometry g) {
  g.k_pad = ceil_div(g.k, kPackK) * kPackK;
  g.n_pad = ceil_div(g.cog, kTileN) * kTileN;
  return g;
}

std::size_t igemm_packed_bytes(const IgemmGeometry& g, ConvMath math) {
  return static_cast<std::size_t>(g.groups) * g.k_pad * g.n_pad * conv_storage_bytes(math);
}

void igemm_pack_store(const IgemmGeometry& g, ConvMath math, void* dst, int group, int k, int q, float v) {
  const std::size_t i = (static_cast<std::size_t>(group) * g.k_pad + k) * g.n_pad + q;
  if (math == ConvMath::Fp32)
    static_cast<float*>(dst)[i] = v;
  else
    static_cast<__half*>(dst)[i] = __float2half_rn(v);
}

int igemm_split_k(const IgemmGeometry& g, ConvMath math, int split_k) {
  const int k_tiles = ceil_div(g.k, tile_k(math));
  int s = 1;
  if (split_k > 0) {
    s = std::min(split_k, k_tiles);
  } else {
    const long long blocks = static_cast<long long>(ceil_div(g.m, kTileM)) * g.groups * (g.n_pad / kTileN);
    if (blocks < kFillBlocks && k_tiles >= 2 * kMinTilesPerSplit)
      s = std::min(
          {static_cast<int>(ceil_div(kFillBlocks, static_cast<int>(blocks))), k_tiles / kMinTilesPerSplit, kMaxSplits});
  }
  if (s <= 1) return 1;
  return ceil_div(k_tiles, ceil_div(k_tiles, s));  // no empty slice
}

std::size_t igemm_workspace_bytes(const IgemmGeometry& g, ConvMath math, int split_k) {
  const int s = igemm_split_k(g, math, split_k);
  if (s <= 1) return 0;
  return static_cast<std::size_t>(s) * g.m * g.groups * g.cog * sizeof(float);
}

void igemm_run(const IgemmGeometry& g, ConvMath math, const void* x, const void* w_packed, const float* bias,
               const void* residual, void* y, void* workspace, cudaStream_t stream, int split_k) {
  if (math == ConvMath::Fp32)
    run_typed<float>(g, math, x, w_packed, bias, residual, y, workspace, stream, split_k);
  else
    run_typed<__half>(g, math, x, w_packed, bias, residual, y, workspace, stream, split_k);
}

}  // namespace tarsier::TARSIER_CUDA_NS::conv_detail
