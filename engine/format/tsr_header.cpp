#include "format/tsr_header.hpp"

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <tarsier/error.hpp>

#include "format/model_info_names.hpp"
#include "format/tsr_layout.hpp"

namespace tarsier::tsr {
namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& message) { throw Error(ErrorCode::InvalidModel, message); }

// ---------------------------------------------------------------- encoding

json encode_floats(const std::vector<double>& values) {
  json a = json::array();
  for (double v : values) a.push_back(encode_number(v));
  return a;
}

json encode_floats(const std::vector<float>& values) {
  json a = json::array();
  for (float v : values) a.push_back(encode_number(v));
  return a;
}

json encode_attr(const AttrValue& value) {
  // One-key objects keep the type explicit: an empty list stays ints or floats, and
  // 2.0 stays a float whatever a JSON tool does to it.
  return std::visit(
      [](const auto& v) -> json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::int64_t>) return {{"int", v}};
        else if constexpr (std::is_same_v<T, double>) return {{"float", encode_number(v)}};
        else if constexpr (std::is_same_v<T, std::string>) return {{"string", v}};
        else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) return {{"ints", v}};
        else return {{"floats", encode_floats(v)}};
      },
      value);
}

json encode_input(const InputSpec& in) {
  return {{"name", in.name},
          {"shape", in.shape},
          {"dtype", in.dtype},
          {"layout", to_string(in.layout)},
          {"color", to_string(in.color)},
          {"resize", to_string(in.resize)},
          {"letterbox", in.letterbox},
          {"scale", encode_number(in.scale)},
          {"mean", encode_floats(in.mean)},
          {"std", encode_floats(in.std)}};
}

json encode_graph(const Graph& graph) {
  json nodes = json::array();
  for (const Node& node : graph.nodes) {
    json attrs = json::object();
    for (const auto& [key, value] : node.attrs.all()) attrs[key] = encode_attr(value);
    nodes.push_back({{"name", node.name},
                     {"op", std::string(op_name(node.op))},
                     {"inputs", node.inputs},
                     {"outputs", node.outputs},
                     {"attrs", std::move(attrs)}});
  }
  json shapes = json::object();
  for (const auto& [value, shape] : graph.shapes) shapes[value] = shape;
  return {{"inputs", graph.inputs}, {"outputs", graph.outputs}, {"nodes", std::move(nodes)}, {"shapes", std::move(shapes)}};
}

// ---------------------------------------------------------------- decoding

// A JSON value and where it sits in the header, for error messages.
class Field {
 public:
  Field(const json& value, std::string path) : value_(value), path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  bool has(std::string_view key) const { return object().find(key) != value_.end(); }

  Field operator[](std::string_view key) const {
    auto it = object().find(key);
    if (it == value_.end()) invalid("model header lacks key '" + child_path(key) + "'");
    return Field(*it, child_path(key));
  }

  const json& object() const {
    if (!value_.is_object()) wrong("an object");
    return value_;
  }

  std::vector<Field> items() const {
    if (!value_.is_array()) wrong("a list");
    std::vector<Field> out;
    out.reserve(value_.size());
    for (std::size_t i = 0; i < value_.size(); ++i) out.emplace_back(value_[i], path_ + "[" + std::to_string(i) + "]");
    return out;
  }

  std::vector<std::pair<std::string, Field>> members() const {
    std::vector<std::pair<std::string, Field>> out;
    for (auto it = object().begin(); it != value_.end(); ++it)
      out.emplace_back(it.key(), Field(it.value(), child_path(it.key())));
    return out;
  }

  std::string str() const {
    if (!value_.is_string()) wrong("a string");
    return value_.get<std::string>();
  }

  bool boolean() const {
    if (!value_.is_boolean()) wrong("true or false");
    return value_.get<bool>();
  }

  std::int64_t i64() const {
    if (!value_.is_number_integer()) wrong("an integer");
    if (value_.is_number_unsigned() &&
        value_.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      invalid("model header value '" + path_ + "' is too large");
    return value_.get<std::int64_t>();
  }

  std::uint64_t u64() const {
    if (!value_.is_number_unsigned()) wrong("a non-negative integer");
    return value_.get<std::uint64_t>();
  }

  double number() const {
    if (value_.is_number()) return value_.get<double>();
    if (value_.is_string()) {
      const auto& s = value_.get_ref<const std::string&>();
      if (s == "inf") return std::numeric_limits<double>::infinity();
      if (s == "-inf") return -std::numeric_limits<double>::infinity();
      if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    }
    wrong("a number (or \"inf\", \"-inf\", \"nan\")");
  }

  float f32() const {
    double d = number();
    // Converting an out-of-range double to float is undefined behaviour.
    if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max())
      invalid("model header value '" + path_ + "' is out of float range");
    return static_cast<float>(d);
  }

  std::vector<std::string> strings() const {
    std::vector<std::string> out;
    for (const Field& f : items()) out.push_back(f.str());
    return out;
  }

  std::vector<std::int64_t> ints() const {
    std::vector<std::int64_t> out;
    for (const Field& f : items()) out.push_back(f.i64());
    return out;
  }

  std::vector<double> doubles() const {
    std::vector<double> out;
    for (const Field& f : items()) out.push_back(f.number());
    return out;
  }

  std::vector<float> floats() const {
    std::vector<float> out;
    for (const Field& f : items()) out.push_back(f.f32());
    return out;
  }

  // Dims must be >= 0 and their product bounded (element_count's limit).
  Shape shape() const {
    Shape s = ints();
    for (std::int64_t d : s)
      if (d < 0) invalid("model header shape '" + path_ + "' " + shape_to_string(s) + " has a negative dimension");
    try {
      element_count(s);
    } catch (const Error& e) {
      invalid("model header shape '" + path_ + "': " + e.what());
    }
    return s;
  }

  template <typename E>
  E enumeration(std::optional<E> (*parse)(std::string_view), const char* allowed) const {
    std::string s = str();
    auto e = parse(s);
    if (!e) invalid("model header value '" + path_ + "' is \"" + s + "\", expected one of " + allowed);
    return *e;
  }

 private:
  std::string child_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  [[noreturn]] void wrong(const char* expected) const {
    invalid("model header value '" + (path_.empty() ? std::string("<root>") : path_) + "' should be " + expected +
            ", is " + value_.type_name());
  }

  const json& value_;
  std::string path_;
};

AttrValue decode_attr(const Field& f) {
  const auto members = f.members();
  if (members.size() != 1)
    invalid("attribute '" + f.path() + "' should be an object with exactly one of int, float, string, ints, floats");
  const auto& [type, v] = members.front();
  if (type == "int") return v.i64();
  if (type == "float") return v.number();
  if (type == "string") return v.str();
  if (type == "ints") return v.ints();
  if (type == "floats") return v.doubles();
  invalid("attribute '" + f.path() + "' has unknown type '" + type + "'");
}

InputSpec decode_input(const Field& f) {
  InputSpec in;
  in.name = f["name"].str();
  in.shape = f["shape"].shape();
  in.dtype = f["dtype"].str();
  if (in.dtype != "float32") invalid("model input dtype is \"" + in.dtype + "\"; this tarsier supports float32");
  in.layout = f["layout"].enumeration(parse_layout, "NCHW, NHWC");
  in.color = f["color"].enumeration(parse_color_order, "rgb, bgr, gray");
  in.resize = f["resize"].enumeration(parse_resize_kind, "bilinear, nearest, area");
  in.letterbox = f["letterbox"].boolean();
  in.scale = f["scale"].f32();
  in.mean = f["mean"].floats();
  in.std = f["std"].floats();
  return in;
}

Graph decode_graph(const Field& f) {
  Graph g;
  g.inputs = f["inputs"].strings();
  g.outputs = f["outputs"].strings();
  for (const Field& n : f["nodes"].items()) {
    Node node;
    node.name = n["name"].str();
    std::string op = n["op"].str();
    auto parsed = parse_op(op);
    if (!parsed) invalid("node '" + node.name + "' has unknown op type '" + op + "'");
    node.op = *parsed;
    node.inputs = n["inputs"].strings();
    node.outputs = n["outputs"].strings();
    for (const auto& [key, value] : n["attrs"].members()) node.attrs.set(key, decode_attr(value));
    g.nodes.push_back(std::move(node));
  }
  for (const auto& [value, shape] : f["shapes"].members()) g.shapes[value] = shape.shape();
  return g;
}

TsrTensorRecord decode_tensor(const Field& f) {
  TsrTensorRecord t;
  t.name = f["name"].str();
  t.dtype = f["dtype"].str();
  t.shape = f["shape"].shape();
  t.offset = f["offset"].u64();
  t.size = f["size"].u64();
  std::uint64_t crc = f["crc32"].u64();
  if (crc > 0xffffffffu) invalid("tensor '" + t.name + "' has a crc32 value larger than 32 bits");
  t.crc32 = static_cast<std::uint32_t>(crc);
  return t;
}

// A cheap bracket count before parsing, so hostile nesting cannot exhaust the stack
// of any recursive step in parsing, copying or destroying the JSON value.
void check_nesting(std::string_view text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        invalid("model header nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

}  // namespace

json encode_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return value;
}

json encode_header(const Model& model, const std::vector<TsrTensorRecord>& tensors) {
  const ModelInfo& info = model.info;
  json outputs = json::array();
  for (const OutputSpec& o : info.outputs) outputs.push_back({{"name", o.name}, {"shape", o.shape}});
  json table = json::array();
  for (const TsrTensorRecord& t : tensors)
    table.push_back({{"name", t.name},
                     {"dtype", t.dtype},
                     {"shape", t.shape},
                     {"offset", t.offset},
                     {"size", t.size},
                     {"crc32", t.crc32}});
  const Provenance& p = info.provenance;
  return {{"format_version", {{"major", kTsrMajorVersion}, {"minor", kTsrMinorVersion}}},
          {"name", info.name},
          {"task", to_string(info.task)},
          {"labels", info.labels},
          {"threshold", encode_number(info.threshold)},
          {"input", encode_input(info.input)},
          {"outputs", std::move(outputs)},
          {"graph", encode_graph(model.graph)},
          {"tensors", std::move(table)},
          {"provenance",
           {{"source_file", p.source_file},
            {"source_sha256", p.source_sha256},
            {"converter_version", p.converter_version},
            {"producer", p.producer},
            {"opset", p.opset}}}};
}

DecodedHeader decode_header(std::string_view text) {
  check_nesting(text);
  json root;
  try {
    root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const json::exception& e) {
    invalid(std::string("model header is not valid JSON: ") + e.what());
  }
  const Field top(root, "");
  top.object();

  DecodedHeader h;
  const Field version = top["format_version"];
  const std::uint64_t major = version["major"].u64(), minor = version["minor"].u64();
  if (major > 0xffffffffu || minor > 0xffffffffu) invalid("model header format_version is out of range");
  h.major = static_cast<std::uint32_t>(major);
  h.minor = static_cast<std::uint32_t>(minor);

  ModelInfo& info = h.info;
  info.name = top["name"].str();
  info.task = top["task"].enumeration(parse_task, "classification, segmentation");
  info.labels = top["labels"].strings();
  info.threshold = top["threshold"].f32();
  info.input = decode_input(top["input"]);
  for (const Field& o : top["outputs"].items()) info.outputs.push_back({o["name"].str(), o["shape"].shape()});
  const Field p = top["provenance"];
  info.provenance = {p["source_file"].str(), p["source_sha256"].str(), p["converter_version"].str(),
                     p["producer"].str(), p["opset"].i64()};

  h.graph = decode_graph(top["graph"]);
  for (const Field& t : top["tensors"].items()) h.tensors.push_back(decode_tensor(t));
  return h;
}

}  // namespace tarsier::tsr
