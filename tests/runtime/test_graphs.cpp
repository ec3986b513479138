#include "runtime/test_graphs.hpp"

namespace tarsier::test {

Graph conv_relu_graph() {
  GraphBuilder b;
  const auto x = b.input("image", {1, 3, 8, 8});
  b.output(b.relu(b.conv(x, 8, 3, 1, 1)));
  return b.graph();
}

Graph residual_graph() {
  GraphBuilder b;
  const auto x = b.input("image", {1, 3, 16, 16});
  const auto stem = b.relu(b.conv(x, 8, 3, 1, 1));
  // Block 1: identity shortcut.
  const auto a1 = b.relu(b.conv(stem, 8, 3, 1, 1));
  const auto r1 = b.relu(b.add(b.conv(a1, 8, 3, 1, 1), stem));
  // Block 2: strided, with a 1x1 projection shortcut computed after the main path.
  const auto a2 = b.relu(b.conv(r1, 16, 3, 2, 1));
  const auto main = b.conv(a2, 16, 3, 1, 1);
  const auto shortcut = b.conv(r1, 16, 1, 2, 0);
  const auto r2 = b.relu(b.add(shortcut, main));
  b.output(b.gemm(b.flatten(b.global_avg_pool(r2)), 2));
  return b.graph();
}

Graph unet_graph() {
  GraphBuilder b;
  const auto x = b.input("image", {1, 3, 16, 16});
  const auto e1 = b.relu(b.conv(b.relu(b.conv(x, 4, 3, 1, 1)), 4, 3, 1, 1));
  const auto e2 = b.relu(b.conv(b.max_pool(e1, 2, 2), 8, 3, 1, 1));
  const auto e3 = b.relu(b.conv(b.max_pool(e2, 2, 2), 16, 3, 1, 1));
  const auto u2 = b.conv_transpose(e3, 8, 2, 2);
  const auto d2 = b.relu(b.conv(b.concat({e2, u2}, 1), 8, 3, 1, 1));
  const auto u1 = b.conv_transpose(d2, 4, 2, 2);
  const auto d1 = b.relu(b.conv(b.concat({u1, e1}, 1), 4, 3, 1, 1));
  b.output(b.sigmoid(b.conv(d1, 1, 1)));
  return b.graph();
}

Graph reshape_chain_graph() {
  GraphBuilder b;
  const auto x = b.input("image", {1, 2, 6, 6});
  const auto c = b.relu(b.conv(x, 4, 3, 1, 1));  // [1,4,6,6]
  const auto r1 = b.reshape(c, {1, 4, 36});
  const auto r2 = b.reshape(r1, {1, 12, 12});
  const auto f = b.flatten(r2, 1);  // [1,144]
  const auto logits = b.gemm(f, 3);
  b.output(b.softmax(logits, 1));
  b.output(b.reshape(logits, {3, 1}));  // an output that aliases another value
  return b.graph();
}

Graph concat_fallback_graph() {
  GraphBuilder b;
  const auto x = b.input("image", {1, 2, 5, 5});
  const auto a = b.conv(x, 3, 3, 1, 1);
  const auto c = b.conv(x, 2, 1);
  const auto with_input = b.concat({a, x}, 1);                     // graph input: copies
  const auto with_const = b.concat({c, b.constant({1, 2, 5, 5})}, 1);  // constant: copies
  const auto first = b.concat({a, c}, 1);  // in place: the copying concats above claim nothing
  const auto d = b.relu(b.conv(x, 2, 3, 1, 1));
  const auto e = b.conv(x, 2, 3, 1, 1);
  const auto in_place = b.concat({d, e}, 1);                       // in place
  const auto twice = b.concat({d, d}, 1);                          // d placed already + listed twice: copies
  const auto spatial = b.concat({b.conv(x, 2, 1), b.conv(x, 2, 1)}, 2);  // outer extent 2: copies
  const auto reshaped = b.concat({b.reshape(b.conv(x, 2, 1), {1, 2, 5, 5}), b.conv(x, 2, 1)}, 1);  // alias: copies
  for (const auto& v : {with_input, with_const, first, in_place, twice, spatial, reshaped}) b.output(b.relu(v));
  return b.graph();
}

Graph late_residual_graph() {
  GraphBuilder b;
  const auto x = b.input("image", {1, 4, 6, 6});
  const auto y = b.conv(x, 4, 3, 1, 1);
  const auto z = b.sigmoid(b.conv(x, 4, 1));  // produced after y, read by the Add
  b.output(b.relu(b.add(y, z)));
  return b.graph();
}

Graph epilogue_variety_graph() {
  GraphBuilder b;
  const auto x = b.input("image", {1, 3, 8, 8});
  const auto c1 = b.clip(b.conv(x, 4, 3, 1, 1), 0.0, 0.3);  // ReLU6-like
  const auto c2 = b.leaky_relu(b.conv(c1, 4, 3, 1, 1), 0.1);
  const auto up = b.sigmoid(b.conv_transpose(c2, 2, 2, 2));
  const auto raw = b.conv(c2, 4, 1);
  b.output(raw);  // a graph output: Relu below must not be fused into its producer
  const auto kept = b.relu(raw);
  const auto shared = b.conv(kept, 4, 1);  // read twice: no fusion
  const auto both = b.add(b.relu(shared), b.sigmoid(shared));
  const auto head = b.relu(b.gemm(b.flatten(b.global_avg_pool(both)), 5));
  b.output(up);
  b.output(head);
  return b.graph();
}

std::vector<NamedGraph> all_test_graphs() {
  return {{"conv_relu", conv_relu_graph()},         {"residual", residual_graph()},
          {"unet", unet_graph()},                   {"reshape_chain", reshape_chain_graph()},
          {"concat_fallback", concat_fallback_graph()}, {"late_residual", late_residual_graph()},
          {"epilogue_variety", epilogue_variety_graph()}};
}

}  // namespace tarsier::test
