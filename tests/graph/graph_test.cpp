#include "graph/graph.hpp"

#include <gtest/gtest.h>

#include <tarsier/error.hpp>

namespace tarsier {
namespace {

Node unary(std::string name, OpType op, std::string in, std::string out) {
  Node n;
  n.name = std::move(name);
  n.op = op;
  n.inputs = {std::move(in)};
  n.outputs = {std::move(out)};
  return n;
}

Graph chain() {
  Graph g;
  g.inputs = {"x"};
  g.outputs = {"z"};
  g.shapes["x"] = {1, 4, 8, 8};
  g.nodes.push_back(unary("a", OpType::Relu, "x", "y"));
  g.nodes.push_back(unary("b", OpType::Sigmoid, "y", "z"));
  g.shapes["y"] = {1, 4, 8, 8};
  g.shapes["z"] = {1, 4, 8, 8};
  return g;
}

TEST(Graph, ValidChainPasses) { EXPECT_NO_THROW(validate_graph(chain())); }

TEST(Graph, TopologicalSortReorders) {
  Graph g = chain();
  std::swap(g.nodes[0], g.nodes[1]);
  EXPECT_THROW(validate_graph(g), Error);
  topological_sort(g);
  EXPECT_EQ(g.nodes[0].name, "a");
  EXPECT_NO_THROW(validate_graph(g));
}

TEST(Graph, CycleIsRejected) {
  Graph g = chain();
  g.nodes[0].inputs = {"z"};
  try {
    topological_sort(g);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
  }
}

TEST(Graph, UndefinedInputIsNamed) {
  Graph g = chain();
  g.nodes[1].inputs = {"ghost"};
  try {
    validate_graph(g);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ghost"), std::string::npos) << e.what();
  }
}

TEST(Graph, DoubleDefinitionAndWrongShapes) {
  Graph g = chain();
  g.nodes[1].outputs = {"y"};
  EXPECT_THROW(validate_graph(g), Error);
  Graph h = chain();
  h.shapes["z"] = {1, 4, 8, 9};
  try {
    validate_graph(h);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("recorded"), std::string::npos) << e.what();
  }
}

TEST(Graph, ArityAndConstants) {
  Graph g = chain();
  g.nodes[0].inputs.push_back("x");
  EXPECT_THROW(validate_graph(g), Error);
  Graph h = chain();
  h.constants["w"] = ConstTensor::from_vector({2, 2}, {1, 2, 3, 4});
  EXPECT_NO_THROW(validate_graph(h));
  h.constants["w"].shape = {3, 2};
  EXPECT_THROW(validate_graph(h), Error);
  Graph k = chain();
  k.outputs = {"nowhere"};
  EXPECT_THROW(validate_graph(k), Error);
}

}  // namespace
}  // namespace tarsier
