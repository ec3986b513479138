#pragma once
// The CUDA atomics (the overloads CUDA 11.4 has for sm_60+, no more: a kernel
// that compiles here must compile under nvcc). Blocks run one at a time, but
// the GCC __atomic builtins keep them correct should the emulator ever run
// blocks on several OS threads.

inline int atomicAdd(int* p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
inline unsigned atomicAdd(unsigned* p, unsigned v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
  return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

namespace tarsier::simt::detail {
template <class T, class F>
T atomic_update(T* p, F f) {
  T old;
  __atomic_load(p, &old, __ATOMIC_RELAXED);
  T desired = f(old);
  while (!__atomic_compare_exchange(p, &old, &desired, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) desired = f(old);
  return old;
}
}  // namespace tarsier::simt::detail

inline float atomicAdd(float* p, float v) {
  return tarsier::simt::detail::atomic_update(p, [v](float x) { return x + v; });
}
inline double atomicAdd(double* p, double v) {
  return tarsier::simt::detail::atomic_update(p, [v](double x) { return x + v; });
}

inline int atomicSub(int* p, int v) { return __atomic_fetch_sub(p, v, __ATOMIC_RELAXED); }
inline unsigned atomicSub(unsigned* p, unsigned v) { return __atomic_fetch_sub(p, v, __ATOMIC_RELAXED); }

inline int atomicExch(int* p, int v) { return __atomic_exchange_n(p, v, __ATOMIC_RELAXED); }
inline unsigned atomicExch(unsigned* p, unsigned v) { return __atomic_exchange_n(p, v, __ATOMIC_RELAXED); }
inline unsigned long long atomicExch(unsigned long long* p, unsigned long long v) {
  return __atomic_exchange_n(p, v, __ATOMIC_RELAXED);
}
inline float atomicExch(float* p, float v) {
  float old;
  __atomic_exchange(p, &v, &old, __ATOMIC_RELAXED);
  return old;
}

#define TARSIER_SIMT_MINMAX(T)                                                          \
  inline T atomicMin(T* p, T v) {                                                       \
    return tarsier::simt::detail::atomic_update(p, [v](T x) { return v < x ? v : x; }); \
  }                                                                                     \
  inline T atomicMax(T* p, T v) {                                                       \
    return tarsier::simt::detail::atomic_update(p, [v](T x) { return v > x ? v : x; }); \
  }
TARSIER_SIMT_MINMAX(int)
TARSIER_SIMT_MINMAX(unsigned)
TARSIER_SIMT_MINMAX(long long)
TARSIER_SIMT_MINMAX(unsigned long long)
#undef TARSIER_SIMT_MINMAX

#define TARSIER_SIMT_CAS_BITS(T)                                                            \
  inline T atomicCAS(T* p, T compare, T v) {                                                \
    __atomic_compare_exchange_n(p, &compare, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED); \
    return compare;                                                                         \
  }                                                                                         \
  inline T atomicAnd(T* p, T v) { return __atomic_fetch_and(p, v, __ATOMIC_RELAXED); }      \
  inline T atomicOr(T* p, T v) { return __atomic_fetch_or(p, v, __ATOMIC_RELAXED); }        \
  inline T atomicXor(T* p, T v) { return __atomic_fetch_xor(p, v, __ATOMIC_RELAXED); }
TARSIER_SIMT_CAS_BITS(int)
TARSIER_SIMT_CAS_BITS(unsigned)
TARSIER_SIMT_CAS_BITS(unsigned long long)
#undef TARSIER_SIMT_CAS_BITS
