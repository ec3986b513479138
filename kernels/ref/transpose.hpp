#pragma once
// Reference Transpose of a float tensor.
#include <cstdint>
#include <span>

namespace tarsier::ref {

// y[i_0..i_r-1] with y.shape[d] = x_shape[perm[d]] and y index d running along x axis perm[d].
// Rank up to kernels::kMaxRank. y must not alias x.
void transpose(std::span<const std::int64_t> x_shape, const float* x, std::span<const std::int64_t> perm,
               float* y);

}  // namespace tarsier::ref
