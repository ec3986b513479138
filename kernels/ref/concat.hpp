#pragma once
// Reference Concat of float tensors viewed as [outer][axis][inner].
#include <cstdint>
#include <span>

namespace tarsier::ref {

// Input i is [outer][axis_sizes[i]][inner]; y is [outer][sum(axis_sizes)][inner].
// inputs.size() == axis_sizes.size(). y must not alias any input.
void concat(std::span<const float* const> inputs, std::span<const std::int64_t> axis_sizes,
            std::int64_t outer, std::int64_t inner, float* y);

}  // namespace tarsier::ref
