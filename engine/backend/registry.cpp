#include "backend/registry.hpp"

#include <array>
#include <cstdlib>
#include <tarsier/error.hpp>

#include "backend/ref/ref_backend.hpp"
#ifdef TARSIER_HAVE_X86_KERNELS
#include "backend/x86/x86_backend.hpp"
#endif

namespace tarsier {
namespace {

bool always() { return true; }

// Best first: "auto" takes the first available automatic entry.
constexpr std::array kBackends{
#ifdef TARSIER_HAVE_X86_KERNELS
    BackendEntry{"avx512", &x86_backend::avx512_available, &x86_backend::make_avx512_backend, true},
    BackendEntry{"avx2", &x86_backend::avx2_available, &x86_backend::make_avx2_backend, true},
#endif
    BackendEntry{"ref", &always, &make_ref_backend, true},
};

// TARSIER_ISA=ref|avx2|avx512 forces what "auto" means (tests run every ISA this way).
std::string_view forced_isa() {
  const char* isa = std::getenv("TARSIER_ISA");
  return isa ? std::string_view(isa) : std::string_view();
}

}  // namespace

std::span<const BackendEntry> backend_registry() { return kBackends; }

std::unique_ptr<Backend> create_backend(std::string_view name) {
  if (name == "auto") {
    if (const std::string_view isa = forced_isa(); !isa.empty()) {
      for (const auto& entry : kBackends) {
        if (entry.name != isa || !entry.automatic) continue;
        if (!entry.available())
          throw Error(ErrorCode::UnsupportedModel, "TARSIER_ISA=" + std::string(isa) +
                                                       " but this CPU (or this build) cannot run the '" +
                                                       std::string(isa) + "' backend");
        return entry.create();
      }
      throw Error(ErrorCode::InvalidArgument,
                  "TARSIER_ISA='" + std::string(isa) + "' is not one of ref, avx2, avx512");
    }
    for (const auto& entry : kBackends)
      if (entry.automatic && entry.available()) return entry.create();
    throw Error(ErrorCode::Internal, "no backend is available on this machine");
  }
  std::string known;
  for (const auto& entry : kBackends) {
    if (entry.name == name) {
      if (!entry.available())
        throw Error(ErrorCode::UnsupportedModel,
                    "backend '" + std::string(name) + "' is not available on this machine");
      return entry.create();
    }
    known += (known.empty() ? "" : ", ") + std::string(entry.name);
  }
  throw Error(ErrorCode::InvalidArgument,
              "unknown backend '" + std::string(name) + "' (known: auto, " + known + ")");
}

std::vector<std::string> available_backends() {
  std::vector<std::string> names;
  for (const auto& entry : kBackends)
    if (entry.available()) names.emplace_back(entry.name);
  return names;
}

}  // namespace tarsier
