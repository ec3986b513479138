#include <tarsier/tarsier.h>

#include <cstring>
#include <fstream>

#include "runtime/session_fixture.hpp"
#include "runtime/test_graphs.hpp"

namespace tarsier::test {
namespace {

struct SessionHandle {
  tsr_session* s = nullptr;
  ~SessionHandle() { tsr_session_destroy(s); }
};

TEST(CApi, RoundTripMatchesTheCppSession) {
  TempDir dir;
  const Graph g = residual_graph();
  const auto path = save_graph(dir, g, "residual");

  tsr_options opt;
  tsr_options_init(&opt);
  SessionHandle h;
  tsr_error err;
  ASSERT_EQ(tsr_session_create(path.c_str(), &opt, &h.s, &err), TSR_OK) << err.message;
  EXPECT_EQ(err.status, TSR_OK);
  ASSERT_EQ(tsr_session_input_count(h.s), 1u);
  ASSERT_EQ(tsr_session_output_count(h.s), 1u);
  EXPECT_STREQ(tsr_session_input_name(h.s, 0), "image");
  size_t rank = 0;
  const int64_t* dims = tsr_session_input_shape(h.s, 0, &rank);
  ASSERT_EQ(rank, 4u);
  EXPECT_EQ(Shape(dims, dims + rank), (Shape{1, 3, 16, 16}));
  dims = tsr_session_output_shape(h.s, 0, &rank);
  ASSERT_EQ(rank, 2u);
  EXPECT_EQ(Shape(dims, dims + rank), (Shape{1, 2}));
  EXPECT_EQ(tsr_session_input_shape(h.s, 5, &rank), nullptr);
  EXPECT_EQ(rank, 0u);

  EXPECT_STREQ(tsr_session_model_name(h.s), "residual");
  EXPECT_EQ(tsr_session_task(h.s), TSR_TASK_CLASSIFICATION);
  ASSERT_EQ(tsr_session_label_count(h.s), 2u);
  EXPECT_STREQ(tsr_session_label(h.s, 1), "anomaly");
  EXPECT_EQ(tsr_session_label(h.s, 2), nullptr);
  EXPECT_FLOAT_EQ(tsr_session_threshold(h.s), 0.5f);
  EXPECT_GT(tsr_session_arena_bytes(h.s), 0u);

  const Values inputs = random_inputs(g, 5);
  const auto& x = inputs.at("image");
  ASSERT_EQ(tsr_session_set_input(h.s, 0, x.data(), x.size(), &err), TSR_OK) << err.message;
  ASSERT_EQ(tsr_session_run(h.s, &err), TSR_OK) << err.message;
  size_t count = 0;
  const float* out = tsr_session_output_data(h.s, 0, &count);
  ASSERT_NE(out, nullptr);
  const auto want = evaluate_naive(g, inputs).at(g.outputs[0]);
  ASSERT_EQ(count, want.size());
  EXPECT_LE(relative_error({out, count}, want), 1e-5);

  // Writing through the input pointer works the same as set_input.
  size_t in_count = 0;
  float* in = tsr_session_input_data(h.s, 0, &in_count);
  ASSERT_EQ(in_count, x.size());
  std::copy(x.begin(), x.end(), in);
  ASSERT_EQ(tsr_session_run(h.s, nullptr), TSR_OK);  // a NULL error struct is allowed
  EXPECT_LE(relative_error({tsr_session_output_data(h.s, 0, &count), count}, want), 1e-5);
}

TEST(CApi, WrongInputSizeIsAnInvalidArgument) {
  TempDir dir;
  const auto path = save_graph(dir, conv_relu_graph(), "m");
  SessionHandle h;
  tsr_error err;
  ASSERT_EQ(tsr_session_create(path.c_str(), nullptr, &h.s, &err), TSR_OK) << err.message;
  const std::vector<float> small(7, 1.0f);
  EXPECT_EQ(tsr_session_set_input(h.s, 0, small.data(), small.size(), &err), TSR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(err.status, TSR_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err.message).find("192"), std::string::npos) << err.message;
  EXPECT_EQ(tsr_session_set_input(h.s, 3, small.data(), small.size(), &err), TSR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tsr_session_input_data(h.s, 3, nullptr), nullptr);
  EXPECT_EQ(tsr_session_output_data(h.s, 3, nullptr), nullptr);
  EXPECT_EQ(tsr_session_run(nullptr, &err), TSR_ERR_INVALID_ARGUMENT);
}

TEST(CApi, MissingFileGivesIoErrorAndMessage) {
  tsr_session* s = reinterpret_cast<tsr_session*>(&s);  // must be reset to NULL
  tsr_error err;
  EXPECT_EQ(tsr_session_create("/nonexistent/dir/model.tsr", nullptr, &s, &err), TSR_ERR_IO);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(err.status, TSR_ERR_IO);
  EXPECT_NE(std::string(err.message).find("/nonexistent/dir/model.tsr"), std::string::npos) << err.message;
  EXPECT_STREQ(tsr_status_string(TSR_ERR_IO), "i/o error");
}

TEST(CApi, DamagedFilesGiveInvalidModel) {
  TempDir dir;
  const auto good = save_graph(dir, conv_relu_graph(), "m");
  std::vector<char> bytes;
  {
    std::ifstream f(good, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  ASSERT_GT(bytes.size(), 256u);
  const auto write = [&](const std::string& name, std::vector<char> content) {
    const auto p = dir.path(name);
    std::ofstream(p, std::ios::binary).write(content.data(), static_cast<std::streamsize>(content.size()));
    return p;
  };
  std::vector<char> flipped = bytes;
  flipped[bytes.size() - 5] ^= 0x40;  // inside the weights: a checksum mismatch
  std::vector<char> garbage(300, 'x');
  for (const auto& path : {write("truncated.tsr", {bytes.begin(), bytes.begin() + bytes.size() / 2}),
                           write("flipped.tsr", flipped), write("garbage.tsr", garbage)}) {
    SCOPED_TRACE(path.filename().string());
    SessionHandle h;
    tsr_error err;
    EXPECT_EQ(tsr_session_create(path.c_str(), nullptr, &h.s, &err), TSR_ERR_INVALID_MODEL);
    EXPECT_EQ(h.s, nullptr);
    EXPECT_GT(std::strlen(err.message), 10u);
    EXPECT_NE(std::string(err.message).find(path.filename().string()), std::string::npos) << err.message;
  }
}

TEST(CApi, BadOptionsAreInvalidArguments) {
  TempDir dir;
  const auto path = save_graph(dir, conv_relu_graph(), "m");
  tsr_options opt;
  tsr_options_init(&opt);
  opt.backend = "quantum";
  SessionHandle h;
  tsr_error err;
  EXPECT_EQ(tsr_session_create(path.c_str(), &opt, &h.s, &err), TSR_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err.message).find("quantum"), std::string::npos) << err.message;
  tsr_options_init(&opt);
  opt.threads = 0;
  EXPECT_EQ(tsr_session_create(path.c_str(), &opt, &h.s, &err), TSR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tsr_session_create(nullptr, &opt, &h.s, &err), TSR_ERR_INVALID_ARGUMENT);
}

TEST(CApi, LongMessagesAreTruncatedSafely) {
  const std::string long_name = "/nonexistent/" + std::string(900, 'a') + ".tsr";
  tsr_session* s = nullptr;
  tsr_error err;
  EXPECT_EQ(tsr_session_create(long_name.c_str(), nullptr, &s, &err), TSR_ERR_IO);
  EXPECT_EQ(std::strlen(err.message), sizeof(err.message) - 1);
}

}  // namespace
}  // namespace tarsier::test
