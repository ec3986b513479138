#include "planner/memory_plan.hpp"

#include <algorithm>
#include <limits>
#include <tarsier/error.hpp>

namespace tarsier {
namespace {

std::size_t align_up(std::size_t v) { return (v + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }

// A set of values sharing bytes (or one workspace), placed as a unit.
struct Block {
  std::size_t bytes = 0;
  Lifetime life;
  std::size_t offset = 0;
  bool placed = false;
};

bool overlaps(const Lifetime& a, const Lifetime& b) { return a.first <= b.last && b.first <= a.last; }

std::map<std::string, Lifetime, std::less<>> value_lifetimes(const Graph& graph) {
  std::map<std::string, Lifetime, std::less<>> life;
  const std::size_t end = graph.nodes.size();
  // Inputs stay intact through the whole run, so a caller may fill them once and run again.
  for (const auto& in : graph.inputs) life[in] = {0, end};
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const auto& in : graph.nodes[i].inputs)
      if (auto it = life.find(in); it != life.end()) it->second.last = std::max(it->second.last, i);
    for (const auto& out : graph.nodes[i].outputs)
      if (!out.empty() && !graph.is_constant(out)) life[out] = {i, i};
  }
  for (const auto& out : graph.outputs)
    if (auto it = life.find(out); it != life.end()) it->second.last = end;
  return life;
}

// Follows alias links to the value owning the bytes; returns it and the offset inside it.
std::pair<std::string, std::size_t> resolve(const AliasInfo& aliases, std::string value) {
  std::size_t offset = 0;
  for (std::size_t hops = 0;; ++hops) {
    auto it = aliases.links.find(value);
    if (it == aliases.links.end()) return {value, offset};
    if (hops > aliases.links.size()) throw Error(ErrorCode::Internal, "alias cycle at value '" + value + "'");
    offset += it->second.offset;
    value = it->second.parent;
  }
}

void place(std::vector<Block>& blocks) {
  std::vector<std::size_t> order(blocks.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (blocks[a].bytes != blocks[b].bytes) return blocks[a].bytes > blocks[b].bytes;
    return blocks[a].life.first < blocks[b].life.first;
  });
  std::vector<const Block*> neighbours;
  for (std::size_t index : order) {
    Block& block = blocks[index];
    if (block.bytes == 0) {
      block.placed = true;
      continue;
    }
    neighbours.clear();
    for (const Block& other : blocks)
      if (other.placed && other.bytes > 0 && overlaps(other.life, block.life)) neighbours.push_back(&other);
    std::sort(neighbours.begin(), neighbours.end(),
              [](const Block* a, const Block* b) { return a->offset < b->offset; });
    const std::size_t need = align_up(block.bytes);
    std::size_t best = std::numeric_limits<std::size_t>::max(), best_gap = best;
    std::size_t cursor = 0;
    for (const Block* other : neighbours) {
      if (other->offset >= cursor + need && other->offset - cursor < best_gap) {
        best = cursor;
        best_gap = other->offset - cursor;
      }
      cursor = std::max(cursor, align_up(other->offset + other->bytes));
    }
    block.offset = best != std::numeric_limits<std::size_t>::max() ? best : cursor;
    block.placed = true;
  }
}

}  // namespace

MemoryPlan plan_memory(const Graph& graph, const AliasInfo& aliases, std::span<const std::size_t> workspace_bytes) {
  if (!workspace_bytes.empty() && workspace_bytes.size() != graph.nodes.size())
    throw Error(ErrorCode::Internal, "workspace sizes do not match the node count");
  MemoryPlan plan;
  plan.steps = aliases.steps;
  plan.lifetimes = value_lifetimes(graph);

  // One block per root value, living as long as any value inside it.
  std::vector<Block> blocks;
  std::map<std::string, std::size_t, std::less<>> block_of_root;
  for (const auto& [value, life] : plan.lifetimes) {
    const std::size_t bytes = static_cast<std::size_t>(element_count(graph.shape_of(value))) * sizeof(float);
    plan.total_bytes += bytes;
    if (aliases.links.contains(value)) continue;
    block_of_root[value] = blocks.size();
    blocks.push_back(Block{bytes, life});
  }
  for (const auto& [value, life] : plan.lifetimes) {
    const auto [root, offset] = resolve(aliases, value);
    auto it = block_of_root.find(root);
    if (it == block_of_root.end())
      throw Error(ErrorCode::Internal, "value '" + value + "' aliases '" + root + "', which has no memory");
    Block& block = blocks[it->second];
    block.life.first = std::min(block.life.first, life.first);
    block.life.last = std::max(block.life.last, life.last);
  }
  const std::size_t first_workspace = blocks.size();
  for (std::size_t i = 0; i < workspace_bytes.size(); ++i) {
    plan.total_bytes += workspace_bytes[i];
    blocks.push_back(Block{workspace_bytes[i], Lifetime{i, i}});
  }

  place(blocks);

  for (const Block& b : blocks) plan.arena_bytes = std::max(plan.arena_bytes, align_up(b.offset + b.bytes));
  for (std::size_t t = 0; t <= graph.nodes.size(); ++t) {
    std::size_t live = 0, values = 0;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      const Block& b = blocks[i];
      if (b.life.first > t || t > b.life.last) continue;
      live += b.bytes;
      if (i < first_workspace) values += b.bytes;
    }
    plan.peak_live_bytes = std::max(plan.peak_live_bytes, live);
    plan.peak_value_bytes = std::max(plan.peak_value_bytes, values);
  }
  for (const auto& [value, life] : plan.lifetimes) {
    const auto [root, offset] = resolve(aliases, value);
    const std::size_t bytes = static_cast<std::size_t>(element_count(graph.shape_of(value))) * sizeof(float);
    plan.values[value] = Placement{blocks[block_of_root.at(root)].offset + offset, bytes};
  }
  plan.workspaces.resize(graph.nodes.size());
  for (std::size_t i = 0; i < workspace_bytes.size(); ++i) {
    const Block& b = blocks[first_workspace + i];
    plan.workspaces[i] = Placement{b.offset, b.bytes};
  }
  return plan;
}

MemoryPlan plan_memory(const Graph& graph, std::span<const std::size_t> workspace_bytes) {
  return plan_memory(graph, find_aliases(graph), workspace_bytes);
}

}  // namespace tarsier
