#include "convert/import_context.hpp"

#include <tarsier/error.hpp>

#include "graph/shape_inference.hpp"

namespace tarsier::convert {

std::string ImportContext::fresh_name(const std::string& base) {
  std::string name = base;
  for (int k = 1; used_names_.count(name); ++k) name = base + "_" + std::to_string(k);
  used_names_.insert(name);
  return name;
}

void ImportContext::set_constant(const std::string& name, FoldTensor value) {
  constants_.insert_or_assign(name, std::move(value));
}

void ImportContext::set_folded(const std::string& name, FoldTensor value) {
  constexpr std::int64_t kMaxTotal = std::int64_t{1} << 28;
  folded_elements_ += static_cast<std::int64_t>(value.size());
  if (folded_elements_ > kMaxTotal)
    throw Error(ErrorCode::InvalidModel, "constant folding of '" + name + "' exceeds the converter's memory budget");
  set_constant(name, std::move(value));
}

const FoldTensor* ImportContext::constant(std::string_view name) const {
  auto it = constants_.find(name);
  return it == constants_.end() ? nullptr : &it->second;
}

void ImportContext::set_alias(const std::string& name, const std::string& target) {
  aliases_[name] = resolve(target);
}

const std::string& ImportContext::resolve(const std::string& name) const {
  auto it = aliases_.find(name);
  return it == aliases_.end() ? name : it->second;
}

bool ImportContext::has_shape(std::string_view name) const {
  return constant(name) || graph_.shapes.count(std::string(name)) || graph_.is_constant(name);
}

const Shape& ImportContext::shape_of(const std::string& name) const {
  if (const FoldTensor* c = constant(name)) return c->shape;
  return graph_.shape_of(name);
}

std::string ImportContext::ir_constant(const std::string& name) {
  if (graph_.is_constant(name)) return name;
  const FoldTensor* c = constant(name);
  if (!c) throw Error(ErrorCode::Internal, "value '" + name + "' is not a constant");
  ConstTensor t = c->to_const();
  if (t.shape.empty()) t.shape = {1};
  graph_.constants.emplace(name, std::move(t));
  return name;
}

std::string ImportContext::add_ir_constant(const std::string& base, ConstTensor value) {
  std::string name = fresh_name(base);
  graph_.constants.emplace(name, std::move(value));
  return name;
}

void ImportContext::emit(Node node) {
  if (node.name.empty() || node_names_.count(node.name)) node.name = fresh_name(node.name.empty() ? "node" : node.name);
  node_names_.insert(node.name);
  used_names_.insert(node.name);
  std::vector<Shape> in_shapes;
  in_shapes.reserve(node.inputs.size());
  for (const auto& in : node.inputs) in_shapes.push_back(in.empty() ? Shape{} : graph_.shape_of(in));
  auto out_shapes = infer_node_shapes(node, in_shapes);
  if (out_shapes.size() != node.outputs.size())
    throw Error(ErrorCode::Internal, "node '" + node.name + "' gives " + std::to_string(out_shapes.size()) +
                                         " shapes for " + std::to_string(node.outputs.size()) + " outputs");
  for (std::size_t i = 0; i < out_shapes.size(); ++i) graph_.shapes[node.outputs[i]] = out_shapes[i];
  graph_.nodes.push_back(std::move(node));
}

}  // namespace tarsier::convert
