#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

#include <tarsier/error.hpp>

#include "image/npy.hpp"

namespace tarsier {
namespace {

// Builds an .npy file from a header text and raw data, like numpy.save would.
std::vector<std::uint8_t> npy_bytes(int major, const std::string& header, const void* data, std::size_t size) {
  std::vector<std::uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(major), 0};
  const std::size_t len = header.size();
  out.push_back(static_cast<std::uint8_t>(len & 0xFF));
  out.push_back(static_cast<std::uint8_t>((len >> 8) & 0xFF));
  if (major >= 2) {
    out.push_back(static_cast<std::uint8_t>((len >> 16) & 0xFF));
    out.push_back(static_cast<std::uint8_t>((len >> 24) & 0xFF));
  }
  out.insert(out.end(), header.begin(), header.end());
  const auto* p = static_cast<const std::uint8_t*>(data);
  out.insert(out.end(), p, p + size);
  return out;
}

void expect_bad(const std::vector<std::uint8_t>& bytes, const std::string& fragment) {
  try {
    parse_npy(bytes, "bad.npy");
    FAIL() << "parsing should have failed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("bad.npy"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Npy, ReadsNumpyStyleV1Float32) {
  const float values[6] = {1, -2, 3.5f, 4, 5, 6};
  const auto bytes = npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }       \n", values,
                               sizeof values);
  const NpyArray a = parse_npy(bytes, "a.npy");
  EXPECT_EQ(a.shape, (Shape{2, 3}));
  EXPECT_EQ(a.data, (std::vector<float>{1, -2, 3.5f, 4, 5, 6}));
}

TEST(Npy, ReadsV2AndV3AndFloat64) {
  const double values[3] = {0.25, -1e3, 7};
  for (int major : {2, 3}) {
    const auto bytes = npy_bytes(major, "{\"descr\":\"<f8\",\"shape\":(3,),\"fortran_order\":False}\n", values,
                                 sizeof values);
    const NpyArray a = parse_npy(bytes, "b.npy");
    EXPECT_EQ(a.shape, (Shape{3}));
    EXPECT_EQ(a.data, (std::vector<float>{0.25f, -1000.0f, 7.0f}));
  }
}

TEST(Npy, ScalarShape) {
  const float v = 42;
  const NpyArray a = parse_npy(npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }\n", &v, 4), "s");
  EXPECT_TRUE(a.shape.empty());
  EXPECT_EQ(a.data, std::vector<float>{42});
}

TEST(Npy, RoundTripThroughFile) {
  const Shape shape{1, 2, 3, 4};
  std::vector<float> data(24);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<float>(i) * 0.5f - 3.0f;
  const auto path = std::filesystem::temp_directory_path() / ("tarsier_npy_" + std::to_string(::getpid()) + ".npy");
  write_npy(path, shape, data);
  const NpyArray back = read_npy(path);
  std::filesystem::remove(path);
  EXPECT_EQ(back.shape, shape);
  EXPECT_EQ(back.data, data);
}

TEST(Npy, WrittenHeaderIsWhatNumpyExpects) {
  const Shape shape{5};
  const std::vector<float> data(5, 1.0f);
  const auto bytes = encode_npy(shape, data);
  const std::size_t header_len = bytes[8] | (bytes[9] << 8);
  EXPECT_EQ((10 + header_len) % 64, 0u);
  const std::string header(bytes.begin() + 10, bytes.begin() + 10 + static_cast<std::ptrdiff_t>(header_len));
  EXPECT_EQ(header.back(), '\n');
  EXPECT_NE(header.find("'descr': '<f4'"), std::string::npos);
  EXPECT_NE(header.find("'fortran_order': False"), std::string::npos);
  EXPECT_NE(header.find("'shape': (5,)"), std::string::npos);
  EXPECT_EQ(bytes.size(), 10 + header_len + 20);
}

TEST(Npy, EncodeRejectsMismatchedData) {
  const Shape shape{2, 2};
  const std::vector<float> data(3);
  EXPECT_THROW(encode_npy(shape, data), Error);
}

TEST(Npy, BadFilesGiveClearErrors) {
  const float four[4] = {};
  const std::string good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n";
  expect_bad({'n', 'o', 't', ' ', 'n', 'p', 'y', '!', '!', '!', '!'}, "magic");
  expect_bad(npy_bytes(9, good, four, sizeof four), "version 9");
  expect_bad(npy_bytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }\n", four, 16), ">f4");
  expect_bad(npy_bytes(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }\n", four, 16), "<i4");
  expect_bad(npy_bytes(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", four, 16), "Fortran");
  expect_bad(npy_bytes(1, good, four, 12), "needs 16 data bytes");
  std::vector<std::uint8_t> trailing = npy_bytes(1, good, four, 16);
  trailing.push_back(0);
  expect_bad(trailing, "the file has 17");
  expect_bad(npy_bytes(1, "{'descr': '<f4', 'shape': (2, 2), }\n", four, 16), "must define");
  expect_bad(npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 2), }\n", four, 16),
             "non-negative");
  expect_bad(npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'x': 1}\n", four, 16),
             "unexpected key");
  expect_bad(npy_bytes(1, "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 2), }\n", four, 16),
             "True or False");
  expect_bad(npy_bytes(1, "{'descr': '<f4, 'fortran_order': False, 'shape': (2, 2), }\n", four, 16), "header");
  expect_bad(npy_bytes(1,
                       "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000, 1000000), }\n",
                       four, 16),
             "too large");
  auto truncated = npy_bytes(1, good, four, 16);
  truncated.resize(30);
  expect_bad(truncated, "truncated");
}

TEST(Npy, MutatedFilesNeverCrash) {
  const Shape shape{2, 3};
  const std::vector<float> data(6, 1.5f);
  const auto good = encode_npy(shape, data);
  std::mt19937 rng(17);
  for (int trial = 0; trial < 2000; ++trial) {
    auto bytes = good;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) bytes[rng() % bytes.size()] = static_cast<std::uint8_t>(rng());
    if (rng() % 4 == 0) bytes.resize(rng() % bytes.size());
    try {
      const NpyArray a = parse_npy(bytes, "m.npy");
      std::size_t count = 1;
      for (const auto d : a.shape) count *= static_cast<std::size_t>(d);
      EXPECT_EQ(a.data.size(), count);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    }
  }
}

TEST(Npy, MissingFileIsAnIoError) {
  try {
    read_npy("/nonexistent/x.npy");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Io);
  }
}

}  // namespace
}  // namespace tarsier
