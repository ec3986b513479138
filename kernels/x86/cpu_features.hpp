#pragma once
// Run-time detection of the x86 SIMD levels the kernels need: the instruction set (CPUID)
// and the OS saving the wider registers on context switches (XGETBV), since a hypervisor or
// kernel may expose the CPUID bits without enabling the state.
#include "kernels/x86/gemm.hpp"

namespace tarsier::x86 {

struct CpuFeatures {
  bool avx2_fma = false;  // AVX2 + FMA3 (+ F16C), with YMM state enabled by the OS
  bool avx512 = false;    // AVX-512 F/BW/DQ/VL, with ZMM and opmask state enabled by the OS
};

// Queries CPUID/XGETBV each call (cheap); callers that care cache the result.
CpuFeatures detect_cpu_features();

// The widest ISA the kernels support on this CPU. Returns Avx2 also when not even AVX2 is
// available: check has_isa() before using it (the backend then falls back to kernels/ref).
Isa best_isa();
bool has_isa(Isa isa);
const char* isa_name(Isa isa);  // "avx2", "avx512"

}  // namespace tarsier::x86
