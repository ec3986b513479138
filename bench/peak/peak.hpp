#pragma once
// Single-core FP32 FMA peak of this machine, measured rather than taken from a data sheet
// (the vendor number depends on turbo, on whether 512-bit FMAs are double-pumped, and on the
// hypervisor). Header-only with per-function target attributes so that any benchmark can use
// it without special compile flags; only call an ISA's probe when the CPU supports it.
#include <immintrin.h>

#include <time.h>

#include <algorithm>
#include <cstdint>

namespace tarsier::bench {

namespace detail {

// kChains independent accumulators: enough to cover FMA latency (4-5 cycles) times the number
// of FMA pipes (2), with margin. Each iteration is kChains FMAs of one vector each.
constexpr int kChains = 12;

// CPU time of the calling thread: time while descheduled (other processes share these cores)
// is not counted, so the probe reports what the core does when it runs us.
inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

__attribute__((target("avx2,fma"), noinline)) inline float fma_loop_avx2(std::int64_t iters, float seed) {
  __m256 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(seed + static_cast<float>(i));
  // A multiplier just below one and a tiny addend keep values finite for any iteration count.
  const __m256 mul = _mm256_set1_ps(0.999999f), add = _mm256_set1_ps(1e-7f);
  for (std::int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], mul, add);
  }
  // Every chain feeds the result, so none can be removed as dead code.
  __m256 s = acc[0];
#pragma GCC unroll 16
  for (int i = 1; i < kChains; ++i) s = _mm256_add_ps(s, acc[i]);
  return _mm256_cvtss_f32(s);
}

__attribute__((target("avx512f,fma"), noinline)) inline float fma_loop_avx512(std::int64_t iters, float seed) {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(seed + static_cast<float>(i));
  const __m512 mul = _mm512_set1_ps(0.999999f), add = _mm512_set1_ps(1e-7f);
  for (std::int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], mul, add);
  }
  __m512 s = acc[0];
#pragma GCC unroll 16
  for (int i = 1; i < kChains; ++i) s = _mm512_add_ps(s, acc[i]);
  // Lane 0 depends on every chain; no horizontal reduction needed (and no -Wuninitialized
  // noise from GCC 12's _mm512_reduce_add_ps).
  return _mm512_cvtss_f32(s);
}

// Best of several short timed runs: interference (cache pollution, frequency dips) only ever
// makes a run slower.
template <typename Loop>
double best_gflops(Loop loop, int lanes, int repeats) {
  constexpr std::int64_t kIters = 2'000'000;
  volatile float sink = loop(kIters / 10, 1.0f);  // warm up (clock ramp, AVX-512 license)
  double best = 0.0;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = thread_cpu_seconds();
    sink = loop(kIters, 1.0f + static_cast<float>(r));
    const double s = thread_cpu_seconds() - t0;
    best = std::max(best, 2.0 * lanes * kChains * static_cast<double>(kIters) / s * 1e-9);
  }
  (void)sink;
  return best;
}

}  // namespace detail

inline bool cpu_has_avx2_fma() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
inline bool cpu_has_avx512f() { return __builtin_cpu_supports("avx512f"); }

// GFLOP/s of one core (the calling thread), counting an FMA as two FLOPs.
inline double peak_gflops_avx2(int repeats = 30) {
  return detail::best_gflops(detail::fma_loop_avx2, 8, repeats);
}
inline double peak_gflops_avx512(int repeats = 30) {
  return detail::best_gflops(detail::fma_loop_avx512, 16, repeats);
}

}  // namespace tarsier::bench
