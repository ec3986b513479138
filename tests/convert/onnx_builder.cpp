#include "onnx_builder.hpp"

#include <cstring>
#include <random>

namespace tarsier::test {

OnnxBuilder::OnnxBuilder(std::int64_t opset) {
  model_.set_ir_version(8);
  model_.set_producer_name("pytorch");
  model_.set_producer_version("1.13.1");
  auto* op = model_.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  model_.mutable_graph()->set_name("test");
}

void OnnxBuilder::input(const std::string& name, const std::vector<std::int64_t>& dims, int elem_type) {
  auto* v = model_.mutable_graph()->add_input();
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(elem_type);
  auto* shape = t->mutable_shape();
  for (auto d : dims) {
    auto* dim = shape->add_dim();
    if (d < 0) dim->set_dim_param("dyn" + std::to_string(counter_++));
    else dim->set_dim_value(d);
  }
}

void OnnxBuilder::output(const std::string& name) {
  auto* v = model_.mutable_graph()->add_output();
  v->set_name(name);
  v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
}

void OnnxBuilder::initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                              const std::vector<float>& values) {
  *model_.mutable_graph()->add_initializer() = make_tensor_f32(name, dims, values);
}

void OnnxBuilder::initializer_i64(const std::string& name, const std::vector<std::int64_t>& dims,
                                  const std::vector<std::int64_t>& values) {
  *model_.mutable_graph()->add_initializer() = make_tensor_i64(name, dims, values);
}

void OnnxBuilder::constant_i64(const std::string& name, const std::vector<std::int64_t>& values, bool scalar) {
  auto& n = node("Constant", {}, {name});
  auto* a = n.add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  std::vector<std::int64_t> dims;
  if (!scalar) dims.push_back(static_cast<std::int64_t>(values.size()));
  *a->mutable_t() = make_tensor_i64(name, dims, values);
}

void OnnxBuilder::constant_f32(const std::string& name, const std::vector<float>& values, bool scalar) {
  auto& n = node("Constant", {}, {name});
  auto* a = n.add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  std::vector<std::int64_t> dims;
  if (!scalar) dims.push_back(static_cast<std::int64_t>(values.size()));
  *a->mutable_t() = make_tensor_f32(name, dims, values, false);
}

onnx::NodeProto& OnnxBuilder::node(const std::string& op, const std::vector<std::string>& inputs,
                                   const std::vector<std::string>& outputs, const std::string& name) {
  auto* n = model_.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(name.empty() ? "/" + op + "_" + std::to_string(counter_++) : name);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return *n;
}

std::string OnnxBuilder::bytes() const { return model_.SerializeAsString(); }

void set_attr(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

void set_attr(onnx::NodeProto& node, const std::string& name, float value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

void set_attr(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}

void set_attr(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto v : values) a->add_ints(v);
}

void set_attr_floats(onnx::NodeProto& node, const std::string& name, const std::vector<float>& values) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOATS);
  for (auto v : values) a->add_floats(v);
}

onnx::TensorProto make_tensor_f32(const std::string& name, const std::vector<std::int64_t>& dims,
                                  const std::vector<float>& values, bool raw) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : dims) t.add_dims(d);
  if (raw) {
    std::string bytes(values.size() * sizeof(float), '\0');
    if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    t.set_raw_data(bytes);
  } else {
    for (float v : values) t.add_float_data(v);
  }
  return t;
}

onnx::TensorProto make_tensor_i64(const std::string& name, const std::vector<std::int64_t>& dims,
                                  const std::vector<std::int64_t>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::INT64);
  for (auto d : dims) t.add_dims(d);
  for (auto v : values) t.add_int64_data(v);
  return t;
}

std::vector<float> random_floats(std::size_t n, std::uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

}  // namespace tarsier::test
