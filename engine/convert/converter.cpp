// The conversion pipeline: parse -> import (fold + map) -> passes -> checks -> metadata.
#include "convert/converter.hpp"

#include <fstream>
#include <iterator>
#include <new>

#include <tarsier/error.hpp>

#include "convert/model_info_builder.hpp"
#include "convert/onnx_import.hpp"
#include "convert/onnx_model.hpp"
#include "convert/passes.hpp"
#include "convert/sha256.hpp"
#include "graph/graph.hpp"

namespace tarsier {
namespace {

Model run_pipeline(const std::string& bytes, const ConvertOptions& options, const std::string& source_name,
              ConvertStats& stats) {
  const convert::OnnxModel onnx = convert::parse_onnx(bytes, source_name);
  convert::ImportedGraph imported = convert::import_onnx_graph(onnx, options, stats);
  Graph& graph = imported.graph;
  convert::eliminate_dead_code(graph, stats);
  convert::fold_batch_norm(graph, stats);
  convert::fold_channel_affine(graph, stats);
  convert::eliminate_dead_code(graph, stats);
  // The graph must pass the same checks a loaded .tsr file does.
  infer_shapes(graph);
  validate_graph(graph);

  Model model;
  model.info = convert::build_model_info(onnx, imported.input, graph, options,
                                         {source_name, convert::sha256_hex(bytes)});
  model.graph = std::move(graph);
  return model;
}

}  // namespace

Model convert_onnx_bytes(const std::string& bytes, const ConvertOptions& options, const std::string& source_name,
                         ConvertStats* stats) {
  ConvertStats local;
  try {
    return run_pipeline(bytes, options, source_name, stats ? *stats : local);
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::InvalidModel, source_name + ": out of memory while converting (damaged model?)");
  } catch (const std::exception& e) {
    // Protobuf and the standard library may throw their own types; callers get ours.
    throw Error(ErrorCode::Internal, source_name + ": " + e.what());
  }
}

Model convert_onnx(const std::filesystem::path& onnx_path, const ConvertOptions& options, ConvertStats* stats) {
  std::ifstream file(onnx_path, std::ios::binary);
  if (!file) throw Error(ErrorCode::Io, "cannot open '" + onnx_path.string() + "'");
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) throw Error(ErrorCode::Io, "cannot read '" + onnx_path.string() + "'");
  return convert_onnx_bytes(bytes, options, onnx_path.filename().string(), stats);
}

}  // namespace tarsier
