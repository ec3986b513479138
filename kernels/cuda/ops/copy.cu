// Strided row copy (Concat inputs that could not be written in place). One thread per element,
// consecutive threads along a row, so both sides are coalesced whenever rows are long.
#include "kernels/cuda/ops/copy.hpp"

#include "kernels/cuda/ops/op_util.cuh"

namespace tarsier::TARSIER_CUDA_NS {
namespace {

constexpr int kThreads = 256;

template <class T>
__global__ void __launch_bounds__(kThreads)
    copy_rows_kernel(int rows, int row_len, const T* __restrict__ x, int x_stride, T* __restrict__ y, int y_stride) {
  const int total = rows * row_len;
  for (int e = blockIdx.x * blockDim.x + threadIdx.x; e < total; e += gridDim.x * blockDim.x) {
    const int r = e / row_len, i = e % row_len;
    y[static_cast<long long>(r) * y_stride + i] = x[static_cast<long long>(r) * x_stride + i];
  }
}

}  // namespace

template <class T>
void copy_rows(std::int64_t rows, std::int64_t row_len, const T* x, std::int64_t x_row_stride, T* y,
               std::int64_t y_row_stride, cudaStream_t stream) {
  constexpr const char* op = "copy_rows";
  ops_detail::check(rows >= 0 && row_len >= 0, op, "negative size");
  ops_detail::check(x_row_stride >= row_len && y_row_stride >= row_len, op,
                    "row strides " + std::to_string(x_row_stride) + "/" + std::to_string(y_row_stride) +
                        " below the row length " + std::to_string(row_len));
  ops_detail::check_index(rows * row_len, op, "element count");
  ops_detail::check_index(rows * x_row_stride, op, "input extent");
  ops_detail::check_index(rows * y_row_stride, op, "output extent");
  if (rows == 0 || row_len == 0) return;
  auto* k = copy_rows_kernel<T>;
  TARSIER_LAUNCH(k, ops_detail::grid_for(rows * row_len, kThreads), kThreads, 0, stream)
  (static_cast<int>(rows), static_cast<int>(row_len), x, static_cast<int>(x_row_stride), y,
   static_cast<int>(y_row_stride));
}

template void copy_rows<float>(std::int64_t, std::int64_t, const float*, std::int64_t, float*, std::int64_t,
                               cudaStream_t);
template void copy_rows<__half>(std::int64_t, std::int64_t, const __half*, std::int64_t, __half*, std::int64_t,
                                cudaStream_t);

}  // namespace tarsier::TARSIER_CUDA_NS
