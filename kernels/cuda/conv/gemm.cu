// Gemm for classifier heads: one warp per output element; the lanes stride K (so rows of a and,
// with trans_b, of b are read contiguously) and a shuffle tree sums their partial dot products.
#include "kernels/cuda/conv/gemm.hpp"

#include <algorithm>
#include <limits>

#include "engine/include/tarsier/error.hpp"  // the nvcc target has only the repository root on its include path
#include "kernels/cuda/common/epilogue.cuh"
#include "kernels/cuda/conv/storage.cuh"

namespace tarsier::TARSIER_CUDA_NS {
namespace {

constexpr int kWarpsPerBlock = 8;

template <class T>
struct GemmArgs {
  kernels::GemmParams p;
  const T* a;
  const float* b;
  const float* c;
  T* y;
};

template <class T>
__global__ void __launch_bounds__(kWarpsPerBlock * 32) gemm_warp_kernel(const GemmArgs<T> g) {
  const kernels::GemmParams& p = g.p;
  const int m = static_cast<int>(p.m), n = static_cast<int>(p.n), k = static_cast<int>(p.k);
  const int lane = threadIdx.x % warpSize;
  const long long outputs = static_cast<long long>(m) * n;
  const long long warps = static_cast<long long>(gridDim.x) * kWarpsPerBlock;
  // The loop bound is uniform across the warp, so whole warps reach the shuffles together.
  for (long long o = blockIdx.x * static_cast<long long>(kWarpsPerBlock) + threadIdx.x / warpSize; o < outputs;
       o += warps) {
    const int i = static_cast<int>(o / n), j = static_cast<int>(o % n);
    float acc = 0.0f;
    for (int kk = lane; kk < k; kk += warpSize) {
      const float av = conv_detail::to_float(p.trans_a ? g.a[static_cast<long long>(kk) * m + i]
                                                       : g.a[static_cast<long long>(i) * k + kk]);
      const float bv = p.trans_b ? g.b[static_cast<long long>(j) * k + kk] : g.b[static_cast<long long>(kk) * n + j];
      acc = fmaf(av, bv, acc);
    }
    for (int off = 16; off > 0; off /= 2) acc += __shfl_xor_sync(0xffffffffu, acc, off);
    if (lane == 0) {
      float v = p.alpha * acc;
      switch (p.bias) {
        case kernels::BiasKind::None:
          break;
        case kernels::BiasKind::Scalar:
          v += p.beta * g.c[0];
          break;
        case kernels::BiasKind::Row:
          v += p.beta * g.c[j];
          break;
        case kernels::BiasKind::Column:
          v += p.beta * g.c[i];
          break;
        case kernels::BiasKind::Full:
          v += p.beta * g.c[o];
          break;
      }
      conv_detail::store_float(g.y + o, TARSIER_CUDA_NS::apply_activation(p.epilogue, v));
    }
  }
}

template <class T>
void run(const kernels::GemmParams& p, const void* a, const float* b, const float* c, void* y, cudaStream_t stream) {
  const GemmArgs<T> args{p, static_cast<const T*>(a), b, c, static_cast<T*>(y)};
  const long long outputs = p.m * p.n;
  const int blocks = static_cast<int>(std::min<long long>((outputs + kWarpsPerBlock - 1) / kWarpsPerBlock, 65535));
  auto* kernel = gemm_warp_kernel<T>;
  TARSIER_LAUNCH(kernel, blocks, kWarpsPerBlock * 32, 0, stream)(args);
}

}  // namespace

bool gemm_supported(const kernels::GemmParams& p, ConvMath math, std::string* why) {
  (void)math;
  auto fail = [&](const char* what) {
    if (why != nullptr) *why = what;
    return false;
  };
  if (p.m < 1 || p.n < 1 || p.k < 1) return fail("m, n and k must be positive");
  constexpr std::int64_t kMax = std::numeric_limits<int>::max();
  if (p.m * p.k >= kMax || p.k * p.n >= kMax || p.m * p.n >= kMax)
    return fail("an operand has 2^31 or more elements (32-bit indexing)");
  return true;
}

void gemm(const kernels::GemmParams& p, ConvMath math, const void* a, const float* b, const float* c, void* y,
          cudaStream_t stream) {
  std::string why;
  if (!gemm_supported(p, math, &why)) throw Error(ErrorCode::UnsupportedModel, "cuda gemm: " + why);
  if (a == nullptr || b == nullptr || y == nullptr || (p.bias != kernels::BiasKind::None && c == nullptr))
    throw Error(ErrorCode::InvalidArgument, "cuda gemm: null a, b, y, or c with a bias");
  if (math == ConvMath::Fp32)
    run<float>(p, a, b, c, y, stream);
  else
    run<__half>(p, a, b, c, y, stream);
}

}  // namespace tarsier::TARSIER_CUDA_NS
