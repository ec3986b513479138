// GEMM throughput on the shapes of real layers, per ISA, with GFLOP/s and the fraction of this
// core's FMA peak (measured at start-up by bench/peak/peak.hpp, the same probe as peak_fma).
// Pin it and compare ratios within one run; other processes share the cores:
//   taskset -c 1 ./bench_gemm --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <time.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "../peak/peak.hpp"
#include "aligned_buffer.hpp"
#include "kernels/x86/cpu_features.hpp"
#include "kernels/x86/gemm.hpp"

namespace {

using tarsier::bench::AlignedBuffer;
using tarsier::x86::Isa;

struct Shape {
  const char* name;
  std::int64_t m, n, k;
};

// NHWC convolutions as GEMMs: m = output pixels, n = output channels, k = Cin * kh * kw.
constexpr Shape kShapes[] = {
    {"resnet18_l1_3x3_im2col", 3136, 64, 576},
    {"resnet18_l2_3x3_im2col", 784, 128, 1152},
    {"resnet18_l3_3x3_im2col", 196, 256, 2304},
    {"resnet18_l4_3x3_im2col", 49, 512, 4608},
    {"resnet18_l2_1x1_down", 784, 128, 64},
    {"resnet18_l3_1x1_down", 196, 256, 128},
    {"resnet18_l4_1x1_down", 49, 512, 256},
    {"resnet18_fc", 1, 1000, 512},
    {"unet64_3x3_im2col", 65536, 64, 576},
    {"square_1024", 1024, 1024, 1024},
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void fill_random(AlignedBuffer& buf, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (std::size_t i = 0; i < buf.size(); ++i) buf.data()[i] = dist(gen);
}

void bm_gemm(benchmark::State& state, Isa isa, Shape s, double peak_gflops) {
  AlignedBuffer a(static_cast<std::size_t>(s.m * s.k)), b(static_cast<std::size_t>(s.k * s.n)),
      bias(static_cast<std::size_t>(s.n)), c(static_cast<std::size_t>(s.m * s.n));
  fill_random(a, 1);
  fill_random(b, 2);
  fill_random(bias, 3);
  AlignedBuffer packed(tarsier::x86::packed_b_floats(isa, s.k, s.n));
  // Conv weights arrive OIHW, i.e. n x k.
  tarsier::x86::pack_b(isa, b.data(), s.k, true, s.k, s.n, packed.data());
  AlignedBuffer ws(tarsier::x86::gemm_workspace_floats(isa, s.m, s.k));
  tarsier::x86::GemmEpilogue ep;
  ep.bias = bias.data();
  ep.act.act = tarsier::kernels::Activation::Relu;

  const double t0 = thread_cpu_seconds();
  for (auto _ : state) {
    tarsier::x86::gemm(isa, s.m, s.n, s.k, a.data(), s.k, packed.data(), c.data(), s.n, ep, ws.data());
    benchmark::ClobberMemory();
  }
  const double secs = thread_cpu_seconds() - t0;
  const double gflops = 2.0 * static_cast<double>(s.m * s.n * s.k) * static_cast<double>(state.iterations()) / secs * 1e-9;
  state.counters["GFLOP/s"] = gflops;
  state.counters["peak_frac"] = gflops / peak_gflops;
}

// Load-time cost of packing the largest ResNet18 conv (512 x 4608, OIHW) once.
void bm_pack_b(benchmark::State& state, Isa isa) {
  const std::int64_t n = 512, k = 4608;
  AlignedBuffer b(static_cast<std::size_t>(n * k)), packed(tarsier::x86::packed_b_floats(isa, k, n));
  fill_random(b, 4);
  for (auto _ : state) {
    tarsier::x86::pack_b(isa, b.data(), k, true, k, n, packed.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * n * k * static_cast<std::int64_t>(sizeof(float)));
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const tarsier::x86::CpuFeatures f = tarsier::x86::detect_cpu_features();
  struct IsaRun {
    Isa isa;
    bool ok;
    double (*peak)(int);
  };
  const IsaRun isas[] = {{Isa::Avx512, f.avx512, tarsier::bench::peak_gflops_avx512},
                         {Isa::Avx2, f.avx2_fma, tarsier::bench::peak_gflops_avx2}};
  for (const IsaRun& r : isas) {
    if (!r.ok) continue;
    const double peak = r.peak(30);
    benchmark::AddCustomContext(std::string("peak_gflops_") + tarsier::x86::isa_name(r.isa), std::to_string(peak));
    for (const Shape& s : kShapes) {
      const std::string name = std::string("gemm/") + tarsier::x86::isa_name(r.isa) + "/" + s.name + "/m" +
                               std::to_string(s.m) + "_n" + std::to_string(s.n) + "_k" + std::to_string(s.k);
      benchmark::RegisterBenchmark(name.c_str(), bm_gemm, r.isa, s, peak)->Unit(benchmark::kMicrosecond);
    }
    benchmark::RegisterBenchmark((std::string("pack_b/") + tarsier::x86::isa_name(r.isa) + "/n512_k4608").c_str(),
                                 bm_pack_b, r.isa)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
