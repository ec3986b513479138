// 3x3 stride-1 convolutions on NHWC, one thread: Winograd F(2x2) / F(4x4)
// against im2col + GEMM (the same x86::gemm on k = 9 * c_in), with GFLOP/s
// counted as the direct convolution's 2 * c_out * c_in * 9 * h_out * w_out over
// thread CPU time, and the fraction of this core's measured FMA peak. Also
// depthwise 3x3, max pooling and bilinear resize throughput. Pin it and compare
// within one run; other processes share the cores:
//   taskset -c 1 ./bench_conv --benchmark_repetitions=5
//   --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "../kernels/aligned_buffer.hpp"
#include "../peak/peak.hpp"
#include "kernels/x86/conv_kernels.hpp"
#include "kernels/x86/cpu_features.hpp"
#include "kernels/x86/gemm.hpp"

namespace {

using tarsier::bench::AlignedBuffer;
using tarsier::kernels::Conv2dParams;
using tarsier::x86::Isa;
using tarsier::x86::WinogradTile;
namespace x86 = tarsier::x86;

struct Layer {
  const char* name;
  std::int64_t c_in, c_out, h, w;
};

constexpr Layer kLayers[] = {
    {"resnet18_56x56x64", 64, 64, 56, 56},         {"resnet18_28x28x128", 128, 128, 28, 28},
    {"resnet18_14x14x256", 256, 256, 14, 14},      {"resnet18_7x7x512", 512, 512, 7, 7},
    {"unet64_256x256x64", 64, 64, 256, 256},       {"unet64_128x128x128", 128, 128, 128, 128},
    {"unet64_256x256_128to64", 128, 64, 256, 256},
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

Conv2dParams params(const Layer& l) {
  Conv2dParams p;
  p.c_in = l.c_in;
  p.c_out = l.c_out;
  p.h_in = p.h_out = l.h;
  p.w_in = p.w_out = l.w;
  p.kernel_h = p.kernel_w = 3;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  p.epilogue.act = tarsier::kernels::Activation::Relu;
  return p;
}

double direct_flops(const Conv2dParams& p) { return 2.0 * p.c_out * p.c_in * 9.0 * p.h_out * p.w_out; }

void report(benchmark::State& state, double flops, double secs, double peak) {
  const double gflops = flops * static_cast<double>(state.iterations()) / secs * 1e-9;
  state.counters["GFLOP/s"] = gflops;
  state.counters["peak_frac"] = gflops / peak;
}

void bm_winograd(benchmark::State& state, Isa isa, WinogradTile t, x86::WinogradWeights mode, Layer l, double peak) {
  const Conv2dParams p = params(l);
  AlignedBuffer x(static_cast<std::size_t>(p.h_in * p.w_in * p.c_in)),
      w(static_cast<std::size_t>(p.c_out * p.c_in * 9)), bias(static_cast<std::size_t>(p.c_out)),
      y(static_cast<std::size_t>(p.h_out * p.w_out * p.c_out));
  fill_random(x, 1);
  fill_random(w, 2);
  fill_random(bias, 3);
  AlignedBuffer packed(x86::winograd_weight_floats(isa, t, mode, p.c_in, p.c_out));
  x86::winograd_prepare_weights(isa, t, mode, w.data(), p.c_in, p.c_out, packed.data());
  AlignedBuffer ws(x86::winograd_workspace_floats(isa, t, p, mode));
  const std::int64_t tiles = x86::winograd_tiles(t, p);
  const double t0 = thread_cpu_seconds();
  for (auto _ : state) {
    x86::winograd_conv(isa, t, p, x.data(), packed.data(), bias.data(), nullptr, 0, y.data(), p.c_out, ws.data(), 0,
                       tiles, 0, -1, mode);
    benchmark::ClobberMemory();
  }
  report(state, direct_flops(p), thread_cpu_seconds() - t0, peak);
  state.counters["block"] = static_cast<double>(x86::winograd_tile_block(isa, t, p));
}

// NHWC im2col: row (oh, ow) = the 3x3 x c_in window, zeros in the padding; then
// one GEMM.
void im2col(const Conv2dParams& p, const float* x, float* a) {
  const std::int64_t k = 9 * p.c_in;
  for (std::int64_t oh = 0; oh < p.h_out; ++oh)
    for (std::int64_t ow = 0; ow < p.w_out; ++ow) {
      float* row = a + (oh * p.w_out + ow) * k;
      for (std::int64_t kh = 0; kh < 3; ++kh)
        for (std::int64_t kw = 0; kw < 3; ++kw) {
          const std::int64_t ih = oh + kh - p.pad_top, iw = ow + kw - p.pad_left;
          float* dst = row + (kh * 3 + kw) * p.c_in;
          if (ih < 0 || ih >= p.h_in || iw < 0 || iw >= p.w_in)
            std::memset(dst, 0, static_cast<std::size_t>(p.c_in) * sizeof(float));
          else
            std::memcpy(dst, x + (ih * p.w_in + iw) * p.c_in, static_cast<std::size_t>(p.c_in) * sizeof(float));
        }
    }
}

void bm_im2col_gemm(benchmark::State& state, Isa isa, Layer l, double peak) {
  const Conv2dParams p = params(l);
  const std::int64_t m = p.h_out * p.w_out, k = 9 * p.c_in, n = p.c_out;
  AlignedBuffer x(static_cast<std::size_t>(p.h_in * p.w_in * p.c_in)), w(static_cast<std::size_t>(n * k)),
      bias(static_cast<std::size_t>(n)), y(static_cast<std::size_t>(m * n)), a(static_cast<std::size_t>(m * k));
  fill_random(x, 1);
  fill_random(w, 2);
  fill_random(bias, 3);
  // GEMM B = weights as [kh][kw][c_in] x c_out, i.e. OHWI rows: n x k.
  AlignedBuffer packed(x86::packed_b_floats(isa, k, n));
  x86::pack_b(isa, w.data(), k, true, k, n, packed.data());
  AlignedBuffer ws(x86::gemm_workspace_floats(isa, m, k));
  x86::GemmEpilogue ep;
  ep.bias = bias.data();
  ep.act.act = tarsier::kernels::Activation::Relu;
  const double t0 = thread_cpu_seconds();
  for (auto _ : state) {
    im2col(p, x.data(), a.data());
    x86::gemm(isa, m, n, k, a.data(), k, packed.data(), y.data(), n, ep, ws.data());
    benchmark::ClobberMemory();
  }
  report(state, direct_flops(p), thread_cpu_seconds() - t0, peak);
}

void bm_dwconv(benchmark::State& state, Isa isa, std::int64_t c, std::int64_t h, std::int64_t stride) {
  Conv2dParams p;
  p.c_in = p.c_out = p.groups = c;
  p.h_in = p.w_in = h;
  p.kernel_h = p.kernel_w = 3;
  p.stride_h = p.stride_w = stride;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  p.h_out = p.w_out = (h + 2 - 3) / stride + 1;
  p.epilogue.act = tarsier::kernels::Activation::Clip;
  p.epilogue.clip_min = 0.0f;
  p.epilogue.clip_max = 6.0f;
  AlignedBuffer x(static_cast<std::size_t>(h * h * c)), w(static_cast<std::size_t>(9 * c)),
      bias(static_cast<std::size_t>(c)), y(static_cast<std::size_t>(p.h_out * p.w_out * c + 256)),
      packed(static_cast<std::size_t>(9 * c));
  fill_random(x, 1);
  fill_random(w, 2);
  x86::dwconv_pack_weights(p, w.data(), packed.data());
  const double t0 = thread_cpu_seconds();
  for (auto _ : state) {
    x86::dwconv_nhwc(isa, p, x.data(), packed.data(), bias.data(), nullptr, 0, y.data() + 200, c, 0, x86::conv_rows(p));
    benchmark::ClobberMemory();
  }
  const double secs = thread_cpu_seconds() - t0;
  state.counters["GB/s"] =
      static_cast<double>(x.size() + y.size()) * 4.0 * static_cast<double>(state.iterations()) / secs * 1e-9;
}

void register_all() {
  for (Isa isa : {Isa::Avx2, Isa::Avx512}) {
    if (!x86::has_isa(isa)) continue;
    const double peak =
        isa == Isa::Avx512 ? tarsier::bench::peak_gflops_avx512(10) : tarsier::bench::peak_gflops_avx2(10);
    const std::string in = x86::isa_name(isa);
    for (const Layer& l : kLayers) {
      for (const auto mode : {x86::WinogradWeights::Stored, x86::WinogradWeights::Streamed}) {
        const std::string suffix = mode == x86::WinogradWeights::Streamed ? "_streamed" : "";
        benchmark::RegisterBenchmark(("conv3x3/" + in + "/" + l.name + "/winograd_f4" + suffix).c_str(), bm_winograd,
                                     isa, WinogradTile::F4x4, mode, l, peak)
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("conv3x3/" + in + "/" + l.name + "/winograd_f2" + suffix).c_str(), bm_winograd,
                                     isa, WinogradTile::F2x2, mode, l, peak)
            ->Unit(benchmark::kMillisecond);
      }
      benchmark::RegisterBenchmark(("conv3x3/" + in + "/" + l.name + "/im2col_gemm").c_str(), bm_im2col_gemm, isa, l,
                                   peak)
          ->Unit(benchmark::kMillisecond);
    }
    for (std::int64_t stride : {1, 2})
      benchmark::RegisterBenchmark(("dwconv3x3/" + in + "/112x112x96/s" + std::to_string(stride)).c_str(), bm_dwconv,
                                   isa, 96, 112, stride)
          ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("dwconv3x3/" + in + "/28x28x96/s1").c_str(), bm_dwconv, isa, 96, 28, 1)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("dwconv3x3/" + in + "/28x28x1024/s1").c_str(), bm_dwconv, isa, 1024, 28, 1)
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
