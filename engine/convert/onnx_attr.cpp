#include "convert/onnx_attr.hpp"

#include <tarsier/error.hpp>

#include "convert/onnx_tensor.hpp"

namespace tarsier::convert {
namespace {

const onnx::AttributeProto* typed(const onnx::NodeProto& node, std::string_view name,
                                  onnx::AttributeProto::AttributeType type, const char* wanted) {
  const auto* a = find_attr(node, name);
  if (!a) return nullptr;
  // Old exporters sometimes leave `type` unset; accept that when the payload matches.
  if (a->type() != type && a->type() != onnx::AttributeProto::UNDEFINED)
    throw Error(ErrorCode::InvalidModel,
                describe(node) + ": attribute '" + std::string(name) + "' should be " + wanted);
  return a;
}

}  // namespace

std::string describe(const onnx::NodeProto& node) {
  return node.op_type() + " node '" + node.name() + "'";
}

const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, std::string_view name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

std::optional<std::int64_t> attr_int(const onnx::NodeProto& node, std::string_view name) {
  const auto* a = typed(node, name, onnx::AttributeProto::INT, "an integer");
  if (!a) return std::nullopt;
  return a->i();
}

std::int64_t attr_int(const onnx::NodeProto& node, std::string_view name, std::int64_t fallback) {
  return attr_int(node, name).value_or(fallback);
}

std::optional<float> attr_float(const onnx::NodeProto& node, std::string_view name) {
  const auto* a = typed(node, name, onnx::AttributeProto::FLOAT, "a float");
  if (!a) return std::nullopt;
  return a->f();
}

float attr_float(const onnx::NodeProto& node, std::string_view name, float fallback) {
  return attr_float(node, name).value_or(fallback);
}

std::optional<std::string> attr_string(const onnx::NodeProto& node, std::string_view name) {
  const auto* a = typed(node, name, onnx::AttributeProto::STRING, "a string");
  if (!a) return std::nullopt;
  return a->s();
}

std::string attr_string(const onnx::NodeProto& node, std::string_view name, std::string_view fallback) {
  auto v = attr_string(node, name);
  return v ? *v : std::string(fallback);
}

std::optional<std::vector<std::int64_t>> attr_ints(const onnx::NodeProto& node, std::string_view name) {
  const auto* a = typed(node, name, onnx::AttributeProto::INTS, "a list of integers");
  if (!a) return std::nullopt;
  return std::vector<std::int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<std::vector<float>> attr_floats(const onnx::NodeProto& node, std::string_view name) {
  const auto* a = typed(node, name, onnx::AttributeProto::FLOATS, "a list of floats");
  if (!a) return std::nullopt;
  return std::vector<float>(a->floats().begin(), a->floats().end());
}

std::optional<FoldTensor> attr_tensor(const onnx::NodeProto& node, std::string_view name) {
  const auto* a = typed(node, name, onnx::AttributeProto::TENSOR, "a tensor");
  if (!a) return std::nullopt;
  return read_tensor_proto(a->t(), describe(node) + " attribute '" + std::string(name) + "'");
}

}  // namespace tarsier::convert
