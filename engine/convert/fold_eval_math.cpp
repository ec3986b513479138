// Constant folding of elementwise arithmetic, comparisons and reductions (the arithmetic
// part of exported shape computations, and constant weight preprocessing).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string_view>

#include "convert/fold_eval_impl.hpp"
#include "convert/shape_utils.hpp"

namespace tarsier::convert {
namespace {

constexpr std::array<std::string_view, 40> kMathOps{
    "Add",       "Sub",        "Mul",          "Div",         "Pow",       "Mod",         "Equal",
    "Less",      "Greater",    "LessOrEqual",  "GreaterOrEqual", "And",    "Or",          "Xor",
    "Min",       "Max",        "Sum",          "Mean",        "Neg",       "Abs",         "Floor",
    "Ceil",      "Round",      "Sqrt",         "Reciprocal",  "Exp",       "Log",         "Not",
    "Relu",      "Sigmoid",    "Sign",         "Tanh",        "Where",     "Clip",        "ReduceProd",
    "ReduceSum", "ReduceMin",  "ReduceMax",    "ReduceMean",  "IsNaN"};

// Signed overflow is undefined in C++; ONNX integer arithmetic wraps, so compute unsigned.
std::int64_t wrap_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}
std::int64_t wrap_sub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
std::int64_t wrap_mul(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
}

std::int64_t double_to_int(const FoldCall& c, double v) {
  if (!std::isfinite(v) || std::fabs(v) >= 9.2e18) c.fail("integer result out of range");
  return static_cast<std::int64_t>(v);
}

bool is_comparison(std::string_view op) {
  return op == "Equal" || op == "Less" || op == "Greater" || op == "LessOrEqual" || op == "GreaterOrEqual";
}
bool is_logical(std::string_view op) { return op == "And" || op == "Or" || op == "Xor"; }

bool compare(std::string_view op, double a, double b) {
  if (op == "Equal") return a == b;
  if (op == "Less") return a < b;
  if (op == "Greater") return a > b;
  if (op == "LessOrEqual") return a <= b;
  return a >= b;
}

std::int64_t int_binary(const FoldCall& c, std::string_view op, std::int64_t a, std::int64_t b) {
  if (op == "Add" || op == "Sum" || op == "Mean") return wrap_add(a, b);
  if (op == "Sub") return wrap_sub(a, b);
  if (op == "Mul") return wrap_mul(a, b);
  if (op == "Min") return std::min(a, b);
  if (op == "Max") return std::max(a, b);
  if (op == "Div" || op == "Mod") {
    if (b == 0) c.fail("integer division by zero");
    if (b == -1) return op == "Div" ? wrap_sub(0, a) : 0;
    if (op == "Div") return a / b;
    const std::int64_t r = a % b;
    // fmod=0 follows the divisor's sign (Python); fmod=1 the dividend's (C).
    if (attr_int(c.node, "fmod", 0) == 0 && r != 0 && ((r < 0) != (b < 0))) return r + b;
    return r;
  }
  if (op == "Pow") return double_to_int(c, std::pow(static_cast<double>(a), static_cast<double>(b)));
  c.fail("unsupported integer operation");
}

float float_binary(std::string_view op, float a, float b) {
  if (op == "Add" || op == "Sum" || op == "Mean") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Div") return a / b;
  if (op == "Min") return std::fmin(a, b);
  if (op == "Max") return std::fmax(a, b);
  if (op == "Mod") return std::fmod(a, b);
  return std::pow(a, b);  // Pow
}

FoldTensor binary(const FoldCall& c, std::string_view op, const FoldTensor& a, const FoldTensor& b) {
  const Shape out = broadcast_shapes(a.shape, b.shape, c.what());
  const auto n = static_cast<std::size_t>(checked_fold_count(out, c.what()));
  const auto ia = broadcast_index(a.shape, out), ib = broadcast_index(b.shape, out);
  const bool float_domain = a.type == FoldType::Float || b.type == FoldType::Float;
  if (is_comparison(op) || is_logical(op)) {
    std::vector<std::int64_t> v(n);
    for (std::size_t k = 0; k < n; ++k) {
      if (is_logical(op)) {
        const bool x = a.as_double(ia[k]) != 0, y = b.as_double(ib[k]) != 0;
        v[k] = op == "And" ? (x && y) : op == "Or" ? (x || y) : (x != y);
      } else if (float_domain) {
        v[k] = compare(op, a.as_double(ia[k]), b.as_double(ib[k]));
      } else {
        const std::int64_t x = a.i[ia[k]], y = b.i[ib[k]];
        v[k] = op == "Equal" ? x == y : op == "Less" ? x < y : op == "Greater" ? x > y
             : op == "LessOrEqual" ? x <= y : x >= y;
      }
    }
    return FoldTensor::bools(out, std::move(v));
  }
  if (float_domain) {
    std::vector<float> v(n);
    for (std::size_t k = 0; k < n; ++k)
      v[k] = float_binary(op, static_cast<float>(a.as_double(ia[k])), static_cast<float>(b.as_double(ib[k])));
    return FoldTensor::floats(out, std::move(v));
  }
  std::vector<std::int64_t> v(n);
  for (std::size_t k = 0; k < n; ++k) v[k] = int_binary(c, op, a.i[ia[k]], b.i[ib[k]]);
  return FoldTensor::ints(out, std::move(v));
}

FoldTensor unary(const FoldCall& c, std::string_view op, const FoldTensor& x) {
  const std::size_t n = x.size();
  if (op == "Not" || op == "IsNaN") {
    std::vector<std::int64_t> v(n);
    for (std::size_t k = 0; k < n; ++k) v[k] = op == "Not" ? x.as_double(k) == 0 : std::isnan(x.as_double(k));
    return FoldTensor::bools(x.shape, std::move(v));
  }
  if (x.type != FoldType::Float) {
    std::vector<std::int64_t> v(n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::int64_t a = x.i[k];
      if (op == "Neg") v[k] = wrap_sub(0, a);
      else if (op == "Abs") v[k] = a < 0 ? wrap_sub(0, a) : a;
      else if (op == "Relu") v[k] = std::max<std::int64_t>(a, 0);
      else if (op == "Sign") v[k] = (a > 0) - (a < 0);
      else if (op == "Floor" || op == "Ceil" || op == "Round") v[k] = a;
      else c.fail("operation needs a float input");
    }
    return FoldTensor::ints(x.shape, std::move(v));
  }
  std::vector<float> v(n);
  for (std::size_t k = 0; k < n; ++k) {
    const float a = x.f[k];
    if (op == "Neg") v[k] = -a;
    else if (op == "Abs") v[k] = std::fabs(a);
    else if (op == "Floor") v[k] = std::floor(a);
    else if (op == "Ceil") v[k] = std::ceil(a);
    else if (op == "Round") v[k] = std::nearbyint(a);  // ties to even in the default rounding mode
    else if (op == "Sqrt") v[k] = std::sqrt(a);
    else if (op == "Reciprocal") v[k] = 1.0f / a;
    else if (op == "Exp") v[k] = std::exp(a);
    else if (op == "Log") v[k] = std::log(a);
    else if (op == "Relu") v[k] = std::max(a, 0.0f);
    else if (op == "Sigmoid") v[k] = 1.0f / (1.0f + std::exp(-a));
    else if (op == "Sign") v[k] = static_cast<float>((a > 0) - (a < 0));
    else if (op == "Tanh") v[k] = std::tanh(a);
    else c.fail("unsupported float operation");
  }
  return FoldTensor::floats(x.shape, std::move(v));
}

FoldTensor where(const FoldCall& c) {
  const FoldTensor &cond = c.input(0), &a = c.input(1), &b = c.input(2);
  const Shape out = broadcast_shapes(broadcast_shapes(cond.shape, a.shape, c.what()), b.shape, c.what());
  const auto n = static_cast<std::size_t>(checked_fold_count(out, c.what()));
  const auto ic = broadcast_index(cond.shape, out), ia = broadcast_index(a.shape, out),
             ib = broadcast_index(b.shape, out);
  const FoldType type = a.type == FoldType::Float || b.type == FoldType::Float ? FoldType::Float : a.type;
  const FoldTensor ca = a.cast(type), cb = b.cast(type);
  FoldTensor r;
  r.type = type;
  r.shape = out;
  for (std::size_t k = 0; k < n; ++k) {
    const bool pick_a = cond.as_double(ic[k]) != 0;
    if (type == FoldType::Float) r.f.push_back(pick_a ? ca.f[ia[k]] : cb.f[ib[k]]);
    else r.i.push_back(pick_a ? ca.i[ia[k]] : cb.i[ib[k]]);
  }
  return r;
}

FoldTensor clip(const FoldCall& c) {
  const FoldTensor& x = c.input(0);
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  if (c.opset < 11) {
    lo = attr_float(c.node, "min", -3.4028235e38f);
    hi = attr_float(c.node, "max", 3.4028235e38f);
  } else {
    if (const FoldTensor* m = c.optional(1)) {
      if (m->size() != 1) c.fail("min must be a scalar");
      lo = m->as_double(0);
    }
    if (const FoldTensor* m = c.optional(2)) {
      if (m->size() != 1) c.fail("max must be a scalar");
      hi = m->as_double(0);
    }
  }
  FoldTensor r = x;
  for (std::size_t k = 0; k < r.size(); ++k) {
    if (r.type == FoldType::Float) r.f[k] = static_cast<float>(std::min(std::max<double>(r.f[k], lo), hi));
    else r.i[k] = double_to_int(c, std::min(std::max<double>(static_cast<double>(r.i[k]), lo), hi));
  }
  return r;
}

FoldTensor reduce(const FoldCall& c, std::string_view op) {
  const FoldTensor& x = c.input(0);
  const auto rank = static_cast<std::int64_t>(x.shape.size());
  std::optional<std::vector<std::int64_t>> axes_in = attr_ints(c.node, "axes");
  if (op == "ReduceSum" && c.opset >= 13) {
    axes_in.reset();
    if (const FoldTensor* a = c.optional(1)) axes_in = a->int_values(c.what() + " axes");
  }
  std::vector<std::int64_t> axes;
  if (axes_in && !axes_in->empty()) {
    axes = normalize_axes(*axes_in, rank, c.what());
  } else {
    if (attr_int(c.node, "noop_with_empty_axes", 0) != 0) return x;
    for (std::int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  Shape kept = x.shape, dropped;
  for (auto a : axes) kept[a] = 1;
  for (std::int64_t i = 0; i < rank; ++i)
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) dropped.push_back(x.shape[i]);
  const auto out_n = static_cast<std::size_t>(element_count(kept));
  // For every input element, the output element it reduces into.
  const auto into = broadcast_index(kept, x.shape);
  const bool is_float = x.type == FoldType::Float || op == "ReduceMean";
  std::vector<double> acc(out_n, op == "ReduceProd" ? 1.0 : 0.0);
  std::vector<std::int64_t> iacc(out_n, op == "ReduceProd" ? 1 : 0);
  std::vector<bool> seen(out_n, false);
  for (std::size_t k = 0; k < x.size(); ++k) {
    const std::size_t o = into[k];
    const double v = x.as_double(k);
    const std::int64_t iv = is_float ? 0 : x.i[k];
    if (op == "ReduceSum" || op == "ReduceMean") { acc[o] += v; iacc[o] = wrap_add(iacc[o], iv); }
    else if (op == "ReduceProd") { acc[o] *= v; iacc[o] = wrap_mul(iacc[o], iv); }
    else {
      const bool take_it = !seen[o] || (op == "ReduceMin" ? v < acc[o] : v > acc[o]);
      if (take_it) { acc[o] = v; iacc[o] = iv; }
    }
    seen[o] = true;
  }
  const Shape out = attr_int(c.node, "keepdims", 1) != 0 ? kept : dropped;
  if (is_float) {
    const double count = out_n ? static_cast<double>(x.size()) / static_cast<double>(out_n) : 1.0;
    std::vector<float> v(out_n);
    for (std::size_t o = 0; o < out_n; ++o) v[o] = static_cast<float>(op == "ReduceMean" ? acc[o] / count : acc[o]);
    return FoldTensor::floats(out, std::move(v));
  }
  return FoldTensor::ints(out, std::move(iacc));
}

}  // namespace

bool is_math_op(std::string_view op) {
  return std::find(kMathOps.begin(), kMathOps.end(), op) != kMathOps.end();
}

FoldResult fold_math_op(const FoldCall& c) {
  const std::string& op = c.node.op_type();
  if (op == "Where") return {where(c)};
  if (op == "Clip") return {clip(c)};
  if (op.rfind("Reduce", 0) == 0) return {reduce(c, op)};
  if (op == "Min" || op == "Max" || op == "Sum" || op == "Mean") {
    if (c.in.empty()) c.fail("no inputs");
    FoldTensor acc = c.input(0);
    for (std::size_t i = 1; i < c.in.size(); ++i) acc = binary(c, op, acc, c.input(i));
    if (op == "Mean") {
      const float k = static_cast<float>(c.in.size());
      if (acc.type != FoldType::Float) acc = acc.cast(FoldType::Float);
      for (auto& v : acc.f) v /= k;
    }
    return {std::move(acc)};
  }
  const bool is_binary = op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Pow" || op == "Mod" ||
                         is_comparison(op) || is_logical(op);
  if (is_binary) return {binary(c, op, c.input(0), c.input(1))};
  return {unary(c, op, c.input(0))};
}

}  // namespace tarsier::convert
