// Resize (opsets 11-17: roi, scales, sizes inputs) and legacy Upsample, resolved to
// explicit output sizes plus the scales the coordinate transform uses.
#include <cmath>

#include "convert/onnx_attr.hpp"
#include "convert/op_mapping.hpp"

namespace tarsier::convert {
namespace {

struct ResizeSpec {
  std::string mode, coordinate_mode, nearest_mode;
  std::vector<double> scales;
  std::vector<std::int64_t> sizes;
};

void emit_resize(ImportContext& ctx, const OnnxNode& node, const std::string& x, const ResizeSpec& r) {
  const Shape& s = ctx.shape_of(x);
  if (r.sizes[0] != s[0] || r.sizes[1] != s[1])
    unsupported(node, "resizing the batch or channel axis (" + shape_to_string(s) + " -> " +
                          shape_to_string(r.sizes) + ")");
  Node n = make_node(node, OpType::Resize, {x});
  n.attrs.set("mode", r.mode);
  n.attrs.set("coordinate_transformation_mode", r.coordinate_mode);
  n.attrs.set("nearest_mode", r.nearest_mode);
  n.attrs.set("scales", r.scales);
  n.attrs.set("sizes", r.sizes);
  ctx.emit(std::move(n));
}

// sizes from scales: floor(in * scale), as the ONNX spec defines.
void sizes_from_scales(const OnnxNode& node, const Shape& s, ResizeSpec& r) {
  if (r.scales.size() != s.size())
    invalid(node, "scales has " + std::to_string(r.scales.size()) + " values for a rank-" + std::to_string(s.size()) +
                      " input");
  r.sizes.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!(r.scales[i] > 0) || !std::isfinite(r.scales[i])) invalid(node, "scales must be positive");
    const double out = std::floor(static_cast<double>(s[i]) * r.scales[i]);
    if (out < 1 || out > 1e9) invalid(node, "resize output size " + std::to_string(out) + " is out of range");
    r.sizes.push_back(static_cast<std::int64_t>(out));
  }
}

}  // namespace

void map_resize(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 4);
  const Shape& s = ctx.shape_of(x);
  ResizeSpec r;
  r.mode = attr_string(node.proto, "mode", "nearest");
  if (r.mode == "cubic") unsupported(node, "cubic interpolation");
  if (r.mode != "nearest" && r.mode != "linear") invalid(node, "unknown mode '" + r.mode + "'");
  r.coordinate_mode = attr_string(node.proto, "coordinate_transformation_mode", "half_pixel");
  if (r.coordinate_mode != "half_pixel" && r.coordinate_mode != "pytorch_half_pixel" &&
      r.coordinate_mode != "align_corners" && r.coordinate_mode != "asymmetric")
    unsupported(node, "coordinate_transformation_mode '" + r.coordinate_mode + "'");
  r.nearest_mode = attr_string(node.proto, "nearest_mode", "round_prefer_floor");
  if (r.nearest_mode != "round_prefer_floor" && r.nearest_mode != "round_prefer_ceil" && r.nearest_mode != "floor" &&
      r.nearest_mode != "ceil")
    invalid(node, "unknown nearest_mode '" + r.nearest_mode + "'");

  // roi only matters for tf_crop_and_resize (rejected above). Empty scales/sizes
  // tensors count as absent, as PyTorch exports them that way.
  const FoldTensor* scales = node.has_input(2) ? &constant_input(ctx, node, 2, "scales") : nullptr;
  const FoldTensor* sizes = node.has_input(3) ? &constant_input(ctx, node, 3, "sizes") : nullptr;
  if (scales && scales->size() == 0) scales = nullptr;
  if (sizes && sizes->size() == 0) sizes = nullptr;
  if (scales && sizes) invalid(node, "both scales and sizes are given");
  if (sizes) {
    r.sizes = sizes->int_values(node.what() + " sizes");
    if (r.sizes.size() != s.size()) invalid(node, "sizes has the wrong length");
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (r.sizes[i] < 1) invalid(node, "sizes " + shape_to_string(r.sizes) + " must be positive");
      r.scales.push_back(static_cast<double>(r.sizes[i]) / static_cast<double>(s[i]));
    }
  } else if (scales) {
    // The coordinate transform uses the given scale (as float32), not out/in.
    for (std::size_t k = 0; k < scales->size(); ++k) r.scales.push_back(static_cast<float>(scales->as_double(k)));
    sizes_from_scales(node, s, r);
  } else {
    invalid(node, "neither scales nor sizes is given");
  }
  emit_resize(ctx, node, x, r);
}

void map_upsample(ImportContext& ctx, const OnnxNode& node) {
  const std::string& x = runtime_input(ctx, node, 0, 4);
  ResizeSpec r;
  const std::string mode = attr_string(node.proto, "mode", "nearest");
  if (mode != "nearest" && mode != "linear" && mode != "bilinear") unsupported(node, "mode '" + mode + "'");
  r.mode = mode == "nearest" ? "nearest" : "linear";
  // Upsample predates coordinate modes: it maps output x to input x / scale and takes
  // the nearest pixel by flooring.
  r.coordinate_mode = "asymmetric";
  r.nearest_mode = "floor";
  if (node.has_input(1)) {
    for (double v : constant_input(ctx, node, 1, "scales").double_values()) r.scales.push_back(v);
  } else if (auto a = attr_floats(node.proto, "scales")) {
    for (float v : *a) r.scales.push_back(v);
  } else {
    invalid(node, "missing scales");
  }
  sizes_from_scales(node, ctx.shape_of(x), r);
  emit_resize(ctx, node, x, r);
}

}  // namespace tarsier::convert
