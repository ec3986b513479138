#pragma once
// A model as the .tsr file holds it: what it is for (ModelInfo) and its graph.
#include <tarsier/model_info.hpp>

#include "graph/graph.hpp"

namespace tarsier {

enum class WeightStorage { F32, F16 };

struct Model {
  ModelInfo info;
  Graph graph;
};

}  // namespace tarsier
