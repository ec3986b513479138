// BatchNormalization and per-channel Mul/Add folded into convs: the folded graph must
// compute what the original one does (checked with a plain double-precision evaluator).
#include <gtest/gtest.h>

#include <cmath>

#include "convert_test_util.hpp"
#include "ref_eval.hpp"

namespace tarsier::test {
namespace {

struct BnParams {
  std::vector<float> gamma, beta, mean, var;
};

BnParams random_bn(std::int64_t c, std::uint32_t seed) {
  BnParams p{random_floats(c, seed, 0.5f, 2.0f), random_floats(c, seed + 1), random_floats(c, seed + 2),
             random_floats(c, seed + 3, 0.1f, 3.0f)};
  return p;
}

void add_bn(OnnxBuilder& b, const std::string& x, const std::string& out, const BnParams& p, float eps) {
  const auto c = static_cast<std::int64_t>(p.gamma.size());
  b.initializer(out + ".gamma", {c}, p.gamma);
  b.initializer(out + ".beta", {c}, p.beta);
  b.initializer(out + ".mean", {c}, p.mean);
  b.initializer(out + ".var", {c}, p.var);
  auto& n = b.node("BatchNormalization", {x, out + ".gamma", out + ".beta", out + ".mean", out + ".var"}, {out});
  set_attr(n, "epsilon", eps);
}

std::vector<double> dbl(const std::vector<float>& v) { return {v.begin(), v.end()}; }

RefTensor random_input(const Shape& s, std::uint32_t seed) {
  std::int64_t n = 1;
  for (auto d : s) n *= d;
  auto f = random_floats(static_cast<std::size_t>(n), seed);
  return {s, dbl(f)};
}

void expect_close(const RefTensor& a, const RefTensor& b) {
  ASSERT_EQ(a.shape, b.shape);
  double max_ref = 0;
  for (double v : b.v) max_ref = std::max(max_ref, std::fabs(v));
  for (std::size_t i = 0; i < a.v.size(); ++i) ASSERT_NEAR(a.v[i], b.v[i], 1e-5 * (1 + max_ref)) << "at " << i;
}

Attributes conv_attrs(std::int64_t group, std::int64_t pad) {
  Attributes a;
  a.set("strides", std::vector<std::int64_t>{1, 1});
  a.set("pads", std::vector<std::int64_t>{pad, pad, pad, pad});
  a.set("dilations", std::vector<std::int64_t>{1, 1});
  a.set("group", group);
  a.set("output_padding", std::vector<std::int64_t>{0, 0});
  return a;
}

TEST(BatchNormFold, GroupedConvWithBias) {
  const std::int64_t cin = 4, cout = 6, group = 2;
  const auto w = random_floats(cout * (cin / group) * 9, 11);
  const auto bias = random_floats(cout, 12);
  const BnParams bn = random_bn(cout, 20);
  OnnxBuilder b(13);
  b.input("input", {1, cin, 5, 6});
  b.initializer("w", {cout, cin / group, 3, 3}, w);
  b.initializer("bias", {cout}, bias);
  auto& conv = b.node("Conv", {"input", "w", "bias"}, {"c"});
  set_attr(conv, "group", group);
  set_attr(conv, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  add_bn(b, "c", "out", bn, 1e-3f);
  b.output("out");

  ConvertStats stats;
  const Model m = convert(b, {}, &stats);
  ASSERT_EQ(m.graph.nodes.size(), 1u);
  EXPECT_EQ(m.graph.nodes[0].op, OpType::Conv);
  EXPECT_EQ(m.graph.nodes[0].outputs[0], "out");
  EXPECT_EQ(stats.folded_batchnorms, 1u);
  EXPECT_EQ(m.graph.constants.size(), 2u);  // the folded W and b; the old ones are dropped

  const RefTensor x = random_input({1, cin, 5, 6}, 30);
  const RefTensor wt{{cout, cin / group, 3, 3}, dbl(w)}, bt{{cout}, dbl(bias)};
  const RefTensor expected = ref_batch_norm(ref_conv(x, wt, &bt, conv_attrs(group, 1)), dbl(bn.gamma), dbl(bn.beta),
                                            dbl(bn.mean), dbl(bn.var), static_cast<double>(1e-3f));
  expect_close(ref_run(m.graph, x), expected);
}

TEST(BatchNormFold, GroupedConvTransposeWithoutBias) {
  const std::int64_t cin = 4, group = 2, per_group_out = 3, cout = per_group_out * group;
  const auto w = random_floats(cin * per_group_out * 4, 41);
  const BnParams bn = random_bn(cout, 50);
  OnnxBuilder b(11);
  b.input("input", {1, cin, 3, 4});
  b.initializer("w", {cin, per_group_out, 2, 2}, w);
  auto& t = b.node("ConvTranspose", {"input", "w"}, {"c"});
  set_attr(t, "group", group);
  set_attr(t, "strides", std::vector<std::int64_t>{2, 2});
  add_bn(b, "c", "out", bn, 1e-5f);
  b.output("out");

  const Model m = convert(b);
  ASSERT_EQ(m.graph.nodes.size(), 1u);
  EXPECT_EQ(m.graph.nodes[0].op, OpType::ConvTranspose);

  const RefTensor x = random_input({1, cin, 3, 4}, 60);
  Attributes a = conv_attrs(group, 0);
  a.set("strides", std::vector<std::int64_t>{2, 2});
  const RefTensor expected =
      ref_batch_norm(ref_conv_transpose(x, {{cin, per_group_out, 2, 2}, dbl(w)}, nullptr, a), dbl(bn.gamma),
                     dbl(bn.beta), dbl(bn.mean), dbl(bn.var), static_cast<double>(1e-5f));
  expect_close(ref_run(m.graph, x), expected);
}

TEST(BatchNormFold, KeptWhenTheConvOutputHasAnotherReader) {
  const BnParams bn = random_bn(2, 70);
  OnnxBuilder b(13);
  b.input("input", {1, 2, 4, 4});
  b.initializer("w", {2, 2, 1, 1}, random_floats(4, 71));
  b.node("Conv", {"input", "w"}, {"c"});
  add_bn(b, "c", "n", bn, 1e-5f);
  b.node("Add", {"c", "n"}, {"out"});
  b.output("out");
  const Model m = convert(b);
  EXPECT_EQ(count_ops(m.graph, OpType::BatchNormalization), 1);
  const Node& kept = only_node(m.graph, OpType::BatchNormalization);
  EXPECT_EQ(kept.inputs.size(), 5u);
  EXPECT_DOUBLE_EQ(kept.attrs.get_float("epsilon"), static_cast<double>(1e-5f));

  const RefTensor x = random_input({1, 2, 4, 4}, 72);
  expect_close(ref_run(m.graph, x), [&] {
    Attributes a = conv_attrs(1, 0);
    const RefTensor c = ref_conv(x, to_ref(m.graph.constants.at(m.graph.nodes[0].inputs[1])), nullptr, a);
    RefTensor n = ref_batch_norm(c, dbl(bn.gamma), dbl(bn.beta), dbl(bn.mean), dbl(bn.var), 1e-5f);
    for (std::size_t i = 0; i < n.v.size(); ++i) n.v[i] += c.v[i];
    return n;
  }());
}

TEST(BatchNormFold, BatchNormOnTheInputStays) {
  OnnxBuilder b(13);
  b.input("input", {1, 3, 2, 2});
  add_bn(b, "input", "out", random_bn(3, 80), 1e-5f);
  b.output("out");
  EXPECT_EQ(count_ops(convert(b).graph, OpType::BatchNormalization), 1);
}

TEST(AffineFold, MulAddSubDivByPerChannelConstantsFoldIntoConv) {
  const std::int64_t cin = 2, cout = 3;
  const auto w = random_floats(cout * cin * 9, 90);
  OnnxBuilder b(13);
  b.input("input", {1, cin, 5, 5});
  b.initializer("w", {cout, cin, 3, 3}, w);
  b.node("Conv", {"input", "w"}, {"c"});
  b.initializer("scale", {1, cout, 1, 1}, {2.0f, -1.0f, 0.5f});
  b.node("Mul", {"scale", "c"}, {"m"});
  b.initializer("shift", {cout, 1, 1}, {0.25f, 1.0f, -3.0f});
  b.node("Add", {"m", "shift"}, {"a"});
  b.constant_f32("k", {0.5f}, true);
  b.node("Sub", {"a", "k"}, {"s"});
  b.initializer("den", {cout, 1, 1}, {4.0f, 2.0f, 8.0f});
  b.node("Div", {"s", "den"}, {"out"});
  b.output("out");

  ConvertStats stats;
  const Model m = convert(b, {}, &stats);
  ASSERT_EQ(m.graph.nodes.size(), 1u) << "all four affine ops should fold";
  EXPECT_EQ(stats.folded_affine, 4u);
  EXPECT_EQ(m.graph.nodes[0].outputs[0], "out");

  const RefTensor x = random_input({1, cin, 5, 5}, 91);
  RefTensor expected = ref_conv(x, {{cout, cin, 3, 3}, dbl(w)}, nullptr, conv_attrs(1, 0));
  const double sc[] = {2.0, -1.0, 0.5}, sh[] = {0.25, 1.0, -3.0}, den[] = {4.0, 2.0, 8.0};
  for (std::size_t i = 0; i < expected.v.size(); ++i) {
    const std::size_t ch = (i / 9) % 3;
    expected.v[i] = (expected.v[i] * sc[ch] + sh[ch] - 0.5) / den[ch];
  }
  expect_close(ref_run(m.graph, x), expected);
}

TEST(AffineFold, SpatiallyVaryingConstantIsNotFolded) {
  OnnxBuilder b(13);
  b.input("input", {1, 1, 2, 2});
  b.initializer("w", {1, 1, 1, 1}, {1.0f});
  b.node("Conv", {"input", "w"}, {"c"});
  b.initializer("mask", {1, 1, 2, 2}, {1, 2, 3, 4});
  b.node("Mul", {"c", "mask"}, {"out"});
  b.output("out");
  EXPECT_EQ(convert(b).graph.nodes.size(), 2u);
}

}  // namespace
}  // namespace tarsier::test
