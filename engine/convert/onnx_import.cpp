#include "convert/onnx_import.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <tarsier/error.hpp>

#include "convert/fold_eval.hpp"
#include "convert/import_context.hpp"
#include "convert/onnx_attr.hpp"
#include "convert/onnx_tensor.hpp"
#include "convert/op_mapping.hpp"

namespace tarsier::convert {
namespace {

[[noreturn]] void invalid(const std::string& message) { throw Error(ErrorCode::InvalidModel, message); }

// Node indices in an order where every input is produced first (ONNX requires sorted
// graphs, but not every exporter complies). Kahn's algorithm, stable in file order.
std::vector<int> topological_order(const onnx::GraphProto& g, const std::set<std::string, std::less<>>& sources) {
  const int n = g.node_size();
  std::map<std::string, int, std::less<>> producer;
  for (int i = 0; i < n; ++i)
    for (const auto& out : g.node(i).output()) {
      if (out.empty()) continue;
      if (sources.count(out) || !producer.emplace(out, i).second)
        invalid("value '" + out + "' is defined more than once (again by " + describe(g.node(i)) + ")");
    }
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> consumers(n);
  for (int i = 0; i < n; ++i) {
    std::set<int> deps;
    for (const auto& in : g.node(i).input()) {
      if (in.empty() || sources.count(in)) continue;
      auto p = producer.find(in);
      if (p == producer.end()) invalid(describe(g.node(i)) + " reads '" + in + "', which nothing defines");
      deps.insert(p->second);
    }
    pending[i] = static_cast<int>(deps.size());
    for (int d : deps) consumers[d].push_back(i);
  }
  std::set<int> ready;
  for (int i = 0; i < n; ++i)
    if (pending[i] == 0) ready.insert(i);
  std::vector<int> order;
  order.reserve(n);
  while (!ready.empty()) {
    const int i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (int c : consumers[i])
      if (--pending[c] == 0) ready.insert(c);
  }
  if (static_cast<int>(order.size()) != n) invalid("the ONNX graph has a cycle");
  return order;
}

void check_domain(const onnx::NodeProto& node, std::int64_t opset) {
  if (!is_default_domain(node.domain()))
    throw Error(ErrorCode::UnsupportedModel, "unsupported ONNX op '" + node.op_type() + "' from domain '" +
                                                 node.domain() + "' (node '" + node.name() + "', opset " +
                                                 std::to_string(opset) + ")");
}

// Keeps graph output names stable when the value behind an output was renamed by an
// alias (a removed Identity feeding the output).
void bind_output(ImportContext& ctx, const std::string& onnx_name, const std::set<std::string>& onnx_outputs,
                 std::map<std::string, std::string>& renamed) {
  Graph& g = ctx.graph();
  std::string source = ctx.resolve(onnx_name);
  if (auto r = renamed.find(source); r != renamed.end()) source = r->second;
  if (ctx.is_constant(source))
    throw Error(ErrorCode::UnsupportedModel,
                "model output '" + onnx_name + "' is a constant that does not depend on the input");
  if (!g.shapes.count(source)) invalid("model output '" + onnx_name + "' is not computed by the graph");
  if (source != onnx_name) {
    const int producer = g.producer_of(source);
    const bool renamable = producer >= 0 && !onnx_outputs.count(source) &&
                           std::find(g.outputs.begin(), g.outputs.end(), source) == g.outputs.end();
    if (renamable) {
      for (auto& node : g.nodes) {
        for (auto& in : node.inputs)
          if (in == source) in = onnx_name;
        for (auto& out : node.outputs)
          if (out == source) out = onnx_name;
      }
      g.shapes[onnx_name] = g.shapes.at(source);
      g.shapes.erase(source);
      renamed[source] = onnx_name;
    } else {
      // The value is also the model input or another output: copy it under the name.
      Node copy;
      copy.name = ctx.fresh_name(onnx_name + "_copy");
      copy.op = OpType::Reshape;
      copy.inputs = {source};
      copy.outputs = {onnx_name};
      copy.attrs.set("shape", g.shapes.at(source));
      ctx.emit(std::move(copy));
    }
  }
  g.outputs.push_back(onnx_name);
}

}  // namespace

ImportedGraph import_onnx_graph(const OnnxModel& model, const ConvertOptions& options, ConvertStats& stats) {
  const onnx::GraphProto& g = model.proto.graph();
  ImportContext ctx(model.opset, stats);
  if (g.sparse_initializer_size() > 0) throw Error(ErrorCode::UnsupportedModel, "sparse initializers are not supported");

  for (const auto& t : g.initializer()) ctx.reserve_name(t.name());
  for (const auto& v : g.input()) ctx.reserve_name(v.name());
  for (const auto& node : g.node()) {
    ctx.reserve_name(node.name());
    for (const auto& out : node.output()) ctx.reserve_name(out);
    for (const auto& in : node.input())
      if (!in.empty()) ctx.add_use(in);
  }
  std::set<std::string> onnx_outputs;
  for (const auto& o : g.output()) {
    ctx.add_use(o.name());
    if (!onnx_outputs.insert(o.name()).second) invalid("model output '" + o.name() + "' is listed twice");
  }
  if (onnx_outputs.empty()) invalid("the ONNX graph has no outputs");

  std::set<std::string, std::less<>> sources;
  for (const auto& t : g.initializer()) {
    if (t.name().empty()) invalid("an initializer has no name");
    if (!sources.insert(t.name()).second) invalid("initializer '" + t.name() + "' is defined twice");
    ctx.set_constant(t.name(), read_tensor_proto(t, "initializer '" + t.name() + "'"));
  }
  // Older exporters list initializers among the inputs too; those are not fed at run time.
  std::vector<const onnx::ValueInfoProto*> runtime_inputs;
  for (const auto& v : g.input())
    if (!sources.count(v.name())) runtime_inputs.push_back(&v);
  if (runtime_inputs.empty()) invalid("the ONNX graph has no inputs");
  if (runtime_inputs.size() > 1)
    throw Error(ErrorCode::UnsupportedModel, "the model has " + std::to_string(runtime_inputs.size()) +
                                                 " inputs; Tarsier models take one image tensor");
  const auto& in = *runtime_inputs[0];
  if (in.name().empty()) invalid("the model input has no name");
  ImportedGraph result;
  result.input = resolve_input(in, options);
  ctx.graph().inputs = {in.name()};
  ctx.graph().shapes[in.name()] = result.input.shape;
  sources.insert(in.name());

  for (int index : topological_order(g, sources)) {
    const onnx::NodeProto& proto = g.node(index);
    check_domain(proto, model.opset);
    ++stats.onnx_nodes;
    OnnxNode node{proto, proto.name().empty() ? proto.op_type() + "_" + std::to_string(index) : proto.name(), {}};
    bool all_constant = true;
    std::vector<const FoldTensor*> folded_inputs;
    for (const auto& raw : proto.input()) {
      const std::string& name = raw.empty() ? raw : ctx.resolve(raw);
      node.inputs.push_back(name);
      const FoldTensor* c = name.empty() ? nullptr : ctx.constant(name);
      if (!name.empty() && !c) {
        all_constant = false;
        if (!ctx.has_shape(name)) invalid(node.what() + " reads '" + name + "', which is not computed");
      }
      folded_inputs.push_back(c);
    }
    if (proto.output_size() == 0 || proto.output(0).empty()) invalid(node.what() + " has no output");

    std::vector<FoldTensor> values;
    if (all_constant && is_foldable(proto.op_type())) {
      values = fold_node(proto, folded_inputs, model.opset);
    } else if ((proto.op_type() == "Shape" || proto.op_type() == "Size") && !node.inputs.empty() &&
               !node.inputs[0].empty()) {
      values = fold_shape_query(proto, ctx.shape_of(node.inputs[0]));
    }
    if (!values.empty()) {
      ++stats.folded_nodes;
      for (std::size_t i = 0; i < values.size() && static_cast<int>(i) < proto.output_size(); ++i)
        if (!proto.output(static_cast<int>(i)).empty()) ctx.set_folded(proto.output(static_cast<int>(i)), std::move(values[i]));
      continue;
    }
    const MapFn map = find_mapper(proto.op_type());
    if (!map)
      throw Error(ErrorCode::UnsupportedModel, "unsupported ONNX op '" + proto.op_type() + "' (node '" + node.name +
                                                   "', opset " + std::to_string(model.opset) + ")");
    map(ctx, node);
  }

  std::map<std::string, std::string> renamed;
  for (const auto& o : g.output()) bind_output(ctx, o.name(), onnx_outputs, renamed);
  result.graph = ctx.take_graph();
  return result;
}

}  // namespace tarsier::convert
