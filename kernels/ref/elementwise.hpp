#pragma once
// Reference elementwise kernels (float32).
#include <cstdint>
#include <span>

#include "kernels/common/elementwise_params.hpp"
#include "kernels/common/epilogue.hpp"

namespace tarsier::ref {

// y = e(a op b) with numpy broadcasting; ranks up to kernels::kMaxRank. y_shape is the
// broadcast shape. y may alias a (or b) when that operand's shape equals y_shape.
void binary_broadcast(kernels::BinaryOp op, std::span<const std::int64_t> a_shape, const float* a,
                      std::span<const std::int64_t> b_shape, const float* b,
                      std::span<const std::int64_t> y_shape, float* y, const kernels::Epilogue& e);

// y[i] = e(x[i]); y may equal x.
void activation(const kernels::Epilogue& e, const float* x, float* y, std::int64_t count);

// y[n][c][i] = x[n][c][i] * mul[c] + add[c] (an unfolded BatchNorm with
// mul = scale / sqrt(var + eps), add = B - mean * mul precomputed). y may equal x.
void channel_affine(std::int64_t n, std::int64_t c, std::int64_t hw, const float* x, const float* mul,
                    const float* add, float* y);

}  // namespace tarsier::ref
