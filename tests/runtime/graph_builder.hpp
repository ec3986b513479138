#pragma once
// Builds small test graphs op by op with random weights, shapes inferred as it goes.
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "format/model.hpp"
#include "graph/graph.hpp"

namespace tarsier::test {

class GraphBuilder {
 public:
  explicit GraphBuilder(unsigned seed = 7) : rng_(seed) {}

  std::string input(const std::string& name, Shape shape);
  std::string constant(Shape shape, float scale = 0.5f);

  std::string node(OpType op, std::vector<std::string> inputs, Attributes attrs = {});
  std::string conv(const std::string& x, std::int64_t c_out, std::int64_t k, std::int64_t stride = 1,
                   std::int64_t pad = 0, std::int64_t group = 1, bool bias = true);
  std::string conv_transpose(const std::string& x, std::int64_t c_out, std::int64_t k, std::int64_t stride);
  std::string relu(const std::string& x) { return node(OpType::Relu, {x}); }
  std::string sigmoid(const std::string& x) { return node(OpType::Sigmoid, {x}); }
  std::string clip(const std::string& x, double lo, double hi);
  std::string leaky_relu(const std::string& x, double alpha);
  std::string add(const std::string& a, const std::string& b) { return node(OpType::Add, {a, b}); }
  std::string mul(const std::string& a, const std::string& b) { return node(OpType::Mul, {a, b}); }
  std::string concat(std::vector<std::string> xs, std::int64_t axis);
  std::string reshape(const std::string& x, Shape shape);
  std::string flatten(const std::string& x, std::int64_t axis = 1);
  std::string max_pool(const std::string& x, std::int64_t k, std::int64_t stride);
  std::string global_avg_pool(const std::string& x) { return node(OpType::GlobalAveragePool, {x}); }
  std::string gemm(const std::string& x, std::int64_t n);
  std::string softmax(const std::string& x, std::int64_t axis);

  void output(const std::string& name) { graph_.outputs.push_back(name); }
  const Shape& shape(const std::string& value) const { return graph_.shape_of(value); }
  const Graph& graph() const { return graph_; }
  // The graph wrapped as a classification model named "test".
  Model model() const;

 private:
  std::string fresh(const char* prefix) { return prefix + std::to_string(++counter_); }
  Graph graph_;
  std::mt19937 rng_;
  int counter_ = 0;
};

// Random values in [-1, 1] for every graph input.
std::map<std::string, std::vector<float>> random_inputs(const Graph& graph, unsigned seed = 11);

// A temporary directory removed at scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path(const std::string& name) const { return dir_ / name; }

 private:
  std::filesystem::path dir_;
};

}  // namespace tarsier::test
