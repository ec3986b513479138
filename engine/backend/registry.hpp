#pragma once
// The backends this build knows, best first. Adding a backend is one line in
// registry.cpp plus its folder (e.g. backend/avx512/, backend/cuda/).
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.hpp"

namespace tarsier {

struct BackendEntry {
  std::string_view name;
  bool (*available)();  // e.g. CPUID says AVX-512 is there, or a CUDA device exists
  std::unique_ptr<Backend> (*create)();
  bool automatic;  // may "auto" pick it (device backends are chosen explicitly)
};

std::span<const BackendEntry> backend_registry();

// "auto" = the first available automatic backend. Throws Error(InvalidArgument) for an
// unknown name and Error(UnsupportedModel) for a known one this machine cannot run.
std::unique_ptr<Backend> create_backend(std::string_view name);

std::vector<std::string> available_backends();

}  // namespace tarsier
