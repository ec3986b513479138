#pragma once
// Walks the ONNX graph in topological order: folds what is known at convert time and
// maps the rest onto IR nodes.
#include "convert/converter.hpp"
#include "convert/input_shape.hpp"
#include "convert/onnx_model.hpp"
#include "graph/graph.hpp"

namespace tarsier::convert {

struct ImportedGraph {
  Graph graph;
  ResolvedInput input;
};

ImportedGraph import_onnx_graph(const OnnxModel& model, const ConvertOptions& options, ConvertStats& stats);

}  // namespace tarsier::convert
