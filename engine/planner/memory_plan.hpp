#pragma once
// The memory plan: every non-constant value (graph inputs and outputs included) and every
// kernel's workspace gets a byte offset in one arena. Values that share bytes (see
// aliasing.hpp) are placed as one block; blocks whose lifetimes overlap never overlap
// in memory. Lifetimes come from the node order: a block lives from the step that first
// writes any of its values to the last step that reads one; graph inputs live through
// the whole run (a caller may fill them once and run again), graph outputs to the end. Blocks are placed largest first,
// each into the smallest gap that fits among the blocks live at the same time (greedy best fit).
#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "graph/graph.hpp"
#include "planner/aliasing.hpp"

namespace tarsier {

inline constexpr std::size_t kArenaAlignment = 64;

struct Placement {
  std::size_t offset = 0;
  std::size_t bytes = 0;
};

// Steps are numbered 0..nodes-1; graph inputs are live from step 0 and graph outputs to
// step `nodes` (after the last node); inputs too, so run() never overwrites them.
struct Lifetime {
  std::size_t first = 0, last = 0;
};

struct MemoryPlan {
  std::size_t arena_bytes = 0;
  std::size_t total_bytes = 0;       // every value and workspace in its own buffer
  std::size_t peak_live_bytes = 0;   // the most bytes live at one step: a lower bound
  std::size_t peak_value_bytes = 0;  // the same without kernel workspaces: activations only
  std::vector<StepKind> steps;       // one per node
  std::map<std::string, Placement, std::less<>> values;
  std::map<std::string, Lifetime, std::less<>> lifetimes;  // of each value itself
  std::vector<Placement> workspaces;                       // one per node (bytes 0 when none)
};

// workspace_bytes: one entry per node (may be empty: no workspaces).
MemoryPlan plan_memory(const Graph& graph, const AliasInfo& aliases, std::span<const std::size_t> workspace_bytes);
MemoryPlan plan_memory(const Graph& graph, std::span<const std::size_t> workspace_bytes = {});

}  // namespace tarsier
