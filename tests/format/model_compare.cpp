// Bit-exact model comparison for the .tsr round-trip tests.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <variant>

#include "small_model.hpp"

namespace tarsier::test {
namespace {

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }
bool same_bits(float a, float b) { return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b); }

template <typename T>
void expect_same_floats(const std::vector<T>& a, const std::vector<T>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_bits(a[i], b[i])) << what << "[" << i << "]";
}

void expect_attrs_equal(const Attributes& a, const Attributes& b, const std::string& node) {
  ASSERT_EQ(a.all().size(), b.all().size()) << node;
  for (const auto& [key, va] : a.all()) {
    ASSERT_TRUE(b.has(key)) << node << "." << key;
    const AttrValue& vb = b.all().find(key)->second;
    ASSERT_EQ(va.index(), vb.index()) << node << "." << key << " changed type";
    if (const auto* d = std::get_if<double>(&va))
      EXPECT_TRUE(same_bits(*d, std::get<double>(vb))) << node << "." << key;
    else if (const auto* ds = std::get_if<std::vector<double>>(&va))
      expect_same_floats(*ds, std::get<std::vector<double>>(vb), node + "." + key);
    else
      EXPECT_TRUE(va == vb) << node << "." << key;
  }
}

}  // namespace

void expect_models_equal(const Model& a, const Model& b) {
  const ModelInfo &ia = a.info, &ib = b.info;
  EXPECT_EQ(ia.name, ib.name);
  EXPECT_EQ(ia.task, ib.task);
  EXPECT_EQ(ia.labels, ib.labels);
  EXPECT_TRUE(same_bits(ia.threshold, ib.threshold));
  EXPECT_EQ(ia.input.name, ib.input.name);
  EXPECT_EQ(ia.input.shape, ib.input.shape);
  EXPECT_EQ(ia.input.dtype, ib.input.dtype);
  EXPECT_EQ(ia.input.layout, ib.input.layout);
  EXPECT_EQ(ia.input.color, ib.input.color);
  EXPECT_EQ(ia.input.resize, ib.input.resize);
  EXPECT_EQ(ia.input.letterbox, ib.input.letterbox);
  EXPECT_TRUE(same_bits(ia.input.scale, ib.input.scale));
  expect_same_floats(ia.input.mean, ib.input.mean, "mean");
  expect_same_floats(ia.input.std, ib.input.std, "std");
  ASSERT_EQ(ia.outputs.size(), ib.outputs.size());
  for (std::size_t i = 0; i < ia.outputs.size(); ++i) {
    EXPECT_EQ(ia.outputs[i].name, ib.outputs[i].name);
    EXPECT_EQ(ia.outputs[i].shape, ib.outputs[i].shape);
  }
  EXPECT_EQ(ia.provenance.source_file, ib.provenance.source_file);
  EXPECT_EQ(ia.provenance.source_sha256, ib.provenance.source_sha256);
  EXPECT_EQ(ia.provenance.converter_version, ib.provenance.converter_version);
  EXPECT_EQ(ia.provenance.producer, ib.provenance.producer);
  EXPECT_EQ(ia.provenance.opset, ib.provenance.opset);

  const Graph &ga = a.graph, &gb = b.graph;
  EXPECT_EQ(ga.inputs, gb.inputs);
  EXPECT_EQ(ga.outputs, gb.outputs);
  EXPECT_EQ(ga.shapes, gb.shapes);
  ASSERT_EQ(ga.nodes.size(), gb.nodes.size());
  for (std::size_t i = 0; i < ga.nodes.size(); ++i) {
    EXPECT_EQ(ga.nodes[i].name, gb.nodes[i].name);
    EXPECT_EQ(ga.nodes[i].op, gb.nodes[i].op);
    EXPECT_EQ(ga.nodes[i].inputs, gb.nodes[i].inputs);
    EXPECT_EQ(ga.nodes[i].outputs, gb.nodes[i].outputs);
    expect_attrs_equal(ga.nodes[i].attrs, gb.nodes[i].attrs, ga.nodes[i].name);
  }
  ASSERT_EQ(ga.constants.size(), gb.constants.size());
  for (const auto& [name, ta] : ga.constants) {
    auto it = gb.constants.find(name);
    ASSERT_NE(it, gb.constants.end()) << name;
    EXPECT_EQ(ta.shape, it->second.shape) << name;
    ASSERT_EQ(ta.data.size(), it->second.data.size()) << name;
    EXPECT_EQ(0, std::memcmp(ta.data.data(), it->second.data.data(), ta.data.size_bytes())) << name;
  }
}

}  // namespace tarsier::test
