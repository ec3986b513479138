#pragma once
#include <gtest/gtest.h>

#include <string>

#include <tarsier/error.hpp>

#include "convert/converter.hpp"
#include "onnx_builder.hpp"

namespace tarsier::test {

inline Model convert(const OnnxBuilder& b, const ConvertOptions& options = {}, ConvertStats* stats = nullptr) {
  return convert_onnx_bytes(b.bytes(), options, "test.onnx", stats);
}

inline int count_ops(const Graph& g, OpType op) {
  int n = 0;
  for (const auto& node : g.nodes) n += node.op == op;
  return n;
}

inline const Node& only_node(const Graph& g, OpType op) {
  const Node* found = nullptr;
  for (const auto& node : g.nodes)
    if (node.op == op) {
      EXPECT_EQ(found, nullptr) << "more than one " << op_name(op);
      found = &node;
    }
  if (!found) throw std::runtime_error("no " + std::string(op_name(op)) + " node");
  return *found;
}

// Runs `f`, expecting tarsier::Error with `code` whose message contains every fragment.
template <class F>
void expect_error(F&& f, ErrorCode code, std::initializer_list<std::string> fragments) {
  try {
    f();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(static_cast<int>(e.code()), static_cast<int>(code)) << e.what();
    for (const auto& f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
  }
}

}  // namespace tarsier::test
