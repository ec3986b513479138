#pragma once
// Shape rules shared by constant folding and op mapping, so both resolve ONNX's
// conventions (negative axes, 0 and -1 in Reshape, numpy broadcasting) the same way.
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace tarsier::convert {

// Axis in [-rank, rank) -> [0, rank); otherwise Error(InvalidModel) naming `what`.
std::int64_t normalize_axis(std::int64_t axis, std::int64_t rank, const std::string& what);
std::vector<std::int64_t> normalize_axes(const std::vector<std::int64_t>& axes, std::int64_t rank,
                                         const std::string& what);

// ONNX Reshape target: 0 copies the input dim (unless allowzero), one -1 is inferred.
Shape resolve_reshape(const Shape& input, const std::vector<std::int64_t>& target, bool allowzero,
                      const std::string& what);

// Numpy (multidirectional) broadcasting.
Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& what);

// Flat index into a tensor of shape `in`, for each element of `out` that `in` broadcasts to.
std::vector<std::size_t> broadcast_index(const Shape& in, const Shape& out);

// Row-major strides.
std::vector<std::int64_t> strides_of(const Shape& shape);

// ONNX auto_pad for a window op: explicit {begin, end} pads for one spatial axis.
struct PadPair {
  std::int64_t begin = 0, end = 0;
};
PadPair same_padding(std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t dilation,
                     bool upper);

}  // namespace tarsier::convert
