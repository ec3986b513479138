// libFuzzer target for the .tsr reader: any input must either load or end in
// tarsier::Error. Anything else (a crash, a sanitizer report, another exception
// escaping, a leak, a timeout) is a finding.
#include <cstddef>
#include <cstdint>
#include <span>
#include <tarsier/error.hpp>

#include "format/tsr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    tarsier::read_tsr(std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size));
  } catch (const tarsier::Error&) {
  }
  return 0;
}
