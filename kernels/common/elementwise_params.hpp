#pragma once
// Parameters of elementwise kernels shared by every backend.
#include <cstdint>

#include "epilogue.hpp"

namespace tarsier::kernels {

// Binary ops with numpy broadcasting; the result goes through an Epilogue so that a
// fused Add+Relu means the same on every backend.
enum class BinaryOp : std::uint8_t { Add, Mul };

// Largest tensor rank the shape-generic kernels (broadcast, transpose, pad, matmul) accept.
inline constexpr int kMaxRank = 6;

}  // namespace tarsier::kernels
