#pragma once
// The machine-readable form of a benchmark report (`tarsier bench --json`).
#include <nlohmann/json.hpp>

#include "bench_runner.hpp"

namespace tarsier::cli {

// One object: flat latency fields (p50_ms, ...), memory, machine, and the per-layer
// list (kernel always; ms, share and gflops_per_s only when profiled). With --e2e an
// "e2e" object (latency fields, samples_ms and "stages": decode, preprocess, inference,
// each with its latency fields and share of the mean); with --threads-sweep a "sweep"
// array (one object per thread count: threads, load_ms, first_run_ms, latency fields,
// throughput_per_s, speedup_p50). Both keys are absent when not asked for.
nlohmann::ordered_json to_json(const BenchReport& report);

// GFLOP/s of `flops` done in `ms` milliseconds (0 when ms is 0).
double gflops_per_s(std::int64_t flops, double ms);

}  // namespace tarsier::cli
