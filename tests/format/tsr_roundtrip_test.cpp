// Writing and reading .tsr files: bit-exact round trips, fp16 storage, in-place fp32
// weights, the layout promised by SPEC.md and the file-level API.
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <tarsier/error.hpp>

#include "format/half.hpp"
#include "format/model_info_names.hpp"
#include "format/tsr.hpp"
#include "small_model.hpp"

namespace tarsier {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("tarsier-format-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::vector<std::byte> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

std::uint64_t le(const std::vector<std::byte>& f, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(f[at + i]) << (8 * i);
  return v;
}

TEST(TsrRoundTrip, ReadGivesTheSameModelAndWriteTheSameBytes) {
  const Model original = test::make_small_model();
  const std::vector<std::byte> first = write_tsr(original);
  const Model read = read_tsr(first);
  test::expect_models_equal(original, read);
  EXPECT_EQ(write_tsr(read), first);
}

TEST(TsrRoundTrip, ModelsUsingEveryOpRoundTrip) {
  for (const Model& m : {test::make_shape_ops_model(), test::make_weight_ops_model()}) {
    for (auto storage : {WeightStorage::F32, WeightStorage::F16}) {
      const auto bytes = write_tsr(m, {storage});
      const Model back = read_tsr(bytes);
      if (storage == WeightStorage::F32) test::expect_models_equal(m, back);  // constants here are exact in fp16 too
      test::expect_models_equal(back, read_tsr(write_tsr(back, {storage})));
      EXPECT_EQ(write_tsr(back, {storage}), bytes);
    }
  }
}

TEST(TsrRoundTrip, WriterIsDeterministic) {
  EXPECT_EQ(write_tsr(test::make_small_model(7)), write_tsr(test::make_small_model(7)));
  EXPECT_NE(write_tsr(test::make_small_model(7)), write_tsr(test::make_small_model(8)));
}

TEST(TsrRoundTrip, EveryWeightBitPatternSurvives) {
  // NaN payloads, signalling NaNs, subnormals and -0 in a weight tensor.
  Model m = test::make_small_model();
  std::vector<float> odd{std::bit_cast<float>(0x7f800001u), std::bit_cast<float>(0xffc12345u),
                         std::bit_cast<float>(0x00000001u), -0.0f, INFINITY, -INFINITY, 3.4028235e38f, 1.0f};
  m.graph.constants["fc.weight"] = ConstTensor::from_vector({2, 4}, odd);
  const auto bytes = write_tsr(m);
  const Model back = read_tsr(bytes);
  const auto& t = back.graph.constants.at("fc.weight");
  ASSERT_EQ(t.data.size(), odd.size());
  EXPECT_EQ(0, std::memcmp(t.data.data(), odd.data(), odd.size() * 4));
  EXPECT_EQ(write_tsr(back), bytes);
}

// The bytes follow SPEC.md, checked with literal offsets and zlib, not the reader.
TEST(TsrLayout, FileMatchesTheSpecification) {
  const Model m = test::make_small_model();
  const auto f = write_tsr(m);
  const unsigned char magic[8] = {0x89, 'T', 'S', 'R', 0x0D, 0x0A, 0x1A, 0x0A};
  ASSERT_GE(f.size(), 40u);
  EXPECT_EQ(0, std::memcmp(f.data(), magic, 8));
  EXPECT_EQ(le(f, 8, 4), 1u);
  EXPECT_EQ(le(f, 12, 4), 0u);
  const std::uint64_t header_length = le(f, 16, 8), data_offset = le(f, 24, 8);
  EXPECT_EQ(data_offset % 64, 0u);
  EXPECT_EQ(data_offset, (40 + header_length + 63) / 64 * 64);
  EXPECT_EQ(le(f, 36, 4), 0u);
  std::vector<std::byte> covered(f.begin(), f.begin() + 32);
  covered.insert(covered.end(), f.begin() + 36, f.begin() + 40 + static_cast<std::ptrdiff_t>(header_length));
  EXPECT_EQ(le(f, 32, 4), test::zlib_crc(covered.data(), covered.size()));
  for (std::uint64_t i = 40 + header_length; i < data_offset; ++i) EXPECT_EQ(f[i], std::byte{0});

  const auto parts = test::split_tsr(f);
  EXPECT_EQ(parts.header["format_version"]["major"], 1);
  EXPECT_EQ(parts.header["task"], "classification");
  EXPECT_EQ(parts.header["input"]["color"], "bgr");
  EXPECT_EQ(parts.header["graph"]["nodes"][0]["attrs"]["group"], nlohmann::json({{"int", 1}}));
  EXPECT_EQ(parts.header["graph"]["nodes"][1]["attrs"]["t_empty_floats"], nlohmann::json({{"floats", nlohmann::json::array()}}));
  EXPECT_EQ(parts.header["graph"]["nodes"][1]["attrs"]["t_floats"]["floats"][0], "inf");
  EXPECT_EQ(parts.header["graph"]["nodes"][1]["attrs"]["t_floats"]["floats"][2], "nan");
  const auto& tensors = parts.header["tensors"];
  ASSERT_EQ(tensors.size(), m.graph.constants.size());
  for (const auto& t : tensors) {
    const auto& c = m.graph.constants.at(t["name"].get<std::string>());
    const std::uint64_t offset = t["offset"], size = t["size"];
    EXPECT_EQ((data_offset + offset) % 64, 0u) << t["name"];
    EXPECT_EQ(t["dtype"], "float32");
    EXPECT_EQ(size, c.data.size() * 4);
    EXPECT_EQ(0, std::memcmp(f.data() + data_offset + offset, c.data.data(), size)) << t["name"];
    EXPECT_EQ(t["crc32"].get<std::uint32_t>(), test::zlib_crc(f.data() + data_offset + offset, size));
  }
}

TEST(TsrRoundTrip, Float16StorageKeepsHalfPrecision) {
  const Model m = test::make_small_model(3);
  const auto bytes = write_tsr(m, {WeightStorage::F16});
  EXPECT_LT(bytes.size(), write_tsr(m).size());
  TsrFileSummary summary;
  const Model back = read_tsr(bytes, &summary);
  for (const auto& t : summary.tensors) EXPECT_EQ(t.dtype, "float16");
  for (const auto& [name, t] : m.graph.constants) {
    const auto& b = back.graph.constants.at(name);
    ASSERT_EQ(b.data.size(), t.data.size());
    for (std::size_t i = 0; i < t.data.size(); ++i) {
      // Nearest half: error at most half an fp16 ulp (2^-11 relative for normals).
      const float x = t.data[i];
      EXPECT_LE(std::fabs(b.data[i] - x), std::ldexp(std::fabs(x), -11) + std::ldexp(1.0f, -25)) << name << i;
    }
  }
  // Everything but the weights round-trips exactly; fp16 files round-trip bit-exactly.
  Model expected = m;
  expected.graph.constants = back.graph.constants;
  test::expect_models_equal(expected, back);
  EXPECT_EQ(write_tsr(back, {WeightStorage::F16}), bytes);
}

TEST(TsrRoundTrip, Float16RefusesValuesOutOfRange) {
  Model m = test::make_small_model();
  m.graph.constants["fc.bias"] = ConstTensor::from_vector({2}, {1.0f, 70000.0f});
  try {
    write_tsr(m, {WeightStorage::F16});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("fc.bias"), std::string::npos) << e.what();
  }
}

TEST(TsrRoundTrip, WriterRefusesInconsistentTensors) {
  Model m = test::make_small_model();
  ConstTensor bad = m.graph.constants.at("fc.bias");
  bad.shape = {3};
  m.graph.constants["fc.bias"] = bad;
  EXPECT_THROW(write_tsr(m), Error);
}

// The address range of the file mapping named `file` in /proc/self/maps.
bool address_in_mapping_of(const void* p, const fs::path& file) {
  std::ifstream maps("/proc/self/maps");
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  const std::string want = fs::canonical(file).string();
  for (std::string line; std::getline(maps, line);) {
    std::istringstream in(line);
    std::string range, perms, offset, dev, inode, path;
    in >> range >> perms >> offset >> dev >> inode >> path;
    const auto dash = range.find('-');
    const std::uintptr_t lo = std::stoull(range.substr(0, dash), nullptr, 16);
    const std::uintptr_t hi = std::stoull(range.substr(dash + 1), nullptr, 16);
    if (addr >= lo && addr < hi) return path == want;
  }
  return false;
}

TEST(TsrFile, Float32WeightsAreUsedInPlaceFromTheMapping) {
  TempDir dir;
  const fs::path file = dir.path / "small.tsr";
  const Model m = test::make_small_model();
  save_tsr(m, file);
  std::optional<Model> loaded = load_tsr(file);
  test::expect_models_equal(m, *loaded);
  for (const auto& [name, t] : loaded->graph.constants) {
    EXPECT_TRUE(address_in_mapping_of(t.data.data(), file)) << name << " was copied out of the file";
    EXPECT_TRUE(address_in_mapping_of(t.data.data() + t.data.size() - 1, file)) << name;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data.data()) % 64, 0u) << name;
  }
  // The mapping outlives the Model's other parts as long as a tensor holds it.
  ConstTensor kept = loaded->graph.constants.at("conv.weight");
  const std::vector<float> expected(m.graph.constants.at("conv.weight").data.begin(),
                                    m.graph.constants.at("conv.weight").data.end());
  loaded.reset();
  EXPECT_TRUE(std::equal(kept.data.begin(), kept.data.end(), expected.begin(), expected.end()));
}

TEST(TsrFile, Float16WeightsAreWidenedIntoOwnedMemory) {
  TempDir dir;
  const fs::path file = dir.path / "half.tsr";
  save_tsr(test::make_small_model(), file, {WeightStorage::F16});
  const Model loaded = load_tsr(file);
  for (const auto& [name, t] : loaded.graph.constants)
    EXPECT_FALSE(address_in_mapping_of(t.data.data(), file)) << name;
}

TEST(TsrFile, SaveWritesTheSameBytesAndLeavesNoTemporary) {
  TempDir dir;
  const fs::path file = dir.path / "m.tsr";
  const Model m = test::make_small_model();
  save_tsr(m, file);
  save_tsr(m, file);  // replacing an existing file
  EXPECT_EQ(read_file(file), write_tsr(m));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}), 1);
  TsrFileSummary summary;
  load_tsr(file, &summary);
  EXPECT_EQ(summary.major, 1u);
  EXPECT_EQ(summary.file_bytes, fs::file_size(file));
  EXPECT_EQ(summary.tensors.size(), 4u);
}

TEST(TsrFile, SaveIntoAMissingDirectoryIsAnIoError) {
  TempDir dir;
  try {
    save_tsr(test::make_small_model(), dir.path / "no" / "such" / "m.tsr");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Io) << e.what();
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}), 0);
}

TEST(TsrFile, MissingFileAndDirectoryAreIoErrors) {
  TempDir dir;
  for (const fs::path& p : {dir.path / "absent.tsr", dir.path}) {
    try {
      load_tsr(p);
      FAIL() << p;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Io) << e.what();
      EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
    }
  }
}

TEST(TsrFile, ErrorsFromAFileNameTheFile) {
  TempDir dir;
  const fs::path file = dir.path / "text.tsr";
  std::ofstream(file) << "hello, this is not a model at all, just some text";
  try {
    load_tsr(file);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidModel);
    EXPECT_NE(std::string(e.what()).find("text.tsr"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a Tarsier model file"), std::string::npos) << e.what();
  }
}

TEST(TsrFile, EmptyFileIsRefused) {
  TempDir dir;
  const fs::path file = dir.path / "empty.tsr";
  std::ofstream{file};
  EXPECT_THROW(load_tsr(file), Error);
}

TEST(ModelInfoNames, EveryEnumValueRoundTripsThroughItsName) {
  for (Task t : {Task::Classification, Task::Segmentation}) EXPECT_EQ(parse_task(to_string(t)), t);
  for (ColorOrder c : {ColorOrder::RGB, ColorOrder::BGR, ColorOrder::Gray}) EXPECT_EQ(parse_color_order(to_string(c)), c);
  for (ResizeKind r : {ResizeKind::Bilinear, ResizeKind::Nearest, ResizeKind::Area})
    EXPECT_EQ(parse_resize_kind(to_string(r)), r);
  for (Layout l : {Layout::NCHW, Layout::NHWC}) EXPECT_EQ(parse_layout(to_string(l)), l);
  EXPECT_STREQ(to_string(Task::Segmentation), "segmentation");
  EXPECT_STREQ(to_string(ColorOrder::BGR), "bgr");
  EXPECT_STREQ(to_string(Layout::NHWC), "NHWC");
  EXPECT_FALSE(parse_task("Classification"));
  EXPECT_FALSE(parse_color_order(""));
  EXPECT_FALSE(parse_layout("nchw"));
}

}  // namespace
}  // namespace tarsier
