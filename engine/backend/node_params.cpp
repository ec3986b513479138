#include "backend/node_params.hpp"

#include <limits>
#include <tarsier/error.hpp>

namespace tarsier {
namespace {

[[noreturn]] void unsupported(const Node& node, const std::string& what) {
  throw Error(ErrorCode::UnsupportedModel, describe(node) + ": " + what);
}

const Shape& rank4(const Node& node, const Graph& graph, const std::string& value) {
  const Shape& s = graph.shape_of(value);
  if (s.size() != 4)
    unsupported(node, "value '" + value + "' has shape " + shape_to_string(s) + ", expected 4-D NCHW");
  return s;
}

std::vector<std::int64_t> ints(const Node& node, std::string_view key, std::size_t count,
                               std::vector<std::int64_t> fallback) {
  auto v = node.attrs.get_ints(key, std::move(fallback));
  if (v.size() != count)
    unsupported(node, "attribute '" + std::string(key) + "' has " + std::to_string(v.size()) +
                          " values, expected " + std::to_string(count));
  return v;
}

// The window geometry Conv and ConvTranspose share (their param structs name it alike).
template <class Params>
Params conv_geometry(const Node& node, const Graph& graph) {
  const Shape& x = rank4(node, graph, node.input(0));
  const Shape& w = rank4(node, graph, node.input(1));
  const Shape& y = rank4(node, graph, node.outputs.at(0));
  const auto k = ints(node, "kernel_shape", 2, {w[2], w[3]});
  const auto s = ints(node, "strides", 2, {1, 1});
  const auto p = ints(node, "pads", 4, {0, 0, 0, 0});
  const auto d = ints(node, "dilations", 2, {1, 1});
  Params c;
  c.n = x[0], c.c_in = x[1], c.h_in = x[2], c.w_in = x[3];
  c.c_out = y[1], c.h_out = y[2], c.w_out = y[3];
  c.kernel_h = k[0], c.kernel_w = k[1];
  c.stride_h = s[0], c.stride_w = s[1];
  c.pad_top = p[0], c.pad_left = p[1], c.pad_bottom = p[2], c.pad_right = p[3];
  c.dilation_h = d[0], c.dilation_w = d[1];
  c.groups = node.attrs.get_int("group", 1);
  c.epilogue = epilogue_from_attrs(node);
  return c;
}

}  // namespace

std::string describe(const Node& node) { return std::string(op_name(node.op)) + " node '" + node.name + "'"; }

std::size_t float_bytes(const Shape& shape) {
  return static_cast<std::size_t>(element_count(shape)) * sizeof(float);
}

kernels::Epilogue epilogue_from_attrs(const Node& node) {
  using kernels::Activation;
  kernels::Epilogue e;
  const std::string act = node.attrs.get_string("activation", "none");
  if (act == "none") e.act = Activation::None;
  else if (act == "relu") e.act = Activation::Relu;
  else if (act == "clip") e.act = Activation::Clip;
  else if (act == "leaky_relu") e.act = Activation::LeakyRelu;
  else if (act == "sigmoid") e.act = Activation::Sigmoid;
  else unsupported(node, "unknown fused activation '" + act + "'");
  e.alpha = static_cast<float>(node.attrs.get_float("alpha", 0.01));
  e.clip_min = static_cast<float>(node.attrs.get_float("clip_min", -std::numeric_limits<double>::infinity()));
  e.clip_max = static_cast<float>(node.attrs.get_float("clip_max", std::numeric_limits<double>::infinity()));
  return e;
}

std::optional<kernels::Epilogue> activation_op_epilogue(const Node& node) {
  using kernels::Activation;
  kernels::Epilogue e;
  switch (node.op) {
    case OpType::Relu: e.act = Activation::Relu; break;
    case OpType::Sigmoid: e.act = Activation::Sigmoid; break;
    case OpType::LeakyRelu:
      e.act = Activation::LeakyRelu;
      e.alpha = static_cast<float>(node.attrs.get_float("alpha", 0.01));
      break;
    case OpType::Clip:
      e.act = Activation::Clip;
      e.clip_min = static_cast<float>(node.attrs.get_float("min", -std::numeric_limits<double>::infinity()));
      e.clip_max = static_cast<float>(node.attrs.get_float("max", std::numeric_limits<double>::infinity()));
      break;
    default: return std::nullopt;
  }
  return e;
}

kernels::Conv2dParams conv2d_params(const Node& node, const Graph& graph) {
  return conv_geometry<kernels::Conv2dParams>(node, graph);
}

kernels::ConvTranspose2dParams conv_transpose2d_params(const Node& node, const Graph& graph) {
  auto c = conv_geometry<kernels::ConvTranspose2dParams>(node, graph);
  const auto op = ints(node, "output_padding", 2, {0, 0});
  c.output_padding_h = op[0], c.output_padding_w = op[1];
  return c;
}

kernels::Pool2dParams pool2d_params(const Node& node, const Graph& graph) {
  const Shape& x = rank4(node, graph, node.input(0));
  const Shape& y = rank4(node, graph, node.outputs.at(0));
  const auto k = ints(node, "kernel_shape", 2, {});
  const auto s = ints(node, "strides", 2, {1, 1});
  const auto p = ints(node, "pads", 4, {0, 0, 0, 0});
  const auto d = ints(node, "dilations", 2, {1, 1});
  kernels::Pool2dParams c;
  c.n = x[0], c.c = x[1], c.h_in = x[2], c.w_in = x[3], c.h_out = y[2], c.w_out = y[3];
  c.kernel_h = k[0], c.kernel_w = k[1];
  c.stride_h = s[0], c.stride_w = s[1];
  c.pad_top = p[0], c.pad_left = p[1], c.pad_bottom = p[2], c.pad_right = p[3];
  c.dilation_h = d[0], c.dilation_w = d[1];
  c.count_include_pad = node.attrs.get_int("count_include_pad", 0) != 0;
  return c;
}

kernels::ResizeParams resize_params(const Node& node, const Graph& graph) {
  using namespace kernels;
  const Shape& x = rank4(node, graph, node.input(0));
  const Shape& y = rank4(node, graph, node.outputs.at(0));
  if (x[0] != y[0] || x[1] != y[1]) unsupported(node, "Resize of the batch or channel axis");
  ResizeParams r;
  r.n = x[0], r.c = x[1], r.h_in = x[2], r.w_in = x[3], r.h_out = y[2], r.w_out = y[3];
  const auto scales = node.attrs.get_floats("scales", {});
  if (scales.size() == 4) {
    r.scale_h = static_cast<float>(scales[2]);
    r.scale_w = static_cast<float>(scales[3]);
  } else {
    r.scale_h = static_cast<float>(static_cast<double>(r.h_out) / static_cast<double>(r.h_in));
    r.scale_w = static_cast<float>(static_cast<double>(r.w_out) / static_cast<double>(r.w_in));
  }
  const std::string mode = node.attrs.get_string("mode", "nearest");
  if (mode == "nearest") r.mode = ResizeMode::Nearest;
  else if (mode == "linear") r.mode = ResizeMode::Linear;
  else unsupported(node, "Resize mode '" + mode + "'");
  const std::string ct = node.attrs.get_string("coordinate_transformation_mode", "half_pixel");
  if (ct == "half_pixel") r.transform = CoordinateTransform::HalfPixel;
  else if (ct == "pytorch_half_pixel") r.transform = CoordinateTransform::PytorchHalfPixel;
  else if (ct == "align_corners") r.transform = CoordinateTransform::AlignCorners;
  else if (ct == "asymmetric") r.transform = CoordinateTransform::Asymmetric;
  else unsupported(node, "coordinate_transformation_mode '" + ct + "'");
  const std::string nm = node.attrs.get_string("nearest_mode", "round_prefer_floor");
  if (nm == "round_prefer_floor") r.rounding = NearestRounding::RoundPreferFloor;
  else if (nm == "round_prefer_ceil") r.rounding = NearestRounding::RoundPreferCeil;
  else if (nm == "floor") r.rounding = NearestRounding::Floor;
  else if (nm == "ceil") r.rounding = NearestRounding::Ceil;
  else unsupported(node, "nearest_mode '" + nm + "'");
  return r;
}

kernels::GemmParams gemm_params(const Node& node, const Graph& graph) {
  const Shape& a = graph.shape_of(node.input(0));
  const Shape& b = graph.shape_of(node.input(1));
  if (a.size() != 2 || b.size() != 2) unsupported(node, "Gemm operands must be 2-D");
  kernels::GemmParams g;
  g.trans_a = node.attrs.get_int("transA", 0) != 0;
  g.trans_b = node.attrs.get_int("transB", 0) != 0;
  g.m = g.trans_a ? a[1] : a[0];
  g.k = g.trans_a ? a[0] : a[1];
  g.n = g.trans_b ? b[0] : b[1];
  g.alpha = static_cast<float>(node.attrs.get_float("alpha", 1.0));
  g.beta = static_cast<float>(node.attrs.get_float("beta", 1.0));
  g.epilogue = epilogue_from_attrs(node);
  if (!node.has_input(2)) return g;
  const Shape& c = graph.shape_of(node.input(2));
  const std::int64_t count = element_count(c);
  using kernels::BiasKind;
  if (count == 1) g.bias = BiasKind::Scalar;
  else if (c.size() == 1 && c[0] == g.n) g.bias = BiasKind::Row;
  else if (c.size() == 2 && c[0] == 1 && c[1] == g.n) g.bias = BiasKind::Row;
  else if (c.size() == 2 && c[0] == g.m && c[1] == 1) g.bias = BiasKind::Column;
  else if (c.size() == 2 && c[0] == g.m && c[1] == g.n) g.bias = BiasKind::Full;
  else unsupported(node, "Gemm C operand of shape " + shape_to_string(c) + " does not broadcast to [" +
                             std::to_string(g.m) + ", " + std::to_string(g.n) + "]");
  return g;
}

}  // namespace tarsier
