#include "backend/x86/nhwc_rewrite.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace tarsier::x86_backend {
namespace {

using Perm = std::vector<std::int64_t>;
const Perm kToNhwc{0, 2, 3, 1};
const Perm kToNchw{0, 3, 1, 2};

Shape permuted(const Shape& s, const Perm& perm) { return {s[perm[0]], s[perm[1]], s[perm[2]], s[perm[3]]}; }

bool rank4(const Graph& graph, const std::string& v) { return !v.empty() && graph.shape_of(v).size() == 4; }
bool activation4(const Graph& graph, const std::string& v) { return rank4(graph, v) && !graph.is_constant(v); }

// A constant of Add/Mul that broadcasts as one value per channel of an NCHW tensor.
bool per_channel(const Shape& s, std::int64_t channels) {
  if (s.size() > 4 || element_count(s) != channels) return false;
  Shape full(4 - s.size(), 1);
  full.insert(full.end(), s.begin(), s.end());
  return full[0] == 1 && full[1] == channels && full[2] == 1 && full[3] == 1;
}

bool binary_can_be_nhwc(const Node& node, const Graph& graph) {
  if (node.inputs.size() != 2 || node.outputs.size() != 1 || !rank4(graph, node.outputs[0])) return false;
  const Shape& y = graph.shape_of(node.outputs[0]);
  int activations = 0;
  for (const auto& in : node.inputs) {
    if (in.empty()) return false;
    const Shape& s = graph.shape_of(in);
    if (graph.is_constant(in)) {
      if (element_count(s) != 1 && !per_channel(s, y[1])) return false;
    } else {
      if (s != y) return false;
      ++activations;
    }
  }
  return activations > 0;
}

enum class Role { Forced, Follow, NchwOnly };

Role role_of(const Node& node, const Graph& graph) {
  const std::string& x = node.input(0);
  switch (node.op) {
    case OpType::Conv:
    case OpType::ConvTranspose:
      return activation4(graph, x) && graph.is_constant(node.input(1)) && rank4(graph, node.input(1)) ? Role::Forced
                                                                                                     : Role::NchwOnly;
    case OpType::MaxPool:
    case OpType::AveragePool:
    case OpType::GlobalAveragePool:
    case OpType::BatchNormalization: return activation4(graph, x) ? Role::Forced : Role::NchwOnly;
    case OpType::Resize: {
      if (!activation4(graph, x) || !rank4(graph, node.outputs.at(0))) return Role::NchwOnly;
      const Shape& a = graph.shape_of(x);
      const Shape& b = graph.shape_of(node.outputs[0]);
      return a[0] == b[0] && a[1] == b[1] ? Role::Forced : Role::NchwOnly;
    }
    case OpType::Concat: {
      if (node.attrs.get_int("axis", -1) != 1 || node.inputs.empty()) return Role::NchwOnly;
      for (const auto& in : node.inputs)
        if (!activation4(graph, in)) return Role::NchwOnly;
      return Role::Forced;
    }
    case OpType::Relu:
    case OpType::Clip:
    case OpType::LeakyRelu:
    case OpType::Sigmoid:
    case OpType::Pad: return activation4(graph, x) ? Role::Follow : Role::NchwOnly;
    case OpType::Add:
    case OpType::Mul: return binary_can_be_nhwc(node, graph) ? Role::Follow : Role::NchwOnly;
    default: return Role::NchwOnly;
  }
}

class Rewriter {
 public:
  explicit Rewriter(Graph& graph) : g_(graph) {}

  NhwcReport run() {
    // Roles come from the original (NCHW) shapes, before any of them is rewritten.
    std::vector<Role> roles;
    for (const Node& node : g_.nodes) roles.push_back(role_of(node, g_));
    std::vector<Node> nodes = std::move(g_.nodes);
    g_.nodes.clear();
    for (std::size_t i = 0; i < nodes.size(); ++i) visit(std::move(nodes[i]), roles[i]);
    convert_outputs();
    remove_dead_nodes();
    return report_;
  }

 private:
  bool stored_nhwc(const std::string& v) const { return nhwc_.contains(v); }

  void visit(Node node, Role role) {
    bool use_nhwc = role == Role::Forced;
    if (role == Role::Follow)
      for (const auto& in : node.inputs)
        if (stored_nhwc(in)) use_nhwc = true;

    if (!use_nhwc) {
      if (node.op == OpType::Transpose && stored_nhwc(node.input(0)) && node.attrs.get_ints("perm", {}) == kToNhwc &&
          node.outputs.size() == 1) {
        // NCHW -> NHWC of data stored NHWC: nothing to move.
        node.op = OpType::Reshape;
        node.attrs = Attributes{};
        node.attrs.set("shape", g_.shape_of(node.outputs[0]));
        ++report_.cancelled;
      } else {
        for (auto& in : node.inputs)
          if (stored_nhwc(in)) in = as_nchw(in);
      }
      g_.nodes.push_back(std::move(node));
      return;
    }

    const Shape nchw_out = g_.shape_of(node.outputs.at(0));
    for (std::size_t i = 0; i < node.inputs.size(); ++i) {
      std::string& in = node.inputs[i];
      if (in.empty()) continue;
      if (g_.is_constant(in)) {
        if ((node.op == OpType::Add || node.op == OpType::Mul) && element_count(g_.shape_of(in)) > 1)
          in = channel_constant(in);
        continue;
      }
      if (rank4(g_, in) && !stored_nhwc(in)) in = as_nhwc(in);
    }
    remap_attributes(node, nchw_out);
    node.attrs.set(kLayoutAttr, std::string(kNhwc));
    for (const auto& out : node.outputs) {
      if (out.empty()) continue;
      g_.shapes[out] = permuted(g_.shape_of(out), kToNhwc);
      nhwc_.insert(out);
    }
    ++report_.nhwc_nodes;
    g_.nodes.push_back(std::move(node));
  }

  void remap_attributes(Node& node, const Shape& nchw_out) {
    (void)nchw_out;
    if (node.op == OpType::Concat) node.attrs.set("axis", std::int64_t{3});
    if (node.op == OpType::Pad) {
      const auto p = node.attrs.get_ints("pads", {});
      if (p.size() == 8) node.attrs.set("pads", std::vector<std::int64_t>{p[0], p[2], p[3], p[1], p[4], p[6], p[7], p[5]});
    }
    if (node.op == OpType::Resize) {
      if (auto s = node.attrs.get_floats("scales", {}); s.size() == 4)
        node.attrs.set("scales", std::vector<double>{s[0], s[2], s[3], s[1]});
      if (auto s = node.attrs.get_ints("sizes", {}); s.size() == 4)
        node.attrs.set("sizes", std::vector<std::int64_t>{s[0], s[2], s[3], s[1]});
    }
  }

  // The per-channel constant as shape [C], which broadcasts over the last (channel) axis.
  std::string channel_constant(const std::string& c) {
    const std::string name = c + "#nhwc";
    if (!g_.constants.contains(name)) {
      const ConstTensor& t = g_.constants.at(c);
      ConstTensor copy = t;
      copy.shape = Shape{static_cast<std::int64_t>(t.data.size())};
      g_.constants.emplace(name, std::move(copy));
    }
    return name;
  }

  std::string fresh(const std::string& base, const char* suffix) {
    std::string name = base + suffix;
    while (g_.shapes.contains(name) || g_.constants.contains(name)) name += "_";
    return name;
  }

  // Appends a conversion node of `from` (stored shape `from_shape`) producing a value of
  // `to_shape`: an alias when the pixels are 1x1, else a Transpose.
  std::string convert(const std::string& from, const Perm& perm, const char* suffix) {
    const Shape& s = g_.shape_of(from);
    const Shape out_shape = permuted(s, perm);
    const std::string out = fresh(from, suffix);
    Node node;
    node.name = out;
    node.inputs = {from};
    node.outputs = {out};
    const bool one_pixel = perm == kToNhwc ? (s[2] == 1 && s[3] == 1) : (s[1] == 1 && s[2] == 1);
    if (one_pixel) {
      node.op = OpType::Reshape;
      node.attrs.set("shape", out_shape);
      ++report_.aliases;
    } else {
      node.op = OpType::Transpose;
      node.attrs.set("perm", perm);
      ++report_.transposes;
    }
    g_.shapes[out] = out_shape;
    g_.nodes.push_back(std::move(node));
    return out;
  }

  std::string as_nhwc(const std::string& v) {
    if (auto it = to_nhwc_.find(v); it != to_nhwc_.end()) return it->second;
    std::string result;
    const int p = producer(v);
    const Node* prod = p >= 0 ? &g_.nodes[static_cast<std::size_t>(p)] : nullptr;
    if (prod && prod->op == OpType::Transpose && prod->attrs.get_ints("perm", {}) == kToNchw &&
        !stored_nhwc(prod->input(0))) {
      // The data already is NHWC. The Transpose's input keeps its own (NCHW-semantic)
      // meaning for its other readers, so it is not marked as stored NHWC.
      result = prod->input(0);
      ++report_.cancelled;
    } else {
      result = convert(v, kToNhwc, "#nhwc");
      nhwc_.insert(result);
    }
    to_nhwc_[v] = result;
    return result;
  }

  std::string as_nchw(const std::string& v) {
    if (auto it = to_nchw_.find(v); it != to_nchw_.end()) return it->second;
    const std::string result = convert(v, kToNchw, "#nchw");
    to_nchw_[v] = result;
    return result;
  }

  int producer(const std::string& v) const {
    for (std::size_t i = g_.nodes.size(); i-- > 0;)
      for (const auto& out : g_.nodes[i].outputs)
        if (out == v) return static_cast<int>(i);
    return -1;
  }

  void rename(const std::string& from, const std::string& to) {
    for (Node& node : g_.nodes) {
      for (auto& in : node.inputs)
        if (in == from) in = to;
      for (auto& out : node.outputs)
        if (out == from) out = to;
    }
    auto shape = g_.shapes.extract(from);
    shape.key() = to;
    g_.shapes.insert(std::move(shape));
  }

  // Graph outputs keep their names and NCHW shapes: the NHWC producer writes a renamed
  // value and the conversion takes the output's name.
  void convert_outputs() {
    for (const std::string& o : g_.outputs) {
      if (!stored_nhwc(o) || g_.is_constant(o)) continue;
      const std::string inner = fresh(o, "#nhwc");
      const Shape nchw = permuted(g_.shape_of(o), kToNchw);
      rename(o, inner);
      nhwc_.erase(o);
      nhwc_.insert(inner);
      if (auto it = to_nchw_.find(o); it != to_nchw_.end()) {
        rename(it->second, o);  // an NCHW copy already exists: it becomes the output
        to_nchw_.erase(it);
      } else {
        const std::string converted = as_nchw(inner);
        rename(converted, o);
      }
      g_.shapes[o] = nchw;
    }
  }

  void remove_dead_nodes() {
    for (bool changed = true; changed;) {
      changed = false;
      std::set<std::string, std::less<>> read(g_.outputs.begin(), g_.outputs.end());
      for (const Node& node : g_.nodes)
        for (const auto& in : node.inputs) read.insert(in);
      for (std::size_t i = g_.nodes.size(); i-- > 0;) {
        const Node& node = g_.nodes[i];
        const bool used = std::any_of(node.outputs.begin(), node.outputs.end(),
                                      [&](const std::string& o) { return !o.empty() && read.contains(o); });
        if (used) continue;
        for (const auto& o : node.outputs) g_.shapes.erase(o);
        g_.nodes.erase(g_.nodes.begin() + static_cast<std::ptrdiff_t>(i));
        changed = true;
      }
    }
  }

  Graph& g_;
  std::set<std::string, std::less<>> nhwc_;  // values stored NHWC
  std::map<std::string, std::string, std::less<>> to_nhwc_, to_nchw_;
  NhwcReport report_;
};

bool writes_strided(OpType op) {
  switch (op) {
    case OpType::Conv:
    case OpType::ConvTranspose:
    case OpType::MaxPool:
    case OpType::AveragePool:
    case OpType::Resize:
    case OpType::Add:
    case OpType::Mul:
    case OpType::Relu:
    case OpType::Clip:
    case OpType::LeakyRelu:
    case OpType::Sigmoid:
    case OpType::BatchNormalization: return true;
    default: return false;
  }
}

}  // namespace

bool is_nhwc(const Node& node) { return node.attrs.get_string(kLayoutAttr, "") == kNhwc; }

NhwcReport rewrite_to_nhwc(Graph& graph) { return Rewriter(graph).run(); }

int mark_concat_slices(Graph& graph) {
  auto listed = [](const std::vector<std::string>& list, const std::string& v) {
    return std::find(list.begin(), list.end(), v) != list.end();
  };
  int placed = 0;
  for (Node& concat : graph.nodes) {
    if (concat.op != OpType::Concat || !is_nhwc(concat) || concat.outputs.size() != 1) continue;
    const std::int64_t total = graph.shape_of(concat.outputs[0]).at(3);
    std::vector<std::int64_t> flags(concat.inputs.size(), 0);
    for (std::size_t k = 0; k < concat.inputs.size(); ++k) {
      const std::string& x = concat.inputs[k];
      if (x.empty() || graph.is_constant(x) || listed(graph.inputs, x) || listed(graph.outputs, x)) continue;
      if (std::count(concat.inputs.begin(), concat.inputs.end(), x) != 1 || graph.use_count(x) != 1) continue;
      const int p = graph.producer_of(x);
      if (p < 0) continue;
      Node& producer = graph.nodes[static_cast<std::size_t>(p)];
      if (!is_nhwc(producer) || !writes_strided(producer.op) || producer.outputs.size() != 1 ||
          producer.attrs.has(kOutPixelStride))
        continue;
      producer.attrs.set(kOutPixelStride, total);
      flags[k] = 1;
      ++placed;
    }
    if (std::any_of(flags.begin(), flags.end(), [](std::int64_t f) { return f != 0; }))
      concat.attrs.set(kInPlaceAttr, flags);
  }
  return placed;
}

}  // namespace tarsier::x86_backend
