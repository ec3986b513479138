// Constant folding of shape and data-movement ops.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string_view>

#include "convert/fold_eval_impl.hpp"
#include "convert/shape_utils.hpp"
#include "format/half.hpp"

namespace tarsier::convert {
namespace {

constexpr std::array<std::string_view, 19> kShapeOps{
    "Constant", "Identity", "Cast",  "Shape", "Size",   "Gather",          "Unsqueeze",
    "Squeeze",  "Concat",   "Reshape", "Flatten", "Slice", "Transpose", "ConstantOfShape",
    "Expand",   "Range",    "Tile",  "Split", "Dropout"};

// Source index of every output element when output axis i walks the source with stride
// st[i] starting from `base`.
std::vector<std::size_t> strided_index(const Shape& out, std::int64_t base, const std::vector<std::int64_t>& st) {
  const auto n = static_cast<std::size_t>(element_count(out));
  std::vector<std::size_t> index(n);
  std::vector<std::int64_t> pos(out.size(), 0);
  std::int64_t offset = base;
  for (std::size_t k = 0; k < n; ++k) {
    index[k] = static_cast<std::size_t>(offset);
    for (std::size_t ax = out.size(); ax-- > 0;) {
      ++pos[ax];
      offset += st[ax];
      if (pos[ax] < out[ax]) break;
      offset -= st[ax] * pos[ax];
      pos[ax] = 0;
    }
  }
  return index;
}

std::int64_t rank_of(const FoldTensor& t) { return static_cast<std::int64_t>(t.shape.size()); }

FoldResult constant(const FoldCall& c) {
  const auto& n = c.node;
  if (auto t = attr_tensor(n, "value")) return {std::move(*t)};
  if (auto v = attr_float(n, "value_float")) return {FoldTensor::floats({}, {*v})};
  if (auto v = attr_floats(n, "value_floats")) {
    const auto size = static_cast<std::int64_t>(v->size());
    return {FoldTensor::floats({size}, std::move(*v))};
  }
  if (auto v = attr_int(n, "value_int")) return {FoldTensor::ints({}, {*v})};
  if (auto v = attr_ints(n, "value_ints")) {
    const auto size = static_cast<std::int64_t>(v->size());
    return {FoldTensor::ints({size}, std::move(*v))};
  }
  throw Error(ErrorCode::UnsupportedModel, c.what() + ": only dense numeric constants are supported");
}

FoldResult cast(const FoldCall& c) {
  const auto to = attr_int(c.node, "to");
  if (!to) c.fail("missing attribute 'to'");
  const FoldTensor& x = c.input(0);
  using DT = onnx::TensorProto;
  switch (*to) {
    case DT::FLOAT: case DT::DOUBLE: case DT::BFLOAT16: return {x.cast(FoldType::Float)};
    case DT::FLOAT16: {
      FoldTensor t = x.cast(FoldType::Float);
      for (auto& v : t.f) v = half_to_float(float_to_half(v));
      return {std::move(t)};
    }
    case DT::BOOL: return {x.cast(FoldType::Bool)};
    case DT::INT8: case DT::UINT8: case DT::INT16: case DT::UINT16: case DT::INT32: case DT::UINT32:
    case DT::INT64: case DT::UINT64: return {x.cast(FoldType::Int64)};
    default: throw Error(ErrorCode::UnsupportedModel, c.what() + ": cast to type " + std::to_string(*to));
  }
}

FoldResult shape_of(const onnx::NodeProto& node, const Shape& x_shape) {
  if (node.op_type() == "Size") return {FoldTensor::scalar_int(element_count(x_shape))};
  const auto r = static_cast<std::int64_t>(x_shape.size());
  std::int64_t start = attr_int(node, "start", 0), end = attr_int(node, "end", r);
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = std::clamp<std::int64_t>(start, 0, r);
  end = std::clamp<std::int64_t>(end, start, r);
  std::vector<std::int64_t> dims(x_shape.begin() + start, x_shape.begin() + end);
  return {FoldTensor::ints({end - start}, std::move(dims))};
}

FoldResult gather(const FoldCall& c) {
  const FoldTensor& data = c.input(0);
  const FoldTensor& indices = c.input(1);
  if (data.shape.empty()) c.fail("cannot gather from a scalar");
  const std::int64_t axis = normalize_axis(attr_int(c.node, "axis", 0), rank_of(data), c.what());
  const std::int64_t dim = data.shape[axis];
  auto idx = indices.int_values(c.what() + " indices");
  for (auto& v : idx) {
    if (v < -dim || v >= dim) c.fail("index " + std::to_string(v) + " out of range for dim " + std::to_string(dim));
    if (v < 0) v += dim;
  }
  Shape out(data.shape.begin(), data.shape.begin() + axis);
  out.insert(out.end(), indices.shape.begin(), indices.shape.end());
  out.insert(out.end(), data.shape.begin() + axis + 1, data.shape.end());
  const std::int64_t outer = element_count(std::span(data.shape).first(axis));
  const std::int64_t inner = element_count(std::span(data.shape).subspan(axis + 1));
  checked_fold_count(out, c.what());
  std::vector<std::size_t> index;
  index.reserve(static_cast<std::size_t>(element_count(out)));
  for (std::int64_t o = 0; o < outer; ++o)
    for (auto j : idx)
      for (std::int64_t k = 0; k < inner; ++k) index.push_back(static_cast<std::size_t>((o * dim + j) * inner + k));
  return {take(data, std::move(out), index)};
}

// Unsqueeze/Squeeze/Split/ReduceSum moved `axes` from an attribute to an input at opset 13.
std::optional<std::vector<std::int64_t>> axes_operand(const FoldCall& c, std::size_t input_index) {
  if (c.opset < 13) return attr_ints(c.node, "axes");
  if (const FoldTensor* t = c.optional(input_index)) return t->int_values(c.what() + " axes");
  return std::nullopt;
}

FoldResult reshaped(const FoldTensor& x, Shape shape) {
  FoldTensor t = x;
  t.shape = std::move(shape);
  return {std::move(t)};
}

FoldResult unsqueeze(const FoldCall& c) {
  const FoldTensor& x = c.input(0);
  const auto axes_in = axes_operand(c, 1);
  if (!axes_in) c.fail("missing axes");
  const std::int64_t out_rank = rank_of(x) + static_cast<std::int64_t>(axes_in->size());
  auto axes = normalize_axes(*axes_in, out_rank, c.what());
  std::sort(axes.begin(), axes.end());
  Shape out;
  std::size_t src = 0, a = 0;
  for (std::int64_t i = 0; i < out_rank; ++i) {
    if (a < axes.size() && axes[a] == i) {
      out.push_back(1);
      ++a;
    } else {
      out.push_back(x.shape[src++]);
    }
  }
  return reshaped(x, std::move(out));
}

FoldResult squeeze(const FoldCall& c) {
  const FoldTensor& x = c.input(0);
  const auto axes_in = axes_operand(c, 1);
  std::vector<std::int64_t> axes;
  if (axes_in) {
    axes = normalize_axes(*axes_in, rank_of(x), c.what());
  } else {
    for (std::size_t i = 0; i < x.shape.size(); ++i)
      if (x.shape[i] == 1) axes.push_back(static_cast<std::int64_t>(i));
  }
  Shape out;
  for (std::size_t i = 0; i < x.shape.size(); ++i) {
    const bool drop = std::find(axes.begin(), axes.end(), static_cast<std::int64_t>(i)) != axes.end();
    if (drop && x.shape[i] != 1) c.fail("cannot squeeze axis " + std::to_string(i) + " of " + shape_to_string(x.shape));
    if (!drop) out.push_back(x.shape[i]);
  }
  return reshaped(x, std::move(out));
}

FoldResult concat(const FoldCall& c) {
  if (c.in.empty()) c.fail("no inputs");
  const FoldTensor& first = c.input(0);
  const auto axis_attr = attr_int(c.node, "axis");
  if (!axis_attr) c.fail("missing attribute 'axis'");
  const std::int64_t axis = normalize_axis(*axis_attr, rank_of(first), c.what());
  Shape out = first.shape;
  out[axis] = 0;
  FoldType type = first.type;
  for (std::size_t i = 0; i < c.in.size(); ++i) {
    const FoldTensor& t = c.input(i);
    if (t.shape.size() != first.shape.size()) c.fail("inputs have different ranks");
    for (std::size_t d = 0; d < t.shape.size(); ++d)
      if (static_cast<std::int64_t>(d) != axis && t.shape[d] != first.shape[d])
        c.fail("input shapes " + shape_to_string(first.shape) + " and " + shape_to_string(t.shape) + " differ");
    out[axis] += t.shape[axis];
    if (t.type == FoldType::Float) type = FoldType::Float;
  }
  const std::int64_t outer = element_count(std::span(out).first(axis));
  const std::int64_t inner = element_count(std::span(out).subspan(axis + 1));
  checked_fold_count(out, c.what());
  std::vector<FoldTensor> parts;
  for (std::size_t i = 0; i < c.in.size(); ++i) parts.push_back(c.input(i).cast(type));
  FoldTensor result;
  result.type = type;
  result.shape = out;
  for (std::int64_t o = 0; o < outer; ++o)
    for (const FoldTensor& t : parts) {
      const std::int64_t chunk = t.shape[axis] * inner;
      const auto begin = static_cast<std::size_t>(o * chunk), end = static_cast<std::size_t>((o + 1) * chunk);
      if (type == FoldType::Float)
        result.f.insert(result.f.end(), t.f.begin() + begin, t.f.begin() + end);
      else
        result.i.insert(result.i.end(), t.i.begin() + begin, t.i.begin() + end);
    }
  return {std::move(result)};
}

FoldResult reshape(const FoldCall& c) {
  const FoldTensor& x = c.input(0);
  const auto target = c.input(1).int_values(c.what() + " shape");
  const bool allowzero = c.opset >= 14 && attr_int(c.node, "allowzero", 0) != 0;
  return reshaped(x, resolve_reshape(x.shape, target, allowzero, c.what()));
}

FoldResult flatten(const FoldCall& c) {
  const FoldTensor& x = c.input(0);
  const std::int64_t r = rank_of(x);
  std::int64_t axis = attr_int(c.node, "axis", 1);
  if (axis < -r || axis > r) c.fail("axis " + std::to_string(axis) + " out of range");
  if (axis < 0) axis += r;
  return reshaped(x, {element_count(std::span(x.shape).first(axis)), element_count(std::span(x.shape).subspan(axis))});
}

FoldResult slice(const FoldCall& c) {
  const FoldTensor& x = c.input(0);
  const std::int64_t r = rank_of(x);
  const auto starts = c.input(1).int_values(c.what() + " starts");
  const auto ends = c.input(2).int_values(c.what() + " ends");
  std::vector<std::int64_t> axes, steps;
  if (const FoldTensor* a = c.optional(3)) axes = normalize_axes(a->int_values(c.what() + " axes"), r, c.what());
  else for (std::size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<std::int64_t>(i));
  if (const FoldTensor* s = c.optional(4)) steps = s->int_values(c.what() + " steps");
  else steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    c.fail("starts, ends, axes and steps have different lengths");
  if (static_cast<std::int64_t>(axes.size()) > r) c.fail("more slice axes than the input's rank");

  Shape out = x.shape;
  const auto src_strides = strides_of(x.shape);
  std::vector<std::int64_t> st = src_strides;
  std::int64_t base = 0;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const std::int64_t ax = axes[i], dim = x.shape[ax], step = steps[i];
    if (step == 0) c.fail("slice step is 0");
    // Clamp in 128-bit-free form: INT64_MAX/MIN sentinels must not overflow.
    auto clamp_index = [&](std::int64_t v, std::int64_t lo, std::int64_t hi) {
      if (v < 0) v = v < -dim ? lo : v + dim;
      return std::clamp(v, lo, hi);
    };
    if (step == std::numeric_limits<std::int64_t>::min()) c.fail("invalid slice step");
    std::int64_t start, end, count;
    if (step > 0) {
      start = clamp_index(starts[i], 0, dim);
      end = clamp_index(ends[i], 0, dim);
      count = end > start ? (end - start - 1) / step + 1 : 0;
    } else {
      start = clamp_index(starts[i], -1, dim - 1);
      end = ends[i] < -dim ? -1 : clamp_index(ends[i], -1, dim - 1);
      count = start > end ? (start - end - 1) / (-step) + 1 : 0;
    }
    out[ax] = count;
    if (count > 0) base += start * src_strides[ax];
    // With one element or fewer the stride is never used (and |step| may be huge).
    st[ax] = count > 1 ? src_strides[ax] * step : 0;
  }
  if (element_count(out) == 0) return {take(x, std::move(out), {})};
  return {take(x, out, strided_index(out, base, st))};
}

FoldResult transpose(const FoldCall& c) {
  const FoldTensor& x = c.input(0);
  const std::int64_t r = rank_of(x);
  std::vector<std::int64_t> perm;
  if (auto p = attr_ints(c.node, "perm")) perm = *p;
  else for (std::int64_t i = r - 1; i >= 0; --i) perm.push_back(i);
  if (static_cast<std::int64_t>(perm.size()) != r) c.fail("perm has the wrong length");
  perm = normalize_axes(perm, r, c.what());
  const auto s = strides_of(x.shape);
  Shape out(r);
  std::vector<std::int64_t> st(r);
  for (std::int64_t i = 0; i < r; ++i) {
    out[i] = x.shape[perm[i]];
    st[i] = s[perm[i]];
  }
  return {take(x, out, strided_index(out, 0, st))};
}

FoldResult constant_of_shape(const FoldCall& c) {
  const auto dims = c.input(0).int_values(c.what() + " shape");
  Shape out(dims.begin(), dims.end());
  const auto n = static_cast<std::size_t>(checked_fold_count(out, c.what()));
  FoldTensor value = FoldTensor::floats({1}, {0.0f});
  if (auto v = attr_tensor(c.node, "value")) value = std::move(*v);
  if (value.size() != 1) c.fail("value must hold exactly one element");
  if (value.type == FoldType::Float) return {FoldTensor::floats(std::move(out), std::vector<float>(n, value.f[0]))};
  FoldTensor t = FoldTensor::ints(std::move(out), std::vector<std::int64_t>(n, value.i[0]));
  t.type = value.type;
  return {std::move(t)};
}

FoldResult expand(const FoldCall& c) {
  const FoldTensor& x = c.input(0);
  const auto dims = c.input(1).int_values(c.what() + " shape");
  const Shape out = broadcast_shapes(x.shape, Shape(dims.begin(), dims.end()), c.what());
  checked_fold_count(out, c.what());
  return {take(x, out, broadcast_index(x.shape, out))};
}

FoldResult range(const FoldCall& c) {
  const FoldTensor &start = c.input(0), &limit = c.input(1), &delta = c.input(2);
  if (start.size() != 1 || limit.size() != 1 || delta.size() != 1) c.fail("start, limit and delta must be scalars");
  const double s = start.as_double(0), l = limit.as_double(0), d = delta.as_double(0);
  if (d == 0 || !std::isfinite(s) || !std::isfinite(l) || !std::isfinite(d)) c.fail("invalid range");
  const double count_d = std::max(std::ceil((l - s) / d), 0.0);
  if (count_d > static_cast<double>(kMaxFoldElements)) c.fail("range is too long to fold");
  const auto n = static_cast<std::int64_t>(count_d);
  if (start.type == FoldType::Float) {
    std::vector<float> v(n);
    for (std::int64_t k = 0; k < n; ++k) v[k] = static_cast<float>(s + static_cast<double>(k) * d);
    return {FoldTensor::floats({n}, std::move(v))};
  }
  const std::int64_t s0 = start.as_int(0), d0 = delta.as_int(0);
  std::vector<std::int64_t> v(n);
  // Wrapping arithmetic: a hostile delta must not be signed overflow.
  for (std::int64_t k = 0; k < n; ++k)
    v[k] = static_cast<std::int64_t>(static_cast<std::uint64_t>(s0) +
                                     static_cast<std::uint64_t>(k) * static_cast<std::uint64_t>(d0));
  return {FoldTensor::ints({n}, std::move(v))};
}

FoldResult tile(const FoldCall& c) {
  const FoldTensor& x = c.input(0);
  const auto reps = c.input(1).int_values(c.what() + " repeats");
  if (reps.size() != x.shape.size()) c.fail("repeats has the wrong length");
  Shape out = x.shape;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (reps[i] < 0) c.fail("negative repeat");
    out[i] = element_count(Shape{x.shape[i], reps[i]});
  }
  const auto n = static_cast<std::size_t>(checked_fold_count(out, c.what()));
  const auto s = strides_of(x.shape);
  std::vector<std::size_t> index(n);
  std::vector<std::int64_t> pos(out.size(), 0);
  for (std::size_t k = 0; k < n; ++k) {
    std::int64_t src = 0;
    for (std::size_t ax = 0; ax < out.size(); ++ax) src += (pos[ax] % x.shape[ax]) * s[ax];
    index[k] = static_cast<std::size_t>(src);
    for (std::size_t ax = out.size(); ax-- > 0;) {
      if (++pos[ax] < out[ax]) break;
      pos[ax] = 0;
    }
  }
  return {take(x, out, index)};
}

FoldResult split(const FoldCall& c) {
  const FoldTensor& x = c.input(0);
  const std::int64_t axis = normalize_axis(attr_int(c.node, "axis", 0), rank_of(x), c.what());
  const auto outputs = static_cast<std::int64_t>(c.node.output_size());
  if (outputs < 1) c.fail("no outputs");
  std::vector<std::int64_t> sizes;
  if (c.opset < 13) {
    if (auto s = attr_ints(c.node, "split")) sizes = *s;
  } else if (const FoldTensor* s = c.optional(1)) {
    sizes = s->int_values(c.what() + " split");
  }
  const std::int64_t dim = x.shape[axis];
  if (sizes.empty()) {
    if (dim % outputs != 0) c.fail("axis of size " + std::to_string(dim) + " cannot be split evenly");
    sizes.assign(outputs, dim / outputs);
  }
  std::int64_t total = 0;
  for (auto s : sizes) {
    if (s < 0) c.fail("negative split size");
    total += s;
  }
  if (static_cast<std::int64_t>(sizes.size()) != outputs || total != dim) c.fail("split sizes do not match the input");
  FoldResult result;
  std::int64_t begin = 0;
  const auto strides = strides_of(x.shape);
  for (auto s : sizes) {
    Shape out = x.shape;
    out[axis] = s;
    std::vector<std::int64_t> st = strides;
    result.push_back(element_count(out) == 0 ? take(x, out, {})
                                             : take(x, out, strided_index(out, begin * strides[axis], st)));
    begin += s;
  }
  return result;
}

}  // namespace

std::vector<FoldTensor> fold_shape_query(const onnx::NodeProto& node, const Shape& input_shape) {
  return shape_of(node, input_shape);
}

bool is_shape_op(std::string_view op) {
  return std::find(kShapeOps.begin(), kShapeOps.end(), op) != kShapeOps.end();
}

FoldResult fold_shape_op(const FoldCall& c) {
  const std::string& op = c.node.op_type();
  if (op == "Constant") return constant(c);
  if (op == "Identity" || op == "Dropout") {
    FoldResult r{c.input(0)};
    // Dropout's optional mask output is all true at inference.
    if (op == "Dropout" && c.node.output_size() > 1)
      r.push_back(FoldTensor::bools(r[0].shape, std::vector<std::int64_t>(r[0].size(), 1)));
    return r;
  }
  if (op == "Cast") return cast(c);
  if (op == "Shape" || op == "Size") return shape_of(c.node, c.input(0).shape);
  if (op == "Gather") return gather(c);
  if (op == "Unsqueeze") return unsqueeze(c);
  if (op == "Squeeze") return squeeze(c);
  if (op == "Concat") return concat(c);
  if (op == "Reshape") return reshape(c);
  if (op == "Flatten") return flatten(c);
  if (op == "Slice") return slice(c);
  if (op == "Transpose") return transpose(c);
  if (op == "ConstantOfShape") return constant_of_shape(c);
  if (op == "Expand") return expand(c);
  if (op == "Range") return range(c);
  if (op == "Tile") return tile(c);
  if (op == "Split") return split(c);
  throw Error(ErrorCode::Internal, c.what() + " is not a shape op");
}

}  // namespace tarsier::convert
