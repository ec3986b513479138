#include <numeric>

#include "backend/registry.hpp"
#include "runtime/session_fixture.hpp"
#include "runtime/test_graphs.hpp"

namespace tarsier::test {
namespace {

std::size_t constant_bytes(const Graph& g) {
  std::size_t bytes = 0;
  for (const auto& [name, t] : g.constants) bytes += t.data.size() * sizeof(float);
  return bytes;
}

TEST(Session, EveryTestGraphMatchesTheNaiveEvaluation) {
  TempDir dir;
  for (const auto& [name, graph] : all_test_graphs()) {
    SCOPED_TRACE(name);
    Session session(save_graph(dir, graph, name), ref_options());
    // Twice, with different inputs: nothing may depend on what a previous run left.
    expect_matches_naive(session, graph, 1);
    expect_matches_naive(session, graph, 2);
    EXPECT_GT(session.arena_bytes(), 0u);
    EXPECT_EQ(session.weight_bytes(), constant_bytes(graph));  // each constant read once, in place
    const MemoryReport m = session.memory();
    EXPECT_EQ(m.arena_bytes, session.arena_bytes());
    EXPECT_GE(m.arena_bytes, m.peak_live_bytes);
    EXPECT_GE(session.load_ms(), 0.0);
  }
}

TEST(Session, ReportsInputsOutputsAndInfo) {
  TempDir dir;
  const Graph g = reshape_chain_graph();
  Session s(save_graph(dir, g, "chain"), ref_options());
  ASSERT_EQ(s.inputs().size(), 1u);
  EXPECT_EQ(s.inputs()[0].name, "image");
  EXPECT_EQ(s.inputs()[0].shape, (Shape{1, 2, 6, 6}));
  ASSERT_EQ(s.outputs().size(), 2u);
  EXPECT_EQ(s.outputs()[0].shape, (Shape{1, 3}));
  EXPECT_EQ(s.outputs()[1].shape, (Shape{3, 1}));
  EXPECT_EQ(s.input(0).size(), 72u);
  EXPECT_EQ(s.info().name, "chain");
  EXPECT_EQ(s.info().labels.size(), 2u);
  EXPECT_EQ(s.backend_name(), "ref");
  EXPECT_THROW(s.input(1), Error);
  EXPECT_THROW(s.output(2), Error);
}

TEST(Session, LayersDescribeFusedOpsKernelsAndFlops) {
  TempDir dir;
  {
    Session s(save_graph(dir, conv_relu_graph(), "conv_relu"), ref_options());
    const auto layers = s.layers();
    ASSERT_EQ(layers.size(), 1u);
    EXPECT_EQ(layers[0].op, "Conv+Relu");
    EXPECT_EQ(layers[0].kernel, "ref.conv2d");
    EXPECT_EQ(layers[0].output_shape, (Shape{1, 8, 8, 8}));
    ASSERT_EQ(layers[0].input_shapes.size(), 3u);
    EXPECT_EQ(layers[0].input_shapes[1], (Shape{8, 3, 3, 3}));
    // 512 outputs x 27 multiply-adds x 2, plus the bias add and the relu per output.
    EXPECT_EQ(layers[0].flops, 512 * 27 * 2 + 512 + 512);
    EXPECT_EQ(layers[0].parameters, 8 * 27 + 8);
  }
  {
    Session s(save_graph(dir, residual_graph(), "residual"), ref_options());
    int fused = 0;
    for (const auto& l : s.layers()) fused += l.op == "Conv+Add+Relu";
    EXPECT_EQ(fused, 2);
  }
  {
    Session s(save_graph(dir, unet_graph(), "unet"), ref_options());
    int in_place = 0;
    for (const auto& l : s.layers()) in_place += l.kernel == "concat.in_place";
    EXPECT_EQ(in_place, 2);
  }
  {
    Session s(save_graph(dir, reshape_chain_graph(), "chain"), ref_options());
    int alias = 0;
    for (const auto& l : s.layers()) alias += l.kernel == "alias";
    EXPECT_EQ(alias, 4);
  }
}

TEST(Session, OptionsAreValidated) {
  TempDir dir;
  const auto path = save_graph(dir, conv_relu_graph(), "m");
  SessionOptions opts;
  opts.backend = "auto";  // the best this CPU (or TARSIER_ISA) allows
  EXPECT_EQ(Session(path, opts).backend_name(), create_backend("auto")->name());
  opts.threads = 2;  // accepted; ref runs on one thread
  EXPECT_NO_THROW(Session(path, opts));

  auto code_of = [&](const SessionOptions& o) {
    try {
      Session s(path, o);
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::Ok;
  };
  SessionOptions bad_backend;
  bad_backend.backend = "tpu";
  EXPECT_EQ(code_of(bad_backend), ErrorCode::InvalidArgument);
  SessionOptions bad_threads;
  bad_threads.threads = 0;
  EXPECT_EQ(code_of(bad_threads), ErrorCode::InvalidArgument);
}

TEST(Session, MissingFileIsAnIoError) {
  try {
    Session s("/nonexistent/model.tsr");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Io);
    EXPECT_NE(std::string(e.what()).find("model.tsr"), std::string::npos) << e.what();
  }
}

TEST(Session, InputSurvivesRunSoItCanBeRunAgain) {
  TempDir dir;
  const Graph g = residual_graph();
  Session s(save_graph(dir, g, "residual"), ref_options());
  const Values inputs = random_inputs(g, 9);
  const auto& x = inputs.at("image");
  std::copy(x.begin(), x.end(), s.input(0).begin());
  s.run();
  const std::vector<float> first(s.output(0).begin(), s.output(0).end());
  EXPECT_TRUE(std::equal(x.begin(), x.end(), s.input(0).begin()));
  s.run();
  EXPECT_TRUE(std::equal(first.begin(), first.end(), s.output(0).begin()));
}

TEST(Session, MovedSessionKeepsWorking) {
  TempDir dir;
  const Graph g = unet_graph();
  Session a(save_graph(dir, g, "unet"));
  Session b(std::move(a));
  expect_matches_naive(b, g, 3);
}

}  // namespace
}  // namespace tarsier::test
