#pragma once
#include <cstdint>

#include "epilogue.hpp"

namespace tarsier::kernels {

// How Gemm's C operand broadcasts onto the m x n result.
enum class BiasKind : std::uint8_t { None, Scalar, Row /* [n] */, Column /* [m] or [m][1] */, Full /* [m][n] */ };

// ONNX Gemm: y = epilogue(alpha * op(a) * op(b) + beta * c), row-major.
// op(a) is m x k (a stored k x m when trans_a), op(b) is k x n (b stored n x k when trans_b).
struct GemmParams {
  std::int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
  float alpha = 1.0f, beta = 1.0f;
  BiasKind bias = BiasKind::None;
  Epilogue epilogue{};
};

}  // namespace tarsier::kernels
