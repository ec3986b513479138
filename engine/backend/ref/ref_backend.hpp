#pragma once
#include <memory>

#include "backend/backend.hpp"

namespace tarsier {

// The reference backend: every op, plain scalar loops from kernels/ref. The oracle other
// backends are tested against, and their fallback for ops they do not implement.
std::unique_ptr<Backend> make_ref_backend();

}  // namespace tarsier
