#pragma once
// Hand-built models and raw-file helpers for the .tsr tests.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "format/model.hpp"

namespace tarsier::test {

// image[1,3,8,8] -> Conv 3x3 (4 ch, pad 1) -> Relu -> GlobalAveragePool -> Flatten -> Gemm -> logits[1,2],
// with seeded random weights and full ModelInfo. The Relu node also carries test-only
// attributes of every type (empty lists, -0.0, inf, nan, subnormals, extreme ints),
// which shape inference ignores.
Model make_small_model(std::uint32_t seed = 1);
// x[1,4,8,8] -> MaxPool, AveragePool, Add, Mul, Concat, Resize, Pad, Transpose, Reshape, Softmax.
Model make_shape_ops_model();
// x[1,4,4,4] -> ConvTranspose, BatchNormalization, LeakyRelu, Clip, Sigmoid,
// depthwise Conv with a fused clip, GlobalAveragePool, Flatten, MatMul.
Model make_weight_ops_model();

// Field-by-field equality; floats (weights and attributes) compared bit for bit.
void expect_models_equal(const Model& a, const Model& b);

// A .tsr file cut into its parts, read and written by the test's own code (literal
// offsets from SPEC.md, zlib's crc32), so tests can craft files the writer never makes.
struct TsrParts {
  std::uint32_t major = 1, minor = 0;
  nlohmann::json header;
  std::vector<std::byte> data;  // the data section
};
TsrParts split_tsr(const std::vector<std::byte>& file);
// Lays the parts out again with a correct header checksum and zero padding.
std::vector<std::byte> join_tsr(const TsrParts& parts);
// Same with raw header text (which need not be valid JSON).
std::vector<std::byte> join_tsr_text(std::uint32_t major, std::uint32_t minor, const std::string& header,
                                     const std::vector<std::byte>& data);

std::uint32_t zlib_crc(const void* data, std::size_t size);

}  // namespace tarsier::test
