#pragma once
// Runs a program through the shell with its stdout and stderr captured in files: how the CLI
// tests of several areas drive the real `tarsier` binary.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace tarsier::test {

struct ProcessResult {
  int exit_code = -1;  // -1 when the process died from a signal
  int signal = 0;
  std::string out, err;
};

// Single-quoted for /bin/sh, embedded quotes escaped.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// `program args...` with stdout and stderr written to (and read back from) the given files.
inline ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                                 const std::filesystem::path& stdout_file, const std::filesystem::path& stderr_file) {
  std::string command = shell_quote(program);
  for (const auto& a : args) command.append(" ").append(shell_quote(a));
  command.append(" >").append(shell_quote(stdout_file.string()));
  command.append(" 2>").append(shell_quote(stderr_file.string()));
  const int status = std::system(command.c_str());
  ProcessResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = read_text_file(stdout_file);
  r.err = read_text_file(stderr_file);
  return r;
}

}  // namespace tarsier::test
