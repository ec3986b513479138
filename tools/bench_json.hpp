#pragma once
// The machine-readable form of a benchmark report (`tarsier bench --json`).
#include <nlohmann/json.hpp>

#include "bench_runner.hpp"

namespace tarsier::cli {

// One object: flat latency fields (p50_ms, ...), memory, machine, and the per-layer
// list (kernel always; ms, share and gflops_per_s only when profiled).
nlohmann::ordered_json to_json(const BenchReport& report);

// GFLOP/s of `flops` done in `ms` milliseconds (0 when ms is 0).
double gflops_per_s(std::int64_t flops, double ms);

}  // namespace tarsier::cli
