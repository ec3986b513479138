#include "kernels/x86/cpu_features.hpp"

#include <cpuid.h>

#include <cstdint>

namespace tarsier::x86 {

namespace {

struct Regs {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
};

Regs cpuid(unsigned leaf, unsigned subleaf) {
  Regs r;
  if (!__get_cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx)) return Regs{};
  return r;
}

// XCR0: which register states the OS saves. Only valid when CPUID says OSXSAVE.
std::uint64_t xgetbv0() {
  unsigned lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

bool bit(unsigned reg, int b) { return ((reg >> b) & 1u) != 0; }

}  // namespace

CpuFeatures detect_cpu_features() {
  CpuFeatures f;
  const Regs l0 = cpuid(0, 0);
  if (l0.eax < 7) return f;
  const Regs l1 = cpuid(1, 0);
  const bool osxsave = bit(l1.ecx, 27);
  if (!osxsave) return f;
  const std::uint64_t xcr0 = xgetbv0();
  const bool ymm_state = (xcr0 & 0x6) == 0x6;     // SSE + AVX
  const bool zmm_state = (xcr0 & 0xE6) == 0xE6;   // + opmask, ZMM_Hi256, Hi16_ZMM
  const Regs l7 = cpuid(7, 0);
  const bool avx = bit(l1.ecx, 28), fma = bit(l1.ecx, 12), f16c = bit(l1.ecx, 29);
  const bool avx2 = bit(l7.ebx, 5);
  f.avx2_fma = ymm_state && avx && avx2 && fma && f16c;
  const bool avx512f = bit(l7.ebx, 16), avx512dq = bit(l7.ebx, 17), avx512bw = bit(l7.ebx, 30),
             avx512vl = bit(l7.ebx, 31);
  f.avx512 = f.avx2_fma && zmm_state && avx512f && avx512dq && avx512bw && avx512vl;
  return f;
}

bool has_isa(Isa isa) {
  const CpuFeatures f = detect_cpu_features();
  return isa == Isa::Avx512 ? f.avx512 : f.avx2_fma;
}

Isa best_isa() { return detect_cpu_features().avx512 ? Isa::Avx512 : Isa::Avx2; }

const char* isa_name(Isa isa) { return isa == Isa::Avx512 ? "avx512" : "avx2"; }

}  // namespace tarsier::x86
