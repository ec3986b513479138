#pragma once
// Small graphs for the x86 backend tests: a builder with random weights, and a runner that
// executes the same graph on the ref backend and on an x86 backend and compares.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend/ref/ref_backend.hpp"
#include "backend/x86/x86_backend.hpp"
#include "graph/graph.hpp"
#include "kernels/x86/cpu_features.hpp"
#include "session/executor.hpp"

namespace tarsier::test {

class Builder {
 public:
  explicit Builder(unsigned seed) : rng_(seed) {}

  std::string input(Shape shape) {
    std::string name = "in";
    name += std::to_string(graph_.inputs.size());
    graph_.inputs.push_back(name);
    graph_.shapes[name] = std::move(shape);
    return name;
  }
  std::string constant(Shape shape, float scale = 0.5f) {
    std::uniform_real_distribution<float> d(-scale, scale);
    std::vector<float> v(static_cast<std::size_t>(element_count(shape)));
    for (float& x : v) x = d(rng_);
    std::string name = "c";  // (appending avoids GCC 12's false -Wrestrict on "c" + string)
    name += std::to_string(++counter_);
    graph_.constants.emplace(name, ConstTensor::from_vector(std::move(shape), std::move(v)));
    return name;
  }
  std::string node(OpType op, std::vector<std::string> inputs, Attributes attrs = {}) {
    Node n;
    n.name = "n";
    n.name += std::to_string(++counter_);
    n.op = op;
    n.inputs = std::move(inputs);
    n.outputs = {n.name};
    n.outputs[0] += "_y";
    n.attrs = std::move(attrs);
    graph_.nodes.push_back(n);
    infer_shapes(graph_);
    return n.outputs[0];
  }
  std::string conv(const std::string& x, std::int64_t c_out, std::int64_t kh, std::int64_t kw, std::int64_t stride,
                   std::vector<std::int64_t> pads, std::int64_t dilation = 1, std::int64_t group = 1,
                   bool bias = true, const std::string& residual = "", const std::string& act = "none") {
    const std::int64_t c_in = shape(x)[1];
    const float scale = 1.0f / std::sqrt(static_cast<float>(c_in / group * kh * kw));
    Attributes a;
    a.set("kernel_shape", std::vector<std::int64_t>{kh, kw});
    a.set("strides", std::vector<std::int64_t>{stride, stride});
    a.set("pads", std::move(pads));
    a.set("dilations", std::vector<std::int64_t>{dilation, dilation});
    a.set("group", group);
    if (act != "none") a.set("activation", act);
    if (act == "clip") {
      a.set("clip_min", 0.0);
      a.set("clip_max", 0.5);
    }
    if (act == "leaky_relu") a.set("alpha", 0.1);
    std::vector<std::string> in{x, constant({c_out, c_in / group, kh, kw}, scale), bias ? constant({c_out}) : ""};
    if (!residual.empty()) in.push_back(residual);
    while (!in.empty() && in.back().empty()) in.pop_back();
    return node(OpType::Conv, std::move(in), std::move(a));
  }
  std::string conv_transpose(const std::string& x, std::int64_t c_out, std::int64_t k, std::int64_t stride,
                             std::int64_t pad = 0, std::int64_t out_pad = 0, const std::string& act = "none") {
    const std::int64_t c_in = shape(x)[1];
    Attributes a;
    a.set("kernel_shape", std::vector<std::int64_t>{k, k});
    a.set("strides", std::vector<std::int64_t>{stride, stride});
    a.set("pads", std::vector<std::int64_t>{pad, pad, pad, pad});
    a.set("output_padding", std::vector<std::int64_t>{out_pad, out_pad});
    a.set("dilations", std::vector<std::int64_t>{1, 1});
    a.set("group", std::int64_t{1});
    if (act != "none") a.set("activation", act);
    return node(OpType::ConvTranspose, {x, constant({c_in, c_out, k, k}), constant({c_out})}, std::move(a));
  }
  std::string pool(OpType op, const std::string& x, std::int64_t k, std::int64_t s, std::int64_t pad,
                   bool ceil_mode = false, bool include_pad = false) {
    Attributes a;
    a.set("kernel_shape", std::vector<std::int64_t>{k, k});
    a.set("strides", std::vector<std::int64_t>{s, s});
    a.set("pads", std::vector<std::int64_t>{pad, pad, pad, pad});
    a.set("ceil_mode", std::int64_t{ceil_mode});
    a.set("dilations", std::vector<std::int64_t>{1, 1});
    if (op == OpType::AveragePool) a.set("count_include_pad", std::int64_t{include_pad});
    return node(op, {x}, std::move(a));
  }
  std::string concat(std::vector<std::string> xs, std::int64_t axis = 1) {
    Attributes a;
    a.set("axis", axis);
    return node(OpType::Concat, std::move(xs), std::move(a));
  }
  std::string transpose(const std::string& x, std::vector<std::int64_t> perm) {
    Attributes a;
    a.set("perm", std::move(perm));
    return node(OpType::Transpose, {x}, std::move(a));
  }
  std::string flatten(const std::string& x) {
    Attributes a;
    a.set("axis", std::int64_t{1});
    return node(OpType::Flatten, {x}, std::move(a));
  }
  std::string gemm(const std::string& x, std::int64_t n, const std::string& act = "none") {
    Attributes a;
    a.set("transB", std::int64_t{1});
    if (act != "none") a.set("activation", act);
    const std::int64_t k = shape(x)[1];
    return node(OpType::Gemm, {x, constant({n, k}), constant({n})}, std::move(a));
  }
  void output(const std::string& v) { graph_.outputs.push_back(v); }
  const Shape& shape(const std::string& v) const { return graph_.shape_of(v); }
  const Graph& graph() const { return graph_; }

 private:
  Graph graph_;
  std::mt19937 rng_;
  int counter_ = 0;
};

struct Outputs {
  std::vector<std::vector<float>> values;
  std::vector<std::string> kernels;  // the kernel of every layer, for messages
};

inline Outputs run_graph(const Graph& graph, std::unique_ptr<Backend> backend, int threads, unsigned seed,
                         Graph* prepared = nullptr) {
  KernelContext context;
  context.threads = threads;
  Executor ex(graph, std::move(backend), context);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  for (std::size_t i = 0; i < ex.input_count(); ++i)
    for (float& v : ex.input(i)) v = d(rng);
  ex.run();
  Outputs out;
  for (std::size_t i = 0; i < ex.output_count(); ++i) {
    auto o = ex.output(i);
    out.values.emplace_back(o.begin(), o.end());
  }
  for (const auto& layer : ex.layers()) out.kernels.push_back(layer.name + ":" + layer.kernel);
  if (prepared) *prepared = ex.graph();
  return out;
}

inline std::unique_ptr<Backend> make_x86(x86::Isa isa) {
  return isa == x86::Isa::Avx512 ? x86_backend::make_avx512_backend() : x86_backend::make_avx2_backend();
}

inline std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + " ";
  return s;
}

// max |got - want| / max |want|.
inline double relative_error(const std::vector<float>& got, const std::vector<float>& want) {
  double diff = 0, scale = 1e-12;
  for (std::size_t i = 0; i < want.size(); ++i) {
    diff = std::max(diff, std::abs(double(got[i]) - double(want[i])));
    scale = std::max(scale, std::abs(double(want[i])));
  }
  return diff / scale;
}

struct IsaThreads {
  x86::Isa isa;
  int threads;
};

inline std::string isa_threads_name(const testing::TestParamInfo<IsaThreads>& info) {
  return std::string(x86::isa_name(info.param.isa)) + "_t" + std::to_string(info.param.threads);
}

class X86VsRef : public testing::TestWithParam<IsaThreads> {
 protected:
  void SetUp() override {
    if (!x86::has_isa(GetParam().isa)) GTEST_SKIP() << "this CPU lacks " << x86::isa_name(GetParam().isa);
  }
  // Runs `graph` on ref and on the x86 backend under test; returns the x86 kernels chosen.
  std::vector<std::string> expect_matches_ref(const Graph& graph, double tolerance, unsigned seed = 5) {
    const Outputs want = run_graph(graph, make_ref_backend(), 1, seed);
    const Outputs got = run_graph(graph, make_x86(GetParam().isa), GetParam().threads, seed);
    EXPECT_EQ(got.values.size(), want.values.size());
    for (std::size_t i = 0; i < want.values.size() && i < got.values.size(); ++i) {
      EXPECT_EQ(got.values[i].size(), want.values[i].size());
      EXPECT_LE(relative_error(got.values[i], want.values[i]), tolerance) << "output " << i << "; kernels: "
                                                                          << join(got.kernels);
    }
    return got.kernels;
  }
};

inline auto all_isa_threads() {
  return testing::Values(IsaThreads{x86::Isa::Avx2, 1}, IsaThreads{x86::Isa::Avx2, 2},
                         IsaThreads{x86::Isa::Avx512, 1}, IsaThreads{x86::Isa::Avx512, 2});
}

inline bool uses_kernel(const std::vector<std::string>& kernels, const std::string& part) {
  for (const auto& k : kernels)
    if (k.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace tarsier::test
