#include "runtime/naive_eval.hpp"

#include <limits>
#include <stdexcept>

#include "kernels/ref/concat.hpp"
#include "kernels/ref/conv2d.hpp"
#include "kernels/ref/conv_transpose2d.hpp"
#include "kernels/ref/elementwise.hpp"
#include "kernels/ref/gemm.hpp"
#include "kernels/ref/pool2d.hpp"
#include "kernels/ref/softmax.hpp"

namespace tarsier::test {
namespace {

using kernels::Activation;

// The test's own reading of the attributes (independent of engine/backend/node_params).
kernels::Epilogue epilogue_of(const Attributes& a) {
  kernels::Epilogue e;
  const std::string act = a.get_string("activation", "none");
  if (act == "relu") e.act = Activation::Relu;
  if (act == "sigmoid") e.act = Activation::Sigmoid;
  if (act == "leaky_relu") e.act = Activation::LeakyRelu, e.alpha = static_cast<float>(a.get_float("alpha"));
  if (act == "clip") {
    e.act = Activation::Clip;
    e.clip_min = static_cast<float>(a.get_float("clip_min", -std::numeric_limits<double>::infinity()));
    e.clip_max = static_cast<float>(a.get_float("clip_max", std::numeric_limits<double>::infinity()));
  }
  return e;
}

}  // namespace

Values evaluate_naive(const Graph& graph, const Values& inputs) {
  Values v = inputs;
  auto get = [&](const std::string& name) -> const float* {
    if (name.empty()) return nullptr;
    if (auto c = graph.constants.find(name); c != graph.constants.end()) return c->second.data.data();
    return v.at(name).data();
  };
  for (const Node& n : graph.nodes) {
    const Shape& ys = graph.shape_of(n.outputs.at(0));
    std::vector<float> y(static_cast<std::size_t>(element_count(ys)));
    const auto& a = n.attrs;
    switch (n.op) {
      case OpType::Conv: {
        const Shape& xs = graph.shape_of(n.input(0));
        const Shape& ws = graph.shape_of(n.input(1));
        const auto s = a.get_ints("strides"), p = a.get_ints("pads"), d = a.get_ints("dilations");
        kernels::Conv2dParams c;
        c.n = xs[0], c.c_in = xs[1], c.h_in = xs[2], c.w_in = xs[3];
        c.c_out = ys[1], c.h_out = ys[2], c.w_out = ys[3];
        c.kernel_h = ws[2], c.kernel_w = ws[3];
        c.stride_h = s[0], c.stride_w = s[1];
        c.pad_top = p[0], c.pad_left = p[1], c.pad_bottom = p[2], c.pad_right = p[3];
        c.dilation_h = d[0], c.dilation_w = d[1];
        c.groups = a.get_int("group");
        c.epilogue = epilogue_of(a);
        ref::conv2d(c, get(n.input(0)), get(n.input(1)), get(n.input(2)), get(n.input(3)), y.data());
        break;
      }
      case OpType::ConvTranspose: {
        const Shape& xs = graph.shape_of(n.input(0));
        const Shape& ws = graph.shape_of(n.input(1));
        const auto s = a.get_ints("strides");
        kernels::ConvTranspose2dParams c;
        c.n = xs[0], c.c_in = xs[1], c.h_in = xs[2], c.w_in = xs[3];
        c.c_out = ys[1], c.h_out = ys[2], c.w_out = ys[3];
        c.kernel_h = ws[2], c.kernel_w = ws[3];
        c.stride_h = s[0], c.stride_w = s[1];
        c.epilogue = epilogue_of(a);
        ref::conv_transpose2d(c, get(n.input(0)), get(n.input(1)), get(n.input(2)), y.data());
        break;
      }
      case OpType::Relu:
      case OpType::Sigmoid:
      case OpType::Clip:
      case OpType::LeakyRelu: {
        kernels::Epilogue e;
        if (n.op == OpType::Relu) e.act = Activation::Relu;
        if (n.op == OpType::Sigmoid) e.act = Activation::Sigmoid;
        if (n.op == OpType::LeakyRelu) e.act = Activation::LeakyRelu, e.alpha = static_cast<float>(a.get_float("alpha"));
        if (n.op == OpType::Clip) {
          e.act = Activation::Clip;
          e.clip_min = static_cast<float>(a.get_float("min"));
          e.clip_max = static_cast<float>(a.get_float("max"));
        }
        ref::activation(e, get(n.input(0)), y.data(), static_cast<std::int64_t>(y.size()));
        break;
      }
      case OpType::Add:
      case OpType::Mul:
        ref::binary_broadcast(n.op == OpType::Add ? kernels::BinaryOp::Add : kernels::BinaryOp::Mul,
                              graph.shape_of(n.input(0)), get(n.input(0)), graph.shape_of(n.input(1)),
                              get(n.input(1)), ys, y.data(), epilogue_of(a));
        break;
      case OpType::Concat: {
        const auto axis = static_cast<std::size_t>(a.get_int("axis"));
        std::int64_t outer = 1, inner = 1;
        for (std::size_t i = 0; i < axis; ++i) outer *= ys[i];
        for (std::size_t i = axis + 1; i < ys.size(); ++i) inner *= ys[i];
        std::vector<const float*> ptrs;
        std::vector<std::int64_t> sizes;
        for (const auto& in : n.inputs) ptrs.push_back(get(in)), sizes.push_back(graph.shape_of(in)[axis]);
        ref::concat(ptrs, sizes, outer, inner, y.data());
        break;
      }
      case OpType::Reshape:
      case OpType::Flatten: {
        const float* x = get(n.input(0));
        y.assign(x, x + y.size());
        break;
      }
      case OpType::MaxPool: {
        const Shape& xs = graph.shape_of(n.input(0));
        const auto k = a.get_ints("kernel_shape"), s = a.get_ints("strides"), p = a.get_ints("pads");
        kernels::Pool2dParams c;
        c.n = xs[0], c.c = xs[1], c.h_in = xs[2], c.w_in = xs[3], c.h_out = ys[2], c.w_out = ys[3];
        c.kernel_h = k[0], c.kernel_w = k[1], c.stride_h = s[0], c.stride_w = s[1];
        c.pad_top = p[0], c.pad_left = p[1], c.pad_bottom = p[2], c.pad_right = p[3];
        ref::max_pool2d(c, get(n.input(0)), y.data());
        break;
      }
      case OpType::GlobalAveragePool: {
        const Shape& xs = graph.shape_of(n.input(0));
        ref::global_avg_pool(xs[0], xs[1], xs[2] * xs[3], get(n.input(0)), y.data());
        break;
      }
      case OpType::Gemm: {
        const Shape& as = graph.shape_of(n.input(0));
        kernels::GemmParams g;
        g.trans_a = a.get_int("transA") != 0, g.trans_b = a.get_int("transB") != 0;
        g.m = ys[0], g.n = ys[1], g.k = g.trans_a ? as[0] : as[1];
        g.alpha = static_cast<float>(a.get_float("alpha")), g.beta = static_cast<float>(a.get_float("beta"));
        g.bias = n.has_input(2) ? kernels::BiasKind::Row : kernels::BiasKind::None;
        g.epilogue = epilogue_of(a);
        ref::gemm(g, get(n.input(0)), get(n.input(1)), get(n.input(2)), y.data());
        break;
      }
      case OpType::Softmax: {
        const auto axis = static_cast<std::size_t>(a.get_int("axis"));
        std::int64_t outer = 1, inner = 1;
        for (std::size_t i = 0; i < axis; ++i) outer *= ys[i];
        for (std::size_t i = axis + 1; i < ys.size(); ++i) inner *= ys[i];
        ref::softmax(get(n.input(0)), y.data(), outer, ys[axis], inner);
        break;
      }
      default: throw std::runtime_error("evaluate_naive: op not supported by the test oracle");
    }
    v[n.outputs[0]] = std::move(y);
  }
  return v;
}

}  // namespace tarsier::test
