#include "convert/shape_utils.hpp"

#include <algorithm>
#include <tarsier/error.hpp>

namespace tarsier::convert {

std::int64_t normalize_axis(std::int64_t axis, std::int64_t rank, const std::string& what) {
  if (axis < -rank || axis >= rank)
    throw Error(ErrorCode::InvalidModel,
                what + ": axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

std::vector<std::int64_t> normalize_axes(const std::vector<std::int64_t>& axes, std::int64_t rank,
                                         const std::string& what) {
  std::vector<std::int64_t> out;
  out.reserve(axes.size());
  for (auto a : axes) {
    const auto n = normalize_axis(a, rank, what);
    if (std::find(out.begin(), out.end(), n) != out.end())
      throw Error(ErrorCode::InvalidModel, what + ": axis " + std::to_string(a) + " is repeated");
    out.push_back(n);
  }
  return out;
}

Shape resolve_reshape(const Shape& input, const std::vector<std::int64_t>& target, bool allowzero,
                      const std::string& what) {
  const std::int64_t total = element_count(input);
  Shape out(target.size());
  int infer_at = -1;
  std::int64_t known = 1;
  for (std::size_t i = 0; i < target.size(); ++i) {
    std::int64_t d = target[i];
    if (d == 0 && !allowzero) {
      if (i >= input.size())
        throw Error(ErrorCode::InvalidModel, what + ": reshape target " + shape_to_string(target) +
                                                 " copies dim " + std::to_string(i) + " that input " +
                                                 shape_to_string(input) + " lacks");
      d = input[i];
    }
    if (d == -1) {
      if (infer_at >= 0)
        throw Error(ErrorCode::InvalidModel, what + ": reshape target " + shape_to_string(target) + " has two -1");
      infer_at = static_cast<int>(i);
      continue;
    }
    if (d < 0)
      throw Error(ErrorCode::InvalidModel, what + ": reshape target " + shape_to_string(target) + " is invalid");
    out[i] = d;
    known = element_count(Shape{known, d});
  }
  if (infer_at >= 0) {
    if (known == 0 || total % known != 0)
      throw Error(ErrorCode::InvalidModel, what + ": cannot reshape " + shape_to_string(input) + " to " +
                                               shape_to_string(target));
    out[infer_at] = total / known;
  }
  if (element_count(out) != total)
    throw Error(ErrorCode::InvalidModel, what + ": cannot reshape " + shape_to_string(input) + " to " +
                                             shape_to_string(target));
  return out;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& what) {
  const std::size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (std::size_t i = 0; i < r; ++i) {
    const std::int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const std::int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      throw Error(ErrorCode::InvalidModel,
                  what + ": shapes " + shape_to_string(a) + " and " + shape_to_string(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<std::int64_t> strides_of(const Shape& shape) {
  std::vector<std::int64_t> s(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;) s[i - 1] = s[i] * shape[i];
  return s;
}

std::vector<std::size_t> broadcast_index(const Shape& in, const Shape& out) {
  const std::size_t r = out.size();
  // Stride of each output axis in the input; 0 where the input is broadcast.
  std::vector<std::int64_t> in_strides(r, 0);
  const auto s = strides_of(in);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::size_t o = r - in.size() + i;
    in_strides[o] = in[i] == 1 ? 0 : s[i];
  }
  const auto n = static_cast<std::size_t>(element_count(out));
  std::vector<std::size_t> index(n);
  std::vector<std::int64_t> pos(r, 0);
  std::int64_t offset = 0;
  for (std::size_t k = 0; k < n; ++k) {
    index[k] = static_cast<std::size_t>(offset);
    for (std::size_t ax = r; ax-- > 0;) {
      ++pos[ax];
      offset += in_strides[ax];
      if (pos[ax] < out[ax]) break;
      offset -= in_strides[ax] * pos[ax];
      pos[ax] = 0;
    }
  }
  return index;
}

PadPair same_padding(std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t dilation,
                     bool upper) {
  const std::int64_t out = (in + stride - 1) / stride;
  const std::int64_t total = std::max<std::int64_t>(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - in);
  // SAME_UPPER puts the odd extra pad at the end, SAME_LOWER at the beginning.
  return upper ? PadPair{total / 2, total - total / 2} : PadPair{total - total / 2, total / 2};
}

}  // namespace tarsier::convert
