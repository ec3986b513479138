// CPUID/XGETBV detection agrees with the compiler runtime's own detection.
#include "kernels/x86/cpu_features.hpp"

#include <gtest/gtest.h>

namespace tarsier::x86 {
namespace {

TEST(CpuFeatures, AgreesWithCompilerRuntime) {
  const CpuFeatures f = detect_cpu_features();
  // The compiler runtime also checks OS support (XGETBV) for these.
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  EXPECT_EQ(f.avx2_fma, avx2);
  EXPECT_EQ(f.avx512, avx512);
  EXPECT_EQ(best_isa(), avx512 ? Isa::Avx512 : Isa::Avx2);
  EXPECT_EQ(has_isa(Isa::Avx512), avx512);
  EXPECT_EQ(has_isa(Isa::Avx2), avx2);
}

TEST(CpuFeatures, Avx512ImpliesAvx2) {
  const CpuFeatures f = detect_cpu_features();
  EXPECT_TRUE(!f.avx512 || f.avx2_fma);
}

}  // namespace
}  // namespace tarsier::x86
