// Damaged and hostile .tsr files: every one must end in tarsier::Error(InvalidModel)
// naming the problem, never a crash, a hang, a huge allocation or another exception.
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <tarsier/error.hpp>

#include "format/tsr.hpp"
#include "small_model.hpp"

namespace tarsier {
namespace {

using nlohmann::json;

// Empty when the bytes load; else the message. Fails the test on any non-Error exception.
std::string load_error(const std::vector<std::byte>& bytes) {
  try {
    read_tsr(bytes);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidModel) << e.what();
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "non-tarsier exception: " << e.what();
    return "other exception";
  }
  return "";
}

void expect_refused(const std::vector<std::byte>& bytes, const std::string& expected_part) {
  const std::string message = load_error(bytes);
  EXPECT_NE(message.find(expected_part), std::string::npos)
      << "message: '" << message << "' should contain '" << expected_part << "'";
}

class TsrRobustness : public ::testing::Test {
 protected:
  const Model model = test::make_small_model();
  const std::vector<std::byte> file = write_tsr(model);
  test::TsrParts parts = test::split_tsr(file);

  json& tensor(const std::string& name) {
    for (json& t : parts.header["tensors"])
      if (t["name"] == name) return t;
    throw std::runtime_error("no tensor " + name);
  }
  json& node(std::size_t i) { return parts.header["graph"]["nodes"][i]; }
  std::vector<std::byte> joined() const { return test::join_tsr(parts); }
};

TEST_F(TsrRobustness, TheUnmodifiedFileLoads) { EXPECT_EQ(load_error(joined()), ""); }

TEST_F(TsrRobustness, EveryTruncationIsRefused) {
  for (std::size_t n = 0; n < file.size(); ++n) {
    const std::string message = load_error({file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n)});
    ASSERT_FALSE(message.empty()) << "a file cut to " << n << " of " << file.size() << " bytes loaded";
  }
  expect_refused({file.begin(), file.begin() + 20}, "shorter than the 40-byte preamble");
  expect_refused({file.begin(), file.end() - 1}, "lies outside the data section");
}

// The header checksum covers preamble and header, tensor checksums the data and
// padding must be zero, so no single flipped bit anywhere can go unnoticed. Every bit
// of the preamble and of every 5th byte is tried, one bit of every other byte (all
// bits everywhere is 8x slower under sanitizers and found nothing more).
TEST_F(TsrRobustness, SingleBitFlipsAreRefused) {
  std::vector<std::byte> damaged = file;
  int tried = 0;
  for (std::size_t i = 0; i < file.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      if (i >= 40 && i % 5 != 0 && bit != static_cast<int>(i * 3 % 8)) continue;
      damaged[i] = file[i] ^ static_cast<std::byte>(1 << bit);
      const std::string message = load_error(damaged);
      ASSERT_FALSE(message.empty()) << "flipping bit " << bit << " of byte " << i << " went unnoticed";
      ++tried;
    }
    damaged[i] = file[i];
  }
  EXPECT_GT(tried, static_cast<int>(file.size() * 2));
}

TEST_F(TsrRobustness, DamageIsNamed) {
  auto damaged = file;
  damaged[0] = std::byte{'X'};
  expect_refused(damaged, "not a Tarsier model file");

  damaged = file;
  damaged[200] ^= std::byte{0x10};  // inside the JSON header
  expect_refused(damaged, "header checksum mismatch");

  damaged = file;
  const std::size_t data_offset = file.size() - parts.data.size();
  const std::uint64_t conv_offset = tensor("conv.weight")["offset"];
  damaged[data_offset + conv_offset + 5] ^= std::byte{0x01};
  const std::string message = load_error(damaged);
  EXPECT_NE(message.find("tensor 'conv.weight' checksum mismatch"), std::string::npos) << message;
  EXPECT_NE(message.find("file is damaged"), std::string::npos) << message;
}

TEST_F(TsrRobustness, RandomBytesAreRefused) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::byte> junk(std::uniform_int_distribution<std::size_t>(0, 3000)(rng));
    for (auto& b : junk) b = static_cast<std::byte>(byte(rng));
    // Keep a valid magic and version in some rounds so the checks behind them run too.
    if (round % 2 && junk.size() >= 16) std::copy(file.begin(), file.begin() + 16, junk.begin());
    ASSERT_FALSE(load_error(junk).empty()) << "round " << round;
  }
}

// Random edits of the header text with a fixed-up checksum reach the JSON parser and
// the decoder. Some edits leave a valid model (a changed label, say): that is fine.
TEST_F(TsrRobustness, RandomHeaderEditsNeverCrash) {
  const std::string text = parts.header.dump();
  std::mt19937 rng(7);
  const std::string alphabet = "{}[]\":,0123456789-+.eE \\abcdefnrtu\x80\xff";
  int refused = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string edited = text;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % edited.size();
      switch (rng() % 3) {
        case 0: edited[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: edited.erase(at, 1 + rng() % 8); break;
        default: edited.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
    }
    refused += !load_error(test::join_tsr_text(1, 0, edited, parts.data)).empty();
  }
  EXPECT_GT(refused, 2000);
}

TEST_F(TsrRobustness, PreambleNumbersOutOfBounds) {
  auto damaged = file;
  auto put_u64 = [&](std::size_t at, std::uint64_t v) {
    damaged = file;
    for (int i = 0; i < 8; ++i) damaged[at + i] = static_cast<std::byte>(v >> (8 * i));
  };
  put_u64(16, std::uint64_t{1} << 63);
  expect_refused(damaged, "header length 9223372036854775808 runs past the end");
  put_u64(16, ~std::uint64_t{0});
  expect_refused(damaged, "runs past the end");
  put_u64(24, std::uint64_t{1} << 62);
  expect_refused(damaged, "is past the end of the file");
  put_u64(24, 64 * 3 + 1);
  expect_refused(damaged, "not a multiple of 64");
  put_u64(24, 64);
  expect_refused(damaged, "lies inside the header");
}

TEST_F(TsrRobustness, OversizedShapes) {
  tensor("fc.bias")["shape"] = {std::int64_t{1} << 40, std::int64_t{1} << 40};
  expect_refused(joined(), "too many elements");
}

TEST_F(TsrRobustness, ShapeThatFitsTheLimitButNotTheFile) {
  tensor("fc.bias")["shape"] = {std::int64_t{1} << 24, std::int64_t{1} << 24};
  tensor("fc.bias")["size"] = std::uint64_t{1} << 50;
  expect_refused(joined(), "lies outside the data section");
}

TEST_F(TsrRobustness, NegativeDimensions) {
  tensor("fc.bias")["shape"] = {-2, -1};
  expect_refused(joined(), "negative dimension");
  parts = test::split_tsr(file);
  parts.header["graph"]["shapes"]["flat"] = {1, -4};
  expect_refused(joined(), "negative dimension");
  parts = test::split_tsr(file);
  parts.header["input"]["shape"] = {1, 3, -8, 8};
  expect_refused(joined(), "negative dimension");
}

TEST_F(TsrRobustness, OffsetsPastTheEnd) {
  tensor("fc.bias")["offset"] = std::uint64_t{1} << 40;
  expect_refused(joined(), "tensor 'fc.bias' (bytes 1099511627776 + 8) lies outside the data section");
  tensor("fc.bias")["offset"] = ~std::uint64_t{63};  // offset + size wraps around 2^64
  expect_refused(joined(), "lies outside the data section");
}

TEST_F(TsrRobustness, TensorTableInconsistencies) {
  tensor("conv.bias")["size"] = 20;
  expect_refused(joined(), "tensor 'conv.bias' has size 20 bytes but shape [4] of float32 needs 16");

  parts = test::split_tsr(file);
  tensor("conv.bias")["offset"] = tensor("conv.bias")["offset"].get<std::uint64_t>() + 4;
  expect_refused(joined(), "not a multiple of 64");

  parts = test::split_tsr(file);
  tensor("conv.bias")["offset"] = tensor("conv.weight")["offset"];
  tensor("conv.bias")["crc32"] = tensor("conv.weight")["crc32"];
  expect_refused(joined(), "overlaps another tensor");

  parts = test::split_tsr(file);
  parts.header["tensors"].push_back(tensor("fc.bias"));
  expect_refused(joined(), "tensor 'fc.bias' is listed twice");

  parts = test::split_tsr(file);
  tensor("fc.bias")["dtype"] = "int8";
  expect_refused(joined(), "unsupported dtype 'int8'");

  parts = test::split_tsr(file);
  tensor("fc.bias")["crc32"] = std::uint64_t{1} << 33;
  expect_refused(joined(), "larger than 32 bits");

  parts = test::split_tsr(file);
  tensor("fc.bias")["offset"] = -64;
  expect_refused(joined(), "tensors[");
}

TEST_F(TsrRobustness, MissingAndMistypedKeys) {
  parts.header.erase("graph");
  expect_refused(joined(), "lacks key 'graph'");

  parts = test::split_tsr(file);
  parts.header["input"].erase("mean");
  expect_refused(joined(), "lacks key 'input.mean'");

  parts = test::split_tsr(file);
  parts.header["threshold"] = "high";
  expect_refused(joined(), "'threshold' should be a number");

  parts = test::split_tsr(file);
  parts.header["threshold"] = 1e300;
  expect_refused(joined(), "out of float range");

  parts = test::split_tsr(file);
  parts.header["labels"] = 3;
  expect_refused(joined(), "'labels' should be a list");

  parts = test::split_tsr(file);
  parts.header["task"] = "detection";
  expect_refused(joined(), "expected one of classification, segmentation");

  parts = test::split_tsr(file);
  parts.header["provenance"]["opset"] = ~std::uint64_t{0};
  expect_refused(joined(), "'provenance.opset' is too large");

  parts = test::split_tsr(file);
  node(0)["inputs"][0] = 5;
  expect_refused(joined(), "graph.nodes[0].inputs[0]' should be a string");

  parts = test::split_tsr(file);
  parts.header = json::array();
  expect_refused(joined(), "should be an object");
}

TEST_F(TsrRobustness, TypedAttributesAreChecked) {
  node(0)["attrs"]["group"] = {{"integer", 1}};
  expect_refused(joined(), "unknown type 'integer'");

  parts = test::split_tsr(file);
  node(0)["attrs"]["group"] = {{"int", 1}, {"float", 1.0}};
  expect_refused(joined(), "exactly one of");

  parts = test::split_tsr(file);
  node(0)["attrs"]["group"] = {{"int", 1.5}};
  expect_refused(joined(), "should be an integer");

  parts = test::split_tsr(file);
  node(0)["attrs"]["kernel_shape"] = {{"floats", {3.0, 3.0}}};
  expect_refused(joined(), "kernel_shape");
}

TEST_F(TsrRobustness, BrokenJson) {
  expect_refused(test::join_tsr_text(1, 0, "{\"name\": ", parts.data), "not valid JSON");
  expect_refused(test::join_tsr_text(1, 0, "{\"name\": \"\xff\xfe\"}", parts.data), "not valid JSON");
  expect_refused(test::join_tsr_text(1, 0, std::string(100000, '[') + std::string(100000, ']'), parts.data),
                 "nests deeper");
  expect_refused(test::join_tsr_text(1, 0, "", parts.data), "not valid JSON");
}

TEST_F(TsrRobustness, GraphProblemsAreFoundByValidation) {
  node(1)["op"] = "Frobnicate";
  expect_refused(joined(), "node 'relu' has unknown op type 'Frobnicate'");

  parts = test::split_tsr(file);
  node(0)["inputs"][0] = "nowhere";
  expect_refused(joined(), "nowhere");

  parts = test::split_tsr(file);
  node(0)["inputs"][0] = "relu_out";  // conv reads relu, relu reads conv
  expect_refused(joined(), "cycle");

  parts = test::split_tsr(file);
  node(1)["inputs"].push_back("conv_out");
  expect_refused(joined(), "relu");

  parts = test::split_tsr(file);
  parts.header["graph"]["shapes"]["conv_out"] = {1, 4, 9, 9};
  expect_refused(joined(), "conv_out");

  parts = test::split_tsr(file);
  auto& tensors = parts.header["tensors"];
  for (std::size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i]["name"] == "fc.bias") tensors.erase(i);
  expect_refused(joined(), "fc.bias");
}

// Extreme attribute values must be refused by shape inference without signed overflow
// (undefined behaviour: under -fsanitize=undefined it aborts the process).
TEST(TsrHostileAttributes, ExtremeWindowAttributesAreRefused) {
  constexpr std::int64_t kBig = std::numeric_limits<std::int64_t>::max();
  struct Case {
    Model (*model)();
    const char* node;
    const char* key;
    json value;
  };
  const Case cases[] = {
      {test::make_shape_ops_model, "pad", "pads", {{"ints", {0, 0, kBig, 0, 0, 0, kBig, 0}}}},
      {test::make_shape_ops_model, "maxpool", "dilations", {{"ints", {kBig, 1}}}},
      {test::make_shape_ops_model, "maxpool", "kernel_shape", {{"ints", {kBig, 2}}}},
      {test::make_shape_ops_model, "maxpool", "pads", {{"ints", {kBig, 0, kBig, 0}}}},
      {test::make_shape_ops_model, "maxpool", "strides", {{"ints", {0, 0}}}},
      {test::make_shape_ops_model, "resize", "sizes", {{"ints", {1, 8, std::int64_t{1} << 48, std::int64_t{1} << 48}}}},
      {test::make_shape_ops_model, "concat", "axis", {{"int", std::numeric_limits<std::int64_t>::min()}}},
      {test::make_shape_ops_model, "transpose", "perm", {{"ints", {0, 2, 3, std::numeric_limits<std::int64_t>::min()}}}},
      {test::make_shape_ops_model, "reshape", "shape", {{"ints", {std::int64_t{1} << 32, std::int64_t{1} << 32}}}},
      {test::make_weight_ops_model, "up", "strides", {{"ints", {kBig, 1}}}},
      {test::make_weight_ops_model, "up", "pads", {{"ints", {kBig, 0, kBig, 0}}}},
      {test::make_weight_ops_model, "up", "dilations", {{"ints", {kBig, 1}}}},
      {test::make_weight_ops_model, "up", "output_padding", {{"ints", {kBig, 0}}}},
      {test::make_weight_ops_model, "up", "group", {{"int", kBig}}},
      {test::make_weight_ops_model, "dw", "dilations", {{"ints", {kBig, 1}}}},
      {test::make_weight_ops_model, "dw", "pads", {{"ints", {kBig, 0, kBig, 0}}}},
      {test::make_weight_ops_model, "dw", "strides", {{"ints", {kBig, 1}}}},
      {test::make_weight_ops_model, "dw", "group", {{"int", kBig}}},
  };
  for (const Case& c : cases) {
    auto parts = test::split_tsr(write_tsr(c.model()));
    for (json& n : parts.header["graph"]["nodes"])
      if (n["name"] == c.node) n["attrs"][c.key] = c.value;
    SCOPED_TRACE(std::string(c.node) + "." + c.key);
    EXPECT_FALSE(load_error(test::join_tsr(parts)).empty());
  }
}

TEST_F(TsrRobustness, ModelInfoMustMatchTheGraph) {
  parts.header["input"]["name"] = "camera";
  expect_refused(joined(), "input spec names 'camera'");
  parts = test::split_tsr(file);
  parts.header["outputs"][0]["shape"] = {1, 3};
  expect_refused(joined(), "output spec shape [1x3]");
}

}  // namespace
}  // namespace tarsier
