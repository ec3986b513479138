#include "backend/registry.hpp"

#include <array>
#include <tarsier/error.hpp>

#include "backend/ref/ref_backend.hpp"

namespace tarsier {
namespace {

bool always() { return true; }

constexpr std::array kBackends{
    BackendEntry{"ref", &always, &make_ref_backend, true},
};

}  // namespace

std::span<const BackendEntry> backend_registry() { return kBackends; }

std::unique_ptr<Backend> create_backend(std::string_view name) {
  if (name == "auto") {
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
