// Versioning rules of SPEC.md: newer major refused with a clear message, newer minor
// accepted with unknown keys ignored, padding rules relaxed for newer minors only.
#include <gtest/gtest.h>

#include <tarsier/error.hpp>

#include "format/tsr.hpp"
#include "small_model.hpp"

namespace tarsier {
namespace {

std::string error_of(const std::vector<std::byte>& bytes) {
  try {
    read_tsr(bytes);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidModel) << e.what();
    return e.what();
  }
  return "";
}

TEST(TsrVersion, NewerMajorIsRefusedWithAnUpgradeMessage) {
  auto parts = test::split_tsr(write_tsr(test::make_small_model()));
  parts.major = 2;
  parts.header["format_version"]["major"] = 2;
  parts.header["something_new"] = {{"a", 1}};
  EXPECT_EQ(error_of(test::join_tsr(parts)),
            "model file format 2.0 is newer than this tarsier supports (1.x); upgrade tarsier");
}

TEST(TsrVersion, NewerMajorIsRefusedWhateverFollowsThePreamble) {
  // A 2.x file may lay out everything after the version differently.
  auto bytes = write_tsr(test::make_small_model());
  bytes[8] = std::byte{7};
  bytes.resize(40);
  EXPECT_NE(error_of(bytes).find("model file format 7.0 is newer"), std::string::npos);
}

TEST(TsrVersion, MajorZeroIsRefused) {
  auto parts = test::split_tsr(write_tsr(test::make_small_model()));
  parts.major = 0;
  parts.header["format_version"]["major"] = 0;
  EXPECT_NE(error_of(test::join_tsr(parts)).find("format 0.0 is not supported"), std::string::npos);
}

TEST(TsrVersion, NewerMinorIsAcceptedAndUnknownKeysIgnored) {
  const Model m = test::make_small_model();
  auto parts = test::split_tsr(write_tsr(m));
  parts.minor = 3;
  parts.header["format_version"]["minor"] = 3;
  parts.header["quantization"] = {{"scheme", "int8"}, {"scales", {0.5, 0.25}}};
  parts.header["input"]["crop"] = "center";
  parts.header["graph"]["nodes"][0]["device_hint"] = "gpu";
  parts.header["tensors"][0]["compression"] = nullptr;
  parts.header["provenance"]["signed_by"] = "someone";
  // A newer minor may keep bytes of its own in the data section's gaps.
  parts.data.push_back(std::byte{0x5a});
  TsrFileSummary summary;
  const Model back = read_tsr(test::join_tsr(parts), &summary);
  EXPECT_EQ(summary.minor, 3u);
  test::expect_models_equal(m, back);
}

TEST(TsrVersion, SameMinorRequiresZeroPadding) {
  auto parts = test::split_tsr(write_tsr(test::make_small_model()));
  parts.data.push_back(std::byte{0x5a});
  EXPECT_NE(error_of(test::join_tsr(parts)).find("padding"), std::string::npos);
  parts.data.back() = std::byte{0};
  EXPECT_NO_THROW(read_tsr(test::join_tsr(parts)));  // trailing zero padding is fine
}

TEST(TsrVersion, HeaderVersionMustAgreeWithThePreamble) {
  auto parts = test::split_tsr(write_tsr(test::make_small_model()));
  parts.header["format_version"]["minor"] = 1;
  EXPECT_NE(error_of(test::join_tsr(parts)).find("disagrees"), std::string::npos);
}

}  // namespace
}  // namespace tarsier
