#pragma once
// Runs the real `tarsier bench` binary with its output captured in files of a TempDir.
#include <string>
#include <vector>

#include "runtime/graph_builder.hpp"

namespace tarsier::test {

struct BenchResult {
  int exit_code = -1;  // -1 when the process did not exit normally
  std::string out, err;
};

BenchResult run_bench_cli(const TempDir& dir, const std::vector<std::string>& args);

}  // namespace tarsier::test
