#include "bench/bench_cli.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace tarsier::test {
namespace {

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

}  // namespace

BenchResult run_bench_cli(const TempDir& dir, const std::vector<std::string>& args) {
  // Appends, not "x" + string: GCC 12 gives a false -Wrestrict on the latter.
  std::string command = quote(TARSIER_CLI_PATH);
  command += " bench";
  for (const auto& a : args) {
    command += ' ';
    command += quote(a);
  }
  const auto out = dir.path("stdout.txt"), err = dir.path("stderr.txt");
  command += " >";
  command += quote(out.string());
  command += " 2>";
  command += quote(err.string());
  const int status = std::system(command.c_str());
  BenchResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

}  // namespace tarsier::test
