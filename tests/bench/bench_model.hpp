#pragma once
// A tiny model with every kind of step the profiler must handle: executed kernels,
// fused epilogues, an in-place concat and an alias (reshape).
#include <filesystem>

#include "runtime/graph_builder.hpp"

namespace tarsier::test {

std::filesystem::path save_bench_model(const TempDir& dir);

}  // namespace tarsier::test
