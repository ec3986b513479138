// Real PyTorch exports (models/export_golden.py) in TARSIER_GOLDEN_DIR: every .onnx there
// must convert to a valid graph with every foldable BatchNormalization folded.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "convert_test_util.hpp"

namespace tarsier::test {
namespace {

TEST(GoldenModels, AllConvert) {
  const char* dir = std::getenv("TARSIER_GOLDEN_DIR");
  // ctest sets the variable (tests/convert/CMakeLists.txt, after the golden_export fixture);
  // a run of the bare binary without it skips.
  if (!dir) GTEST_SKIP() << "TARSIER_GOLDEN_DIR not set";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << " is not a folder";
  int converted = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".onnx") continue;
    SCOPED_TRACE(entry.path().string());
    ConvertStats stats;
    Model m;
    ASSERT_NO_THROW(m = convert_onnx(entry.path(), {}, &stats));
    ++converted;
    // Every BatchNormalization after a conv with no other reader is folded.
    for (const auto& node : m.graph.nodes) {
      if (node.op != OpType::BatchNormalization) continue;
      const int p = m.graph.producer_of(node.inputs[0]);
      if (p >= 0) {
        const OpType prev = m.graph.nodes[p].op;
        EXPECT_FALSE((prev == OpType::Conv || prev == OpType::ConvTranspose) && m.graph.use_count(node.inputs[0]) == 1)
            << "unfolded BatchNormalization " << node.name;
      }
    }
    EXPECT_NO_THROW(validate_graph(m.graph));
  }
  EXPECT_GT(converted, 0);
}

}  // namespace
}  // namespace tarsier::test
