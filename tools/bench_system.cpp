#include "bench_system.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace tarsier::cli {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") + 1 - first);
}

// The "key : value" lines of the first processor block of /proc/cpuinfo.
std::map<std::string, std::string> first_cpuinfo_block() {
  std::map<std::string, std::string> fields;
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (trim(line).empty()) {
      if (!fields.empty()) break;
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    fields.emplace(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  return fields;
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return trim(line);
}

}  // namespace

SystemInfo probe_system() {
  SystemInfo info;
  const auto cpu = first_cpuinfo_block();
  for (const char* key : {"model name", "Model", "Hardware", "cpu model"}) {
    if (auto it = cpu.find(key); it != cpu.end() && !it->second.empty()) {
      info.cpu_model = it->second;
      break;
    }
  }
  if (info.cpu_model.empty()) info.cpu_model = "unknown";
  if (auto it = cpu.find("cpu MHz"); it != cpu.end()) info.cpu_mhz = std::atof(it->second.c_str());

  std::string flags_line;
  if (auto it = cpu.find("flags"); it != cpu.end()) flags_line = it->second;
  else if (auto f = cpu.find("Features"); f != cpu.end()) flags_line = f->second;
  std::istringstream flags(flags_line);
  std::vector<std::string> present;
  for (std::string flag; flags >> flag;) present.push_back(flag);
  const auto has = [&](const char* flag) { return std::find(present.begin(), present.end(), flag) != present.end(); };
  // Only the flags the kernels care about, best last, so the report stays short.
  for (const char* flag : {"sse4_2", "avx", "fma", "f16c", "avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq",
                           "avx512_vnni", "avx512_bf16", "amx_tile", "asimd", "asimdhp", "asimddp", "sve"})
    if (has(flag)) info.isa_flags.emplace_back(flag);
  if (has("avx512f") && has("avx512bw") && has("avx512vl")) info.isa = "avx512";
  else if (has("avx2") && has("fma")) info.isa = "avx2";
  else if (has("sse4_2")) info.isa = "sse4.2";
  else if (has("asimd")) info.isa = "neon";
  else info.isa = "baseline";
  if (const char* forced = std::getenv("TARSIER_ISA")) info.isa_forced = forced;

  info.online_cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) info.affinity.push_back(c);

  const int first_cpu = info.affinity.empty() ? 0 : info.affinity.front();
  info.governor = first_line("/sys/devices/system/cpu/cpu" + std::to_string(first_cpu) + "/cpufreq/scaling_governor");
  if (info.governor.empty()) info.governor = "unknown";
  if (const std::string load = first_line("/proc/loadavg"); !load.empty()) info.load_average = std::atof(load.c_str());
  return info;
}

std::string format_cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(cpus[i]);
    if (j > i) {
      out += '-';
      out += std::to_string(cpus[j]);
    }
    i = j + 1;
  }
  return out;
}

double peak_rss_mb() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

}  // namespace tarsier::cli
