#pragma once
// The machine a benchmark ran on, printed with its results so numbers can be compared
// only where they are comparable.
#include <string>
#include <vector>

namespace tarsier::cli {

struct SystemInfo {
  std::string cpu_model;               // /proc/cpuinfo "model name" (or the ARM equivalents)
  std::string isa;                     // best vector ISA the CPU reports: avx512, avx2, sse4.2, neon, ...
  std::vector<std::string> isa_flags;  // the relevant CPU flags present (fma, avx2, avx512f, ...)
  std::string isa_forced;              // TARSIER_ISA if set, else empty
  std::string governor;                // cpufreq scaling governor of the first allowed CPU, or "unknown"
  double cpu_mhz = 0;                  // as /proc/cpuinfo reports it now, 0 if absent
  int online_cpus = 0;
  std::vector<int> affinity;           // CPUs this process may run on
  double load_average = -1;            // 1-minute load average (/proc/loadavg); -1 if unknown.
                                       // Above the CPU count means the timings are contended.
};

SystemInfo probe_system();

// "0-3,6" from {0, 1, 2, 3, 6}.
std::string format_cpu_list(const std::vector<int>& cpus);

// Peak resident set size of this process so far, in MiB (getrusage ru_maxrss).
double peak_rss_mb();

}  // namespace tarsier::cli
