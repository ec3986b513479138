#include "bench/bench_cli.hpp"

#include "process_run.hpp"

namespace tarsier::test {

BenchResult run_bench_cli(const TempDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> all{"bench"};
  all.insert(all.end(), args.begin(), args.end());
  const ProcessResult p = run_process(TARSIER_CLI_PATH, all, dir.path("stdout.txt"), dir.path("stderr.txt"));
  return BenchResult{p.exit_code, p.out, p.err};
}

}  // namespace tarsier::test
