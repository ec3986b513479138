#pragma once
// ONNX Gemm for classifier heads (Flatten -> Gemm): one warp per output element, lanes striding
// K with a shuffle reduction, fp32 accumulation. Built for small m (batch); correct for any m.
#include <string>

#include "kernels/common/gemm_params.hpp"
#include "kernels/cuda/conv/conv_math.hpp"

namespace tarsier::TARSIER_CUDA_NS {

// Whether gemm handles p (positive m, n, k, each operand below 2^31 elements).
bool gemm_supported(const kernels::GemmParams& p, ConvMath math, std::string* why = nullptr);

// y[m][n] = epilogue(alpha * op(a) * op(b) + beta * c) with kernels/common/gemm_params.hpp
// semantics (trans_a, trans_b, c broadcast per p.bias; c may be null when p.bias == None).
//   a  row-major, storage type of math (float or __half), as the previous op produced it;
//   b  device float, as stored in the model (k x n, or n x k when trans_b);
//   c  device float; y row-major [m][n], storage type of math.
void gemm(const kernels::GemmParams& p, ConvMath math, const void* a, const float* b, const float* c, void* y,
          cudaStream_t stream);

}  // namespace tarsier::TARSIER_CUDA_NS
