#include "convert/onnx_model.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <tarsier/error.hpp>

namespace tarsier::convert {

bool is_default_domain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

OnnxModel parse_onnx(const std::string& bytes, const std::string& source_name) {
  OnnxModel m;
  const std::string bad = source_name + ": not a valid ONNX file";
  if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) throw Error(ErrorCode::InvalidModel, bad + " (over 2 GB)");
  google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream stream(&raw);
  stream.SetTotalBytesLimit(INT32_MAX);
  if (!m.proto.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    throw Error(ErrorCode::InvalidModel, bad + " (protobuf parse failed)");
  // Protobuf accepts almost any short byte string as some message; a real model names
  // its IR version, opsets and graph.
  if (m.proto.ir_version() <= 0 || !m.proto.has_graph() || m.proto.opset_import_size() == 0)
    throw Error(ErrorCode::InvalidModel, bad + " (no ir_version, graph or opset_import)");
  bool found = false;
  for (const auto& op : m.proto.opset_import()) {
    if (!is_default_domain(op.domain())) continue;
    m.opset = op.version();
    found = true;
  }
  if (!found) throw Error(ErrorCode::UnsupportedModel, source_name + ": the model does not import the ai.onnx opset");
  if (m.opset < kMinOpset || m.opset > kMaxOpset)
    throw Error(ErrorCode::UnsupportedModel,
                source_name + ": ONNX opset " + std::to_string(m.opset) + " is not supported (supported: " +
                    std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset) +
                    "); re-export with opset_version in that range");
  return m;
}

}  // namespace tarsier::convert
