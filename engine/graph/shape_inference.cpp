#include "graph/shape_inference.hpp"

#include <algorithm>
#include <tarsier/error.hpp>

namespace tarsier {
namespace {

// Collects the node's identity so every message names the node it is about.
class Checker {
 public:
  explicit Checker(const Node& node) : node_(node) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::InvalidModel,
                std::string(op_name(node_.op)) + " node '" + node_.name + "': " + what);
  }
  void require(bool ok, const std::string& what) const {
    if (!ok) fail(what);
  }
  void rank(const Shape& s, std::size_t r, const char* which) const {
    require(s.size() == r, std::string(which) + " should have rank " + std::to_string(r) + ", has shape " +
                               shape_to_string(s));
  }
  std::vector<std::int64_t> ints(const char* key, std::size_t count, std::int64_t min_value) const {
    const auto& v = node_.attrs.get_ints(key);
    require(v.size() == count, std::string("attribute '") + key + "' should have " + std::to_string(count) +
                                   " values, has " + std::to_string(v.size()));
    // The upper bound keeps every later size computation far from int64 overflow.
    constexpr std::int64_t kMaxAttr = std::int64_t{1} << 24;
    for (auto x : v)
      require(x >= min_value && x <= kMaxAttr,
              std::string("attribute '") + key + "' has out-of-range value " + std::to_string(x));
    return v;
  }

 private:
  const Node& node_;
};

constexpr std::int64_t kMaxDim = std::int64_t{1} << 31;

void check_dims(const Checker& c, const Shape& s, const char* which) {
  for (auto d : s) c.require(d >= 1 && d < kMaxDim, std::string(which) + " has invalid shape " + shape_to_string(s));
}

void check_epilogue(const Checker& c, const Attributes& a) {
  const std::string act = a.get_string("activation", "none");
  c.require(act == "none" || act == "relu" || act == "clip" || act == "leaky_relu" || act == "sigmoid",
            "unknown fused activation '" + act + "'");
}

std::int64_t window_output(const Checker& c, std::int64_t in, std::int64_t pad_sum, std::int64_t dilation,
                           std::int64_t kernel, std::int64_t stride, bool ceil_mode, std::int64_t pad_begin) {
  const std::int64_t span = in + pad_sum - dilation * (kernel - 1) - 1;
  c.require(span >= 0, "the window (kernel " + std::to_string(kernel) + ", dilation " + std::to_string(dilation) +
                           ") is larger than the padded input (" + std::to_string(in + pad_sum) + ")");
  std::int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  // A ceil-mode window must start inside the input or its leading padding (as PyTorch/ORT do).
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

Shape broadcast(const Checker& c, const Shape& a, const Shape& b) {
  const std::size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (std::size_t i = 0; i < r; ++i) {
    const std::int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const std::int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    c.require(da == db || da == 1 || db == 1,
              "shapes " + shape_to_string(a) + " and " + shape_to_string(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// Checked attributes and operand shapes that Conv and ConvTranspose share.
struct ConvWindow {
  Shape x, w;
  std::vector<std::int64_t> k, s, p, d;
  std::int64_t g = 1;
};

ConvWindow conv_window(const Checker& c, const Node& n, std::span<const Shape> in) {
  ConvWindow cw{in[0], in[1], {}, {}, {}, {}, 1};
  c.rank(cw.x, 4, "input");
  c.rank(cw.w, 4, "weight");
  check_dims(c, cw.x, "input");
  check_dims(c, cw.w, "weight");
  cw.k = c.ints("kernel_shape", 2, 1);
  cw.s = c.ints("strides", 2, 1);
  cw.p = c.ints("pads", 4, 0);
  cw.d = c.ints("dilations", 2, 1);
  cw.g = n.attrs.get_int("group");
  c.require(cw.g >= 1 && cw.g < kMaxDim, "group must be in 1.." + std::to_string(kMaxDim - 1));
  c.require(cw.w[2] == cw.k[0] && cw.w[3] == cw.k[1],
            "kernel_shape disagrees with weight shape " + shape_to_string(cw.w));
  check_epilogue(c, n.attrs);
  return cw;
}

Shape conv(const Checker& c, const Node& n, std::span<const Shape> in) {
  const auto [x, w, k, s, p, d, g] = conv_window(c, n, in);
  c.require(x[1] == w[1] * g, "input has " + std::to_string(x[1]) + " channels but weight " + shape_to_string(w) +
                                  " with group " + std::to_string(g) + " expects " + std::to_string(w[1] * g));
  c.require(w[0] % g == 0, "output channels not divisible by group");
  if (!in[2].empty()) c.require(in[2] == Shape{w[0]}, "bias shape " + shape_to_string(in[2]) + " should be [" +
                                                          std::to_string(w[0]) + "]");
  Shape out{x[0], w[0], window_output(c, x[2], p[0] + p[2], d[0], k[0], s[0], false, p[0]),
            window_output(c, x[3], p[1] + p[3], d[1], k[1], s[1], false, p[1])};
  if (in.size() > 3 && !in[3].empty())
    c.require(in[3] == out, "residual shape " + shape_to_string(in[3]) + " differs from output " +
                                shape_to_string(out));
  return out;
}

Shape conv_transpose(const Checker& c, const Node& n, std::span<const Shape> in) {
  const auto [x, w, k, s, p, d, g] = conv_window(c, n, in);
  const auto op = c.ints("output_padding", 2, 0);
  c.require(x[1] == w[0] && w[0] % g == 0, "input channels " + std::to_string(x[1]) +
                                               " do not match weight " + shape_to_string(w));
  c.require(op[0] < std::max(s[0], d[0]) && op[1] < std::max(s[1], d[1]),
            "output_padding must be smaller than stride or dilation");
  const std::int64_t c_out = w[1] * g;
  if (!in[2].empty()) c.require(in[2] == Shape{c_out}, "bias shape " + shape_to_string(in[2]) + " should be [" +
                                                           std::to_string(c_out) + "]");
  const std::int64_t h = (x[2] - 1) * s[0] - p[0] - p[2] + d[0] * (k[0] - 1) + op[0] + 1;
  const std::int64_t wd = (x[3] - 1) * s[1] - p[1] - p[3] + d[1] * (k[1] - 1) + op[1] + 1;
  c.require(h >= 1 && wd >= 1, "output would be empty");
  return {x[0], c_out, h, wd};
}

Shape pool(const Checker& c, const Node& n, std::span<const Shape> in) {
  const Shape& x = in[0];
  c.rank(x, 4, "input");
  check_dims(c, x, "input");
  const auto k = c.ints("kernel_shape", 2, 1);
  const auto s = c.ints("strides", 2, 1);
  const auto p = c.ints("pads", 4, 0);
  const auto d = n.op == OpType::MaxPool && n.attrs.has("dilations") ? c.ints("dilations", 2, 1)
                                                                     : std::vector<std::int64_t>{1, 1};
  const bool ceil_mode = n.attrs.get_int("ceil_mode", 0) != 0;
  c.require(p[0] < k[0] * d[0] && p[2] < k[0] * d[0] && p[1] < k[1] * d[1] && p[3] < k[1] * d[1],
            "padding must be smaller than the window");
  return {x[0], x[1], window_output(c, x[2], p[0] + p[2], d[0], k[0], s[0], ceil_mode, p[0]),
          window_output(c, x[3], p[1] + p[3], d[1], k[1], s[1], ceil_mode, p[1])};
}

Shape concat(const Checker& c, const Node& n, std::span<const Shape> in) {
  const Shape& first = in[0];
  const std::int64_t axis = n.attrs.get_int("axis");
  c.require(axis >= 0 && axis < static_cast<std::int64_t>(first.size()), "axis out of range");
  Shape out = first;
  out[axis] = 0;
  for (const auto& s : in) {
    c.require(s.size() == first.size(), "inputs have different ranks");
    for (std::size_t i = 0; i < s.size(); ++i)
      if (static_cast<std::int64_t>(i) != axis)
        c.require(s[i] == first[i], "input shapes " + shape_to_string(first) + " and " + shape_to_string(s) +
                                        " differ off the concat axis");
    out[axis] += s[axis];
  }
  return out;
}

Shape gemm(const Checker& c, const Node& n, std::span<const Shape> in) {
  c.rank(in[0], 2, "A");
  c.rank(in[1], 2, "B");
  const bool ta = n.attrs.get_int("transA", 0) != 0;
  const bool tb = n.attrs.get_int("transB", 0) != 0;
  const std::int64_t m = ta ? in[0][1] : in[0][0];
  const std::int64_t k = ta ? in[0][0] : in[0][1];
  const std::int64_t k2 = tb ? in[1][1] : in[1][0];
  const std::int64_t nn = tb ? in[1][0] : in[1][1];
  c.require(k == k2, "inner dimensions differ: " + shape_to_string(in[0]) + " x " + shape_to_string(in[1]));
  Shape out{m, nn};
  if (in.size() > 2 && !in[2].empty()) {
    c.require(in[2].size() <= 2 && broadcast(c, out, in[2]) == out,
              "C of shape " + shape_to_string(in[2]) + " does not broadcast to " + shape_to_string(out));
  }
  check_epilogue(c, n.attrs);
  return out;
}

Shape matmul(const Checker& c, std::span<const Shape> in) {
  Shape a = in[0], b = in[1];
  c.require(!a.empty() && !b.empty(), "MatMul of a scalar");
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  c.require(a.back() == b[b.size() - 2],
            "inner dimensions differ: " + shape_to_string(in[0]) + " x " + shape_to_string(in[1]));
  Shape batch = broadcast(c, Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  if (!a_vec) batch.push_back(a[a.size() - 2]);
  if (!b_vec) batch.push_back(b.back());
  return batch;
}

Shape resize(const Checker& c, const Node& n, std::span<const Shape> in) {
  const Shape& x = in[0];
  c.rank(x, 4, "input");
  const auto sizes = c.ints("sizes", 4, 1);
  c.require(sizes[0] == x[0] && sizes[1] == x[1], "only the two spatial axes can be resized");
  if (n.attrs.has("scales")) {
    const auto scales = n.attrs.get_floats("scales");
    c.require(scales.size() == 4, "scales should have 4 values");
    for (double v : scales) c.require(v > 0, "scales must be positive");
  }
  const std::string mode = n.attrs.get_string("mode");
  c.require(mode == "nearest" || mode == "linear", "unsupported resize mode '" + mode + "'");
  const std::string ct = n.attrs.get_string("coordinate_transformation_mode", "half_pixel");
  c.require(ct == "half_pixel" || ct == "pytorch_half_pixel" || ct == "align_corners" || ct == "asymmetric",
            "unsupported coordinate_transformation_mode '" + ct + "'");
  const std::string nm = n.attrs.get_string("nearest_mode", "round_prefer_floor");
  c.require(nm == "round_prefer_floor" || nm == "round_prefer_ceil" || nm == "floor" || nm == "ceil",
            "unsupported nearest_mode '" + nm + "'");
  Shape out(sizes.begin(), sizes.end());
  check_dims(c, out, "output");
  return out;
}

}  // namespace

Arity op_arity(OpType op) {
  switch (op) {
    case OpType::Conv: return {2, 4};
    case OpType::ConvTranspose: return {2, 3};
    case OpType::BatchNormalization: return {5, 5};
    case OpType::Add:
    case OpType::Mul:
    case OpType::MatMul: return {2, 2};
    case OpType::Gemm: return {2, 3};
    case OpType::Concat: return {1, 4096};
    default: return {1, 1};
  }
}

std::vector<Shape> infer_node_shapes(const Node& node, std::span<const Shape> in) {
  Checker c(node);
  Arity arity = op_arity(node.op);
  c.require(in.size() >= arity.min_inputs && in.size() <= arity.max_inputs, "wrong number of inputs");
  for (std::size_t i = 0; i < arity.min_inputs; ++i) c.require(!in[i].empty(), "required input is missing");
  // Absent optional inputs arrive as empty shapes; pad so ops can index them freely.
  std::vector<Shape> padded(in.begin(), in.end());
  padded.resize(std::max<std::size_t>(padded.size(), 4));
  const Shape& x = padded[0];
  for (const auto& s : in) element_count(s);

  switch (node.op) {
    case OpType::Conv: return {conv(c, node, padded)};
    case OpType::ConvTranspose: return {conv_transpose(c, node, padded)};
    case OpType::BatchNormalization: {
      c.require(x.size() >= 2, "input must have a channel axis");
      for (std::size_t i = 1; i < 5; ++i)
        c.require(padded[i] == Shape{x[1]}, "parameter " + std::to_string(i) + " has shape " +
                                                shape_to_string(padded[i]) + ", expected [" + std::to_string(x[1]) +
                                                "]");
      return {x};
    }
    case OpType::Relu:
    case OpType::Sigmoid:
    case OpType::LeakyRelu: return {x};
    case OpType::Clip: {
      const double lo = node.attrs.get_float("min", -3.4e38), hi = node.attrs.get_float("max", 3.4e38);
      c.require(lo <= hi, "min is greater than max");
      return {x};
    }
    case OpType::Softmax: {
      const std::int64_t axis = node.attrs.get_int("axis");
      c.require(axis >= 0 && axis < static_cast<std::int64_t>(x.size()), "axis out of range");
      return {x};
    }
    case OpType::MaxPool:
    case OpType::AveragePool: return {pool(c, node, padded)};
    case OpType::GlobalAveragePool:
      c.rank(x, 4, "input");
      return {{x[0], x[1], 1, 1}};
    case OpType::Add:
    case OpType::Mul: check_epilogue(c, node.attrs); return {broadcast(c, padded[0], padded[1])};
    case OpType::Concat: return {concat(c, node, in)};
    case OpType::Flatten: {
      const std::int64_t axis = node.attrs.get_int("axis");
      c.require(axis >= 0 && axis <= static_cast<std::int64_t>(x.size()), "axis out of range");
      return {{element_count(std::span(x).first(axis)), element_count(std::span(x).subspan(axis))}};
    }
    case OpType::Reshape: {
      const auto& shape = node.attrs.get_ints("shape");
      for (auto d : shape) c.require(d >= 1, "target shape " + shape_to_string(shape) + " is not fully resolved");
      c.require(element_count(shape) == element_count(x),
                "cannot reshape " + shape_to_string(x) + " to " + shape_to_string(shape));
      return {Shape(shape.begin(), shape.end())};
    }
    case OpType::Gemm: return {gemm(c, node, padded)};
    case OpType::MatMul: return {matmul(c, in)};
    case OpType::Resize: return {resize(c, node, in)};
    case OpType::Pad: {
      const auto pads = c.ints("pads", 2 * x.size(), 0);
      Shape out = x;
      for (std::size_t i = 0; i < x.size(); ++i) out[i] += pads[i] + pads[i + x.size()];
      check_dims(c, out, "output");
      return {out};
    }
    case OpType::Transpose: {
      const auto& perm = node.attrs.get_ints("perm");
      c.require(perm.size() == x.size(), "perm has the wrong length");
      std::vector<bool> seen(x.size(), false);
      Shape out(x.size());
      for (std::size_t i = 0; i < perm.size(); ++i) {
        c.require(perm[i] >= 0 && perm[i] < static_cast<std::int64_t>(x.size()) && !seen[perm[i]],
                  "perm is not a permutation");
        seen[perm[i]] = true;
        out[i] = x[perm[i]];
      }
      return {out};
    }
  }
  c.fail("unknown op");
}

}  // namespace tarsier
