#pragma once
// The JSON header of a .tsr file <-> ModelInfo, graph structure and tensor table
// (SPEC.md, "Header"). Decoding checks every key's presence and type and throws
// Error(InvalidModel) naming the key path, e.g. "graph.nodes[3].attrs.pads".
#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "format/tsr.hpp"

namespace tarsier::tsr {

nlohmann::json encode_header(const Model& model, const std::vector<TsrTensorRecord>& tensors);

struct DecodedHeader {
  std::uint32_t major = 0, minor = 0;
  ModelInfo info;
  Graph graph;  // without constants: their bytes are in the data section
  std::vector<TsrTensorRecord> tensors;
};

// Parses (with a nesting limit) and decodes the header text.
DecodedHeader decode_header(std::string_view text);

// Doubles in JSON: finite values as numbers (shortest round-trip form), the others as
// the strings "inf", "-inf" and "nan".
nlohmann::json encode_number(double value);

}  // namespace tarsier::tsr
