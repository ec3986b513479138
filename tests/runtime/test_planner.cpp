#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <numeric>

#include "passes/passes.hpp"
#include "planner/memory_plan.hpp"
#include "runtime/test_graphs.hpp"
#include "runtime/test_helpers.hpp"

namespace tarsier::test {
namespace {

std::size_t bytes_of(const Graph& g, const std::string& v) {
  return static_cast<std::size_t>(element_count(g.shape_of(v))) * sizeof(float);
}

// Memory that must hold value v's bytes while v may still be read: the union of the
// lifetimes of every value sharing bytes with it (computed here from the graph, not
// taken from the planner).
struct Components {
  std::map<std::string, std::string> parent;
  std::string find(const std::string& v) {
    auto it = parent.find(v);
    if (it == parent.end() || it->second == v) return v;
    return it->second = find(it->second);
  }
  void unite(const std::string& a, const std::string& b) { parent[find(a)] = find(b); }
};

// Checks a plan against the graph exhaustively:
//  1. every pair of values whose memory is live at a common step and that do not share
//     bytes by design occupy disjoint byte ranges; so do workspaces and the values live
//     at their step;
//  2. aliases are where they should be (Reshape: same offset; in-place Concat: slices);
//  3. a simulated run, tagging each float with the value that wrote it, reads every
//     input of every step (and every graph output at the end) intact.
void check_plan(const Graph& g, const MemoryPlan& plan) {
  const std::size_t n = g.nodes.size();
  ASSERT_EQ(plan.steps.size(), n);
  EXPECT_EQ(plan.arena_bytes % kArenaAlignment, 0u);
  EXPECT_GE(plan.arena_bytes, plan.peak_live_bytes);

  // Own lifetimes.
  std::map<std::string, std::pair<std::size_t, std::size_t>> life;
  for (const auto& in : g.inputs) life[in] = {0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& in : g.nodes[i].inputs)
      if (life.contains(in)) life[in].second = std::max(life[in].second, i);
    life[g.nodes[i].outputs[0]] = {i, i};
  }
  for (const auto& out : g.outputs)
    if (life.contains(out)) life[out].second = n;

  Components comp;
  for (std::size_t i = 0; i < n; ++i) {
    const Node& node = g.nodes[i];
    const std::string& y = node.outputs[0];
    if (plan.steps[i] == StepKind::Alias) {
      comp.unite(node.input(0), y);
      EXPECT_EQ(plan.values.at(y).offset, plan.values.at(node.input(0)).offset) << node.name;
    } else if (plan.steps[i] == StepKind::InPlaceConcat) {
      std::size_t offset = plan.values.at(y).offset;
      for (const auto& in : node.inputs) {
        comp.unite(in, y);
        EXPECT_EQ(plan.values.at(in).offset, offset) << node.name << " input " << in;
        offset += bytes_of(g, in);
      }
    }
  }
  std::map<std::string, std::pair<std::size_t, std::size_t>> comp_life;
  for (const auto& [v, l] : life) {
    auto [it, fresh] = comp_life.try_emplace(comp.find(v), l);
    if (!fresh) it->second = {std::min(it->second.first, l.first), std::max(it->second.second, l.second)};
  }
  auto mem_life = [&](const std::string& v) { return comp_life.at(comp.find(v)); };

  // 1. Pairwise disjointness.
  std::vector<std::string> values;
  for (const auto& [v, l] : life) {
    values.push_back(v);
    const Placement& p = plan.values.at(v);
    EXPECT_EQ(p.bytes, bytes_of(g, v));
    EXPECT_LE(p.offset + p.bytes, plan.arena_bytes) << v;
  }
  for (std::size_t a = 0; a < values.size(); ++a)
    for (std::size_t b = a + 1; b < values.size(); ++b) {
      if (comp.find(values[a]) == comp.find(values[b])) continue;
      const auto la = mem_life(values[a]), lb = mem_life(values[b]);
      if (la.second < lb.first || lb.second < la.first) continue;
      const Placement& pa = plan.values.at(values[a]);
      const Placement& pb = plan.values.at(values[b]);
      if (pa.bytes == 0 || pb.bytes == 0) continue;
      EXPECT_TRUE(pa.offset + pa.bytes <= pb.offset || pb.offset + pb.bytes <= pa.offset)
          << values[a] << " and " << values[b] << " overlap while both live";
    }
  for (std::size_t i = 0; i < plan.workspaces.size(); ++i) {
    const Placement& w = plan.workspaces[i];
    if (w.bytes == 0) continue;
    EXPECT_EQ(w.offset % kArenaAlignment, 0u);
    EXPECT_LE(w.offset + w.bytes, plan.arena_bytes);
    for (const auto& v : values) {
      const auto l = mem_life(v);
      if (i < l.first || i > l.second) continue;
      const Placement& p = plan.values.at(v);
      EXPECT_TRUE(w.offset + w.bytes <= p.offset || p.offset + p.bytes <= w.offset)
          << "workspace of node " << i << " overlaps " << v;
    }
  }

  // 3. Simulated run.
  std::map<std::string, int> id;
  for (const auto& v : values) id[v] = static_cast<int>(id.size()) + 1;
  std::vector<int> arena(plan.arena_bytes / sizeof(float), 0);
  auto write = [&](const std::string& v) {
    const Placement& p = plan.values.at(v);
    std::fill_n(arena.begin() + static_cast<std::ptrdiff_t>(p.offset / 4), p.bytes / 4, id.at(v));
  };
  // Which value's write a float of v should hold: aliases and in-place concats hold
  // what their sources wrote.
  std::function<int(const std::string&, std::size_t)> expected = [&](const std::string& v, std::size_t slot) {
    const int p = g.producer_of(v);
    if (p >= 0 && plan.steps[static_cast<std::size_t>(p)] == StepKind::Alias)
      return expected(g.nodes[static_cast<std::size_t>(p)].input(0), slot);
    if (p >= 0 && plan.steps[static_cast<std::size_t>(p)] == StepKind::InPlaceConcat) {
      for (const auto& in : g.nodes[static_cast<std::size_t>(p)].inputs) {
        const std::size_t len = bytes_of(g, in) / 4;
        if (slot < len) return expected(in, slot);
        slot -= len;
      }
    }
    return id.at(v);
  };
  auto check_read = [&](const std::string& v, const std::string& where) {
    const Placement& p = plan.values.at(v);
    for (std::size_t s = 0; s < p.bytes / 4; ++s)
      if (arena[p.offset / 4 + s] != expected(v, s)) {
        ADD_FAILURE() << "value " << v << " was overwritten before " << where;
        return;
      }
  };
  for (const auto& in : g.inputs) write(in);
  for (std::size_t i = 0; i < n; ++i) {
    const Node& node = g.nodes[i];
    for (const auto& in : node.inputs)
      if (!in.empty() && !g.is_constant(in)) check_read(in, "node " + node.name);
    if (plan.steps[i] != StepKind::Execute) continue;
    const Placement& w = plan.workspaces[i];
    std::fill_n(arena.begin() + static_cast<std::ptrdiff_t>(w.offset / 4), w.bytes / 4, -1);
    write(node.outputs[0]);
  }
  for (const auto& out : g.outputs) check_read(out, "the end of the run");
}

TEST(MemoryPlanner, ChainReusesTwoBuffersBesideTheInput) {
  GraphBuilder b;
  std::string v = b.input("x", {1, 4, 8, 8});  // 1 KiB each
  for (int i = 0; i < 6; ++i) v = b.relu(v);
  b.output(v);
  const MemoryPlan plan = plan_memory(b.graph());
  check_plan(b.graph(), plan);
  // The input stays intact for the whole run; the six results need two buffers.
  EXPECT_EQ(plan.arena_bytes, 3u * 1024u);
  EXPECT_EQ(plan.peak_live_bytes, 3u * 1024u);
  EXPECT_EQ(plan.total_bytes, 7u * 1024u);
}

TEST(MemoryPlanner, SizesAreRoundedToTheAlignment) {
  GraphBuilder b;
  std::string v = b.input("x", {1, 1, 1, 3});  // 12 bytes
  v = b.relu(b.relu(v));
  b.output(v);
  const MemoryPlan plan = plan_memory(b.graph());
  check_plan(b.graph(), plan);
  for (const auto& [name, p] : plan.values) EXPECT_EQ(p.offset % kArenaAlignment, 0u) << name;
  EXPECT_EQ(plan.arena_bytes, 3 * kArenaAlignment);
}

TEST(MemoryPlanner, ReshapeAndFlattenAliasTheirInput) {
  const Graph g = reshape_chain_graph();
  const MemoryPlan plan = plan_memory(g);
  check_plan(g, plan);
  int aliases = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const bool reshape = g.nodes[i].op == OpType::Reshape || g.nodes[i].op == OpType::Flatten;
    EXPECT_EQ(plan.steps[i] == StepKind::Alias, reshape) << g.nodes[i].name;
    aliases += reshape;
  }
  EXPECT_EQ(aliases, 4);
}

TEST(MemoryPlanner, ReshapeOfAConstantIsCopied) {
  GraphBuilder b;
  const auto x = b.input("x", {1, 6});
  b.output(b.add(x, b.reshape(b.constant({2, 3}), {1, 6})));
  const MemoryPlan plan = plan_memory(b.graph());
  check_plan(b.graph(), plan);
  EXPECT_EQ(plan.steps[0], StepKind::Execute);
}

TEST(MemoryPlanner, UNetSkipConcatsAreInPlace) {
  Graph g = unet_graph();
  run_load_passes(g);
  const MemoryPlan plan = plan_memory(g);
  check_plan(g, plan);
  int concats = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i].op == OpType::Concat) {
      ++concats;
      EXPECT_EQ(plan.steps[i], StepKind::InPlaceConcat) << g.nodes[i].name;
    }
  EXPECT_EQ(concats, 2);
  EXPECT_LT(plan.arena_bytes, plan.total_bytes);
}

TEST(MemoryPlanner, ConcatFallsBackToCopyingWhereItMust) {
  const Graph g = concat_fallback_graph();
  const MemoryPlan plan = plan_memory(g);
  check_plan(g, plan);
  std::vector<StepKind> kinds;
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i].op == OpType::Concat) kinds.push_back(plan.steps[i]);
  // with_input, with_const, first, in_place, twice, spatial, reshaped
  const std::vector<StepKind> want{StepKind::Execute,       StepKind::Execute, StepKind::InPlaceConcat,
                                   StepKind::InPlaceConcat, StepKind::Execute, StepKind::Execute,
                                   StepKind::Execute};
  EXPECT_EQ(kinds, want);
}

TEST(MemoryPlanner, ConcatOfAGraphOutputCopies) {
  GraphBuilder b;
  const auto x = b.input("x", {1, 2, 4, 4});
  const auto a = b.conv(x, 2, 1);
  const auto c = b.conv(x, 2, 1);
  b.output(a);
  b.output(b.concat({a, c}, 1));
  const MemoryPlan plan = plan_memory(b.graph());
  check_plan(b.graph(), plan);
  EXPECT_EQ(plan.steps.back(), StepKind::Execute);
}

TEST(MemoryPlanner, NestedConcatsAreBothInPlace) {
  GraphBuilder b;
  const auto x = b.input("x", {1, 2, 4, 4});
  const auto inner = b.concat({b.conv(x, 2, 1), b.conv(x, 3, 1)}, 1);
  const auto outer = b.concat({b.conv(x, 1, 1), inner}, 1);
  b.output(b.relu(outer));
  const MemoryPlan plan = plan_memory(b.graph());
  check_plan(b.graph(), plan);
  const auto& g = b.graph();
  EXPECT_EQ(plan.steps[static_cast<std::size_t>(g.producer_of(inner))], StepKind::InPlaceConcat);
  EXPECT_EQ(plan.steps[static_cast<std::size_t>(g.producer_of(outer))], StepKind::InPlaceConcat);
}

TEST(MemoryPlanner, WorkspacesAreLiveOnlyDuringTheirStep) {
  const Graph g = residual_graph();
  std::vector<std::size_t> ws(g.nodes.size());
  for (std::size_t i = 0; i < ws.size(); ++i) ws[i] = (i % 3 == 0) ? 4096 + 4 * i : 0;
  const MemoryPlan plan = plan_memory(g, ws);
  check_plan(g, plan);
  for (std::size_t i = 0; i < ws.size(); ++i) EXPECT_EQ(plan.workspaces[i].bytes, ws[i]);
  // Workspaces of different steps never live together, so the arena holds at most the
  // activations plus the largest one.
  const MemoryPlan without = plan_memory(g);
  EXPECT_LE(plan.arena_bytes, without.arena_bytes + 4096 + 4 * ws.size() + kArenaAlignment);
}

TEST(MemoryPlanner, EveryTestGraphBeforeAndAfterPasses) {
  for (auto& [name, graph] : all_test_graphs()) {
    SCOPED_TRACE(name);
    check_plan(graph, plan_memory(graph));
    Graph fused = graph;
    run_load_passes(fused);
    const MemoryPlan plan = plan_memory(fused);
    check_plan(fused, plan);
    std::cout << "[plan] " << name << ": arena " << plan.arena_bytes << " B, all values " << plan.total_bytes
              << " B, peak live " << plan.peak_live_bytes << " B\n";
  }
}

}  // namespace
}  // namespace tarsier::test
