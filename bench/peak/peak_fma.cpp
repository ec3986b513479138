// Prints this machine's single-core FP32 FMA peak per ISA. Pin it for stable numbers:
//   taskset -c 1 ./peak_fma
#include <cstdio>

#include "peak.hpp"

int main() {
  using namespace tarsier::bench;
  if (cpu_has_avx2_fma()) std::printf("avx2   fp32 fma peak: %7.1f GFLOP/s (1 core)\n", peak_gflops_avx2());
  else std::printf("avx2   not supported\n");
  if (cpu_has_avx512f()) std::printf("avx512 fp32 fma peak: %7.1f GFLOP/s (1 core)\n", peak_gflops_avx512());
  else std::printf("avx512 not supported\n");
  return 0;
}
