// Conv, ConvTranspose and pooling: explicit pads from auto_pad / output_shape, kernel
// shapes from weights, ONNX defaults written out.
#include <algorithm>

#include "convert/onnx_attr.hpp"
#include "convert/op_mapping.hpp"
#include "convert/shape_utils.hpp"

namespace tarsier::convert {
namespace {

struct Window {
  std::vector<std::int64_t> kernel, strides, dilations, pads;  // pads: top, left, bottom, right
};

void check_positive(const OnnxNode& node, const char* key, const std::vector<std::int64_t>& v) {
  for (auto x : v)
    if (x < 1) invalid(node, std::string("attribute '") + key + "' must be positive, has " + std::to_string(x));
}

// Reads strides/dilations/pads/auto_pad for a 2-D window over input `x` (NCHW).
Window read_window(const OnnxNode& node, const Shape& x, std::vector<std::int64_t> kernel, bool has_dilations) {
  Window w;
  w.kernel = std::move(kernel);
  w.strides = ints_attr(node, "strides", 2, {1, 1});
  w.dilations = has_dilations ? ints_attr(node, "dilations", 2, {1, 1}) : std::vector<std::int64_t>{1, 1};
  if (!has_dilations) {
    auto d = attr_ints(node.proto, "dilations");
    if (d && std::any_of(d->begin(), d->end(), [](auto v) { return v != 1; }))
      unsupported(node, "dilated average pooling");
  }
  check_positive(node, "kernel_shape", w.kernel);
  check_positive(node, "strides", w.strides);
  check_positive(node, "dilations", w.dilations);
  w.pads = ints_attr(node, "pads", 4, {0, 0, 0, 0});
  const std::string auto_pad = attr_string(node.proto, "auto_pad", "NOTSET");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (int a = 0; a < 2; ++a) {
      const auto p = same_padding(x[2 + a], w.kernel[a], w.strides[a], w.dilations[a], auto_pad == "SAME_UPPER");
      w.pads[a] = p.begin;
      w.pads[a + 2] = p.end;
    }
  } else if (auto_pad == "VALID") {
    w.pads = {0, 0, 0, 0};
  } else if (auto_pad != "NOTSET") {
    invalid(node, "unknown auto_pad '" + auto_pad + "'");
  }
  for (auto p : w.pads)
    if (p < 0) unsupported(node, "negative padding " + std::to_string(p));
  return w;
}

Shape weight_shape(ImportContext& ctx, const OnnxNode& node) {
  const FoldTensor& w = constant_input(ctx, node, 1, "W");
  if (w.shape.size() != 4)
    unsupported(node, "only 2-D convolutions are supported (weight shape " + shape_to_string(w.shape) + ")");
  return w.shape;
}

std::vector<std::int64_t> kernel_from(const OnnxNode& node, const Shape& w) {
  auto k = ints_attr(node, "kernel_shape", 2, {w[2], w[3]});
  if (k[0] != w[2] || k[1] != w[3])
    invalid(node, "kernel_shape " + shape_to_string(k) + " disagrees with weight shape " + shape_to_string(w));
  return k;
}

void set_window(Node& n, const Window& w) {
  n.attrs.set("kernel_shape", w.kernel);
  n.attrs.set("strides", w.strides);
  n.attrs.set("pads", w.pads);
  n.attrs.set("dilations", w.dilations);
}

std::vector<std::string> conv_inputs(ImportContext& ctx, const OnnxNode& node, const std::string& x) {
  std::vector<std::string> in{x, ctx.ir_constant(node.input(1))};
  if (node.has_input(2)) {
    constant_input(ctx, node, 2, "B");
    in.push_back(ctx.ir_constant(node.input(2)));
  }
  return in;
}

}  // namespace

void map_conv(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 4);
  const Shape w = weight_shape(ctx, node);
  Window win = read_window(node, ctx.shape_of(x), kernel_from(node, w), true);
  Node n = make_node(node, OpType::Conv, conv_inputs(ctx, node, x));
  set_window(n, win);
  n.attrs.set("group", attr_int(node.proto, "group", 1));
  ctx.emit(std::move(n));
}

void map_conv_transpose(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 4);
  const Shape& xs = ctx.shape_of(x);
  const Shape w = weight_shape(ctx, node);
  const auto k = kernel_from(node, w);
  const auto s = ints_attr(node, "strides", 2, {1, 1});
  const auto d = ints_attr(node, "dilations", 2, {1, 1});
  check_positive(node, "strides", s);
  check_positive(node, "dilations", d);
  auto out_pad = ints_attr(node, "output_padding", 2, {0, 0});
  auto pads = ints_attr(node, "pads", 4, {0, 0, 0, 0});
  const std::string auto_pad = attr_string(node.proto, "auto_pad", "NOTSET");

  // Explicit output_shape (or SAME auto_pad, whose output is input * stride) fixes the
  // total padding; the ONNX spec splits it with the odd pixel at the end for SAME_UPPER.
  std::vector<std::int64_t> target;
  if (auto os = attr_ints(node.proto, "output_shape")) {
    if (os->size() != 2 && os->size() != 4) invalid(node, "output_shape should have 2 or 4 values");
    target.assign(os->end() - 2, os->end());
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    target = {xs[2] * s[0], xs[3] * s[1]};
  } else if (auto_pad == "VALID") {
    pads = {0, 0, 0, 0};
  } else if (auto_pad != "NOTSET") {
    invalid(node, "unknown auto_pad '" + auto_pad + "'");
  }
  if (!target.empty()) {
    for (int a = 0; a < 2; ++a) {
      const std::int64_t total = s[a] * (xs[2 + a] - 1) + out_pad[a] + (k[a] - 1) * d[a] + 1 - target[a];
      if (total < 0)
        unsupported(node, "output_shape " + shape_to_string(target) + " needs negative padding");
      const bool lower = auto_pad == "SAME_LOWER";
      pads[a] = lower ? total - total / 2 : total / 2;
      pads[a + 2] = lower ? total / 2 : total - total / 2;
    }
  }
  for (auto p : pads)
    if (p < 0) unsupported(node, "negative padding " + std::to_string(p));

  Node n = make_node(node, OpType::ConvTranspose, conv_inputs(ctx, node, x));
  n.attrs.set("kernel_shape", k);
  n.attrs.set("strides", s);
  n.attrs.set("pads", pads);
  n.attrs.set("dilations", d);
  n.attrs.set("group", attr_int(node.proto, "group", 1));
  n.attrs.set("output_padding", out_pad);
  ctx.emit(std::move(n));
}

void map_max_pool(ImportContext& ctx, const OnnxNode& node) {
  require_single_output(ctx, node);
  const std::string& x = runtime_input(ctx, node, 0, 4);
  if (attr_int(node.proto, "storage_order", 0) != 0) unsupported(node, "storage_order must be 0 (row major)");
  auto k = attr_ints(node.proto, "kernel_shape");
  if (!k || k->size() != 2) unsupported(node, "only 2-D pooling with a kernel_shape is supported");
  Window win = read_window(node, ctx.shape_of(x), *k, true);
  Node n = make_node(node, OpType::MaxPool, {x});
  set_window(n, win);
  n.attrs.set("ceil_mode", attr_int(node.proto, "ceil_mode", 0));
  ctx.emit(std::move(n));
}

void map_average_pool(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 4);
  auto k = attr_ints(node.proto, "kernel_shape");
  if (!k || k->size() != 2) unsupported(node, "only 2-D pooling with a kernel_shape is supported");
  Window win = read_window(node, ctx.shape_of(x), *k, false);
  Node n = make_node(node, OpType::AveragePool, {x});
  n.attrs.set("kernel_shape", win.kernel);
  n.attrs.set("strides", win.strides);
  n.attrs.set("pads", win.pads);
  n.attrs.set("ceil_mode", attr_int(node.proto, "ceil_mode", 0));
  n.attrs.set("count_include_pad", attr_int(node.proto, "count_include_pad", 0));
  ctx.emit(std::move(n));
}

void map_global_average_pool(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 4);
  ctx.emit(make_node(node, OpType::GlobalAveragePool, {x}));
}

void map_global_max_pool(ImportContext& ctx, const OnnxNode& node) {
  // A max pool whose window is the whole plane.
  const std::string& x = runtime_input(ctx, node, 0, 4);
  const Shape& xs = ctx.shape_of(x);
  Node n = make_node(node, OpType::MaxPool, {x});
  n.attrs.set("kernel_shape", std::vector<std::int64_t>{xs[2], xs[3]});
  n.attrs.set("strides", std::vector<std::int64_t>{1, 1});
  n.attrs.set("pads", std::vector<std::int64_t>{0, 0, 0, 0});
  n.attrs.set("dilations", std::vector<std::int64_t>{1, 1});
  n.attrs.set("ceil_mode", std::int64_t{0});
  ctx.emit(std::move(n));
}

}  // namespace tarsier::convert
