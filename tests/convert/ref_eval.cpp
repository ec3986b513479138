#include "ref_eval.hpp"

#include <cmath>
#include <map>
#include <stdexcept>

namespace tarsier::test {
namespace {

std::int64_t count(const Shape& s) {
  std::int64_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

RefTensor broadcast_binary(const RefTensor& a, const RefTensor& b, bool mul) {
  const std::size_t r = std::max(a.shape.size(), b.shape.size());
  auto dim = [&](const Shape& s, std::size_t i) { return i < r - s.size() ? 1 : s[i - (r - s.size())]; };
  RefTensor out;
  for (std::size_t i = 0; i < r; ++i) out.shape.push_back(std::max(dim(a.shape, i), dim(b.shape, i)));
  out.v.resize(count(out.shape));
  std::vector<std::int64_t> pos(r, 0);
  for (std::size_t k = 0; k < out.v.size(); ++k) {
    std::int64_t rem = static_cast<std::int64_t>(k);
    for (std::size_t i = r; i-- > 0;) {
      pos[i] = rem % out.shape[i];
      rem /= out.shape[i];
    }
    auto index = [&](const RefTensor& t) {
      std::int64_t idx = 0;
      for (std::size_t i = 0; i < r; ++i) {
        const std::int64_t d = dim(t.shape, i);
        idx = idx * d + (d == 1 ? 0 : pos[i]);
      }
      return idx;
    };
    const double x = a.v[index(a)], y = b.v[index(b)];
    out.v[k] = mul ? x * y : x + y;
  }
  return out;
}

}  // namespace

RefTensor to_ref(const ConstTensor& t) { return {t.shape, std::vector<double>(t.data.begin(), t.data.end())}; }

RefTensor ref_conv(const RefTensor& x, const RefTensor& w, const RefTensor* b, const Attributes& a) {
  const auto s = a.get_ints("strides"), p = a.get_ints("pads"), d = a.get_ints("dilations");
  const std::int64_t g = a.get_int("group");
  const std::int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  const std::int64_t M = w.shape[0], KH = w.shape[2], KW = w.shape[3], Cg = C / g, Mg = M / g;
  const std::int64_t OH = (H + p[0] + p[2] - d[0] * (KH - 1) - 1) / s[0] + 1;
  const std::int64_t OW = (W + p[1] + p[3] - d[1] * (KW - 1) - 1) / s[1] + 1;
  RefTensor y{{N, M, OH, OW}, std::vector<double>(N * M * OH * OW)};
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t m = 0; m < M; ++m)
      for (std::int64_t oh = 0; oh < OH; ++oh)
        for (std::int64_t ow = 0; ow < OW; ++ow) {
          double acc = b ? b->v[m] : 0.0;
          const std::int64_t grp = m / Mg;
          for (std::int64_t c = 0; c < Cg; ++c)
            for (std::int64_t kh = 0; kh < KH; ++kh)
              for (std::int64_t kw = 0; kw < KW; ++kw) {
                const std::int64_t ih = oh * s[0] - p[0] + kh * d[0], iw = ow * s[1] - p[1] + kw * d[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                acc += x.v[((n * C + grp * Cg + c) * H + ih) * W + iw] * w.v[((m * Cg + c) * KH + kh) * KW + kw];
              }
          y.v[((n * M + m) * OH + oh) * OW + ow] = acc;
        }
  return y;
}

RefTensor ref_conv_transpose(const RefTensor& x, const RefTensor& w, const RefTensor* b, const Attributes& a) {
  const auto s = a.get_ints("strides"), p = a.get_ints("pads"), d = a.get_ints("dilations");
  const auto op = a.get_ints("output_padding");
  const std::int64_t g = a.get_int("group");
  const std::int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  const std::int64_t Mg = w.shape[1], KH = w.shape[2], KW = w.shape[3], Cg = C / g, M = Mg * g;
  const std::int64_t OH = (H - 1) * s[0] - p[0] - p[2] + d[0] * (KH - 1) + op[0] + 1;
  const std::int64_t OW = (W - 1) * s[1] - p[1] - p[3] + d[1] * (KW - 1) + op[1] + 1;
  RefTensor y{{N, M, OH, OW}, std::vector<double>(N * M * OH * OW, 0.0)};
  // Scatter form: every input pixel adds its weighted kernel into the output.
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t c = 0; c < C; ++c)
      for (std::int64_t ih = 0; ih < H; ++ih)
        for (std::int64_t iw = 0; iw < W; ++iw) {
          const double xv = x.v[((n * C + c) * H + ih) * W + iw];
          const std::int64_t grp = c / Cg;
          for (std::int64_t j = 0; j < Mg; ++j)
            for (std::int64_t kh = 0; kh < KH; ++kh)
              for (std::int64_t kw = 0; kw < KW; ++kw) {
                const std::int64_t oh = ih * s[0] - p[0] + kh * d[0], ow = iw * s[1] - p[1] + kw * d[1];
                if (oh < 0 || oh >= OH || ow < 0 || ow >= OW) continue;
                y.v[((n * M + grp * Mg + j) * OH + oh) * OW + ow] += xv * w.v[((c * Mg + j) * KH + kh) * KW + kw];
              }
        }
  if (b)
    for (std::int64_t n = 0; n < N; ++n)
      for (std::int64_t m = 0; m < M; ++m)
        for (std::int64_t k = 0; k < OH * OW; ++k) y.v[(n * M + m) * OH * OW + k] += b->v[m];
  return y;
}

RefTensor ref_batch_norm(const RefTensor& x, const std::vector<double>& gamma, const std::vector<double>& beta,
                         const std::vector<double>& mean, const std::vector<double>& var, double eps) {
  RefTensor y = x;
  const std::int64_t C = x.shape[1], inner = count(x.shape) / (x.shape[0] * C);
  for (std::size_t k = 0; k < y.v.size(); ++k) {
    const std::size_t c = static_cast<std::size_t>((static_cast<std::int64_t>(k) / inner) % C);
    y.v[k] = (x.v[k] - mean[c]) / std::sqrt(var[c] + eps) * gamma[c] + beta[c];
  }
  return y;
}

RefTensor ref_run(const Graph& graph, const RefTensor& input) {
  std::map<std::string, RefTensor> values;
  values[graph.inputs.at(0)] = input;
  for (const auto& [name, t] : graph.constants) values[name] = to_ref(t);
  for (const auto& node : graph.nodes) {
    auto in = [&](std::size_t i) -> const RefTensor& { return values.at(node.inputs.at(i)); };
    RefTensor out;
    switch (node.op) {
      case OpType::Conv:
        out = ref_conv(in(0), in(1), node.has_input(2) ? &in(2) : nullptr, node.attrs);
        break;
      case OpType::ConvTranspose:
        out = ref_conv_transpose(in(0), in(1), node.has_input(2) ? &in(2) : nullptr, node.attrs);
        break;
      case OpType::BatchNormalization:
        out = ref_batch_norm(in(0), in(1).v, in(2).v, in(3).v, in(4).v, node.attrs.get_float("epsilon"));
        break;
      case OpType::Add: out = broadcast_binary(in(0), in(1), false); break;
      case OpType::Mul: out = broadcast_binary(in(0), in(1), true); break;
      case OpType::Relu:
        out = in(0);
        for (auto& v : out.v) v = std::max(v, 0.0);
        break;
      case OpType::Reshape: {
        out = in(0);
        const auto& s = node.attrs.get_ints("shape");
        out.shape.assign(s.begin(), s.end());
        break;
      }
      default: throw std::runtime_error("ref_run: op " + std::string(op_name(node.op)) + " not supported");
    }
    values[node.outputs.at(0)] = std::move(out);
  }
  return values.at(graph.outputs.at(0));
}

}  // namespace tarsier::test
