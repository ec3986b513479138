#pragma once
// Which values share bytes, decided before any memory is placed.
//  - Reshape / Flatten of a non-constant value: the output is the input's bytes
//    (the node executes nothing).
//  - Concat whose outer extent is 1 (e.g. a channel concat at batch 1): each input is
//    placed directly at its slice of the output, so its producer writes there and the
//    Concat executes nothing. All or nothing per Concat: if any input cannot live in
//    the output (a graph input or output, a constant, a value already aliased or placed
//    in another Concat, or listed twice), the Concat copies, as any other op would.
//  - Concat marked by a backend's layout pass (attribute in_place: one flag per input):
//    the flagged inputs are placed at their slice's first element even when the slices
//    are strided (NHWC channel concat); their producers write with the output's stride and
//    the whole output block lives as long as any of them. If some inputs are not flagged
//    the Concat still executes (and copies only those).
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.hpp"

namespace tarsier {

enum class StepKind {
  Execute,         // the backend runs a kernel
  Alias,           // Reshape/Flatten: output shares the input's bytes
  InPlaceConcat,   // inputs were written straight into their slices of the output
};

struct AliasLink {
  std::string parent;       // the value whose bytes this one lives in
  std::size_t offset = 0;   // bytes from the parent's start
};

struct AliasInfo {
  std::vector<StepKind> steps;                          // one per node
  std::map<std::string, AliasLink, std::less<>> links;  // values living inside another
};

AliasInfo find_aliases(const Graph& graph);

}  // namespace tarsier
