#pragma once
// Reference Gemm (ONNX semantics) and MatMul (numpy semantics), float32, row-major.
#include <cstdint>
#include <span>

#include "kernels/common/gemm_params.hpp"

namespace tarsier::ref {

// y[m][n] = epilogue(alpha * op(a) * op(b) + beta * c), c broadcast per p.bias
// (c may be null when p.bias == None). y must not alias a, b or c.
void gemm(const kernels::GemmParams& p, const float* a, const float* b, const float* c, float* y);

// numpy.matmul: a [..., m, k] x b [..., k, n] -> y [..., m, n]; batch dims broadcast; a 1-D a
// is a row [1, k] and a 1-D b a column [k, 1], the promoted axis dropped from y_shape.
// Ranks up to kernels::kMaxRank. y must not alias a or b.
void matmul(std::span<const std::int64_t> a_shape, const float* a, std::span<const std::int64_t> b_shape,
            const float* b, std::span<const std::int64_t> y_shape, float* y);

}  // namespace tarsier::ref
