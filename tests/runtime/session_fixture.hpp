#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <tarsier/session.hpp>

#include "format/tsr.hpp"
#include "runtime/graph_builder.hpp"
#include "runtime/naive_eval.hpp"

namespace tarsier::test {

// These tests check the runtime (passes, planner, session) over the scalar oracle; the SIMD
// backends have their own tests against it (tests/backend_x86).
inline SessionOptions ref_options() {
  SessionOptions options;
  options.backend = "ref";
  return options;
}

// Writes `graph` as a .tsr file in a temp folder.
inline std::filesystem::path save_graph(const TempDir& dir, const Graph& graph, const std::string& name) {
  Model m;
  m.info.name = name;
  m.info.task = Task::Classification;
  m.info.labels = {"normal", "anomaly"};
  m.info.input.name = graph.inputs.at(0);
  m.info.input.shape = graph.shape_of(graph.inputs.at(0));
  for (const auto& out : graph.outputs) m.info.outputs.push_back(OutputSpec{out, graph.shape_of(out)});
  m.graph = graph;
  const auto path = dir.path(name + ".tsr");
  save_tsr(m, path);
  return path;
}

// Max |a - b| relative to max |b| (and at least 1e-6 absolute scale).
inline double relative_error(std::span<const float> a, std::span<const float> b) {
  double diff = 0, scale = 1e-6;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
    scale = std::max(scale, std::abs(static_cast<double>(b[i])));
  }
  return diff / scale;
}

// Feeds `inputs` to the session, runs it and compares every output with the naive
// evaluation of the original (unfused, unplanned) graph.
inline void expect_matches_naive(Session& session, const Graph& original, unsigned seed) {
  const Values inputs = random_inputs(original, seed);
  for (std::size_t i = 0; i < original.inputs.size(); ++i) {
    const auto& src = inputs.at(original.inputs[i]);
    auto dst = session.input(i);
    ASSERT_EQ(dst.size(), src.size());
    std::copy(src.begin(), src.end(), dst.begin());
  }
  session.run();
  const Values want = evaluate_naive(original, inputs);
  for (std::size_t i = 0; i < original.outputs.size(); ++i) {
    const auto& ref = want.at(original.outputs[i]);
    const auto got = session.output(i);
    ASSERT_EQ(got.size(), ref.size()) << original.outputs[i];
    EXPECT_LE(relative_error(got, ref), 1e-5) << "output " << original.outputs[i];
  }
}

}  // namespace tarsier::test
