#include "convert/input_shape.hpp"

#include <tarsier/error.hpp>

namespace tarsier::convert {
namespace {

using Dim = std::optional<std::int64_t>;

bool is_channel_count(const Dim& d) { return d && (*d == 1 || *d == 3); }

// NHWC when the last axis looks like colour channels and axis 1 does not (Keras exports).
Layout default_layout(const std::vector<Dim>& dims) {
  if (dims.size() == 4 && is_channel_count(dims[3]) && !is_channel_count(dims[1])) return Layout::NHWC;
  return Layout::NCHW;
}

}  // namespace

ResolvedInput resolve_input(const onnx::ValueInfoProto& input, const ConvertOptions& options) {
  const std::string what = "model input '" + input.name() + "'";
  if (!input.type().has_tensor_type())
    throw Error(ErrorCode::UnsupportedModel, what + " is not a tensor");
  const auto& tt = input.type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto::FLOAT)
    throw Error(ErrorCode::UnsupportedModel, what + " has element type " + std::to_string(tt.elem_type()) +
                                                 "; Tarsier models take a float32 tensor");
  if (!tt.has_shape()) throw Error(ErrorCode::InvalidArgument, what + " has no declared shape");
  std::vector<Dim> dims;
  for (const auto& d : tt.shape().dim()) {
    if (d.has_dim_value() && d.dim_value() > 0) dims.emplace_back(d.dim_value());
    else dims.emplace_back(std::nullopt);
  }
  ResolvedInput r;
  r.layout = options.layout.value_or(default_layout(dims));
  if (dims.empty()) throw Error(ErrorCode::UnsupportedModel, what + " is a scalar");
  if (!dims[0]) dims[0] = 1;  // symbolic batch: we run one image at a time

  if (dims.size() == 4) {
    const std::size_t h = r.layout == Layout::NHWC ? 1 : 2;
    if (options.size) {
      const auto& sz = *options.size;
      if (sz.size() != 2 || sz[0] < 1 || sz[1] < 1)
        throw Error(ErrorCode::InvalidArgument, "--size needs two positive values, H and W");
      for (std::size_t i = 0; i < 2; ++i) {
        if (dims[h + i] && *dims[h + i] != sz[i])
          throw Error(ErrorCode::InvalidArgument,
                      what + " has a fixed size " + std::to_string(dims[h].value_or(0)) + "x" +
                          std::to_string(dims[h + 1].value_or(0)) + " that --size " + std::to_string(sz[0]) + "x" +
                          std::to_string(sz[1]) + " contradicts");
        dims[h + i] = sz[i];
      }
    }
    if (!dims[h] || !dims[h + 1])
      throw Error(ErrorCode::InvalidArgument,
                  what + " has no fixed height/width; give the size to convert for with --size HxW");
  }
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (!dims[i])
      throw Error(ErrorCode::InvalidArgument, what + " has an unknown dimension " + std::to_string(i) +
                                                  " that cannot be inferred");
    r.shape.push_back(*dims[i]);
  }
  element_count(r.shape);
  return r;
}

}  // namespace tarsier::convert
