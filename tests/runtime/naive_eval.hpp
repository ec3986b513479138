#pragma once
// The test oracle for the runtime: evaluates a graph node by node exactly as written
// (no passes, no planner, every value in its own vector), calling kernels/ref directly.
#include <map>
#include <string>
#include <vector>

#include "graph/graph.hpp"

namespace tarsier::test {

using Values = std::map<std::string, std::vector<float>>;

// Returns every value computed (graph inputs included).
Values evaluate_naive(const Graph& graph, const Values& inputs);

}  // namespace tarsier::test
