// The bugs the emulator exists to catch: a missing __syncthreads (in at least one block order),
// shared-memory overruns, threads that leave before a barrier or warp collective others wait
// at, and misused warp-level calls. Each comes with the passing correct version where there is
// one, so the checks can tell the two apart.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "simt/simt_test_util.hpp"
#include "simt/test_kernels.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define TARSIER_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TARSIER_TEST_ASAN 1
#endif
#endif

namespace tarsier::simt_test {
namespace {

// Runs kernel(x, y, stream) on fresh random input in each order; returns how many orders gave
// a result different from want(x).
template <class Run, class Want>
int failing_orders(int n, Run run, Want want, std::string* which) {
  std::mt19937 rng(42);
  int failures = 0;
  for (auto order : kOrders) {
    const auto x = random_floats(rng, static_cast<std::size_t>(n));
    DeviceBuffer<float> dx(x), dy(x.size(), 0.0f);
    auto stream = make_stream(order);
    run(dx.data(), dy.data(), &stream);
    if (dy.to_vector() != want(x)) {
      ++failures;
      *which += order_name(order) + " ";
    }
  }
  return failures;
}

std::vector<float> reversed_chunks(const std::vector<float>& x, int threads) {
  std::vector<float> y(x.size());
  for (std::size_t b = 0; b < x.size() / threads; ++b)
    for (int t = 0; t < threads; ++t) y[b * threads + t] = x[b * threads + threads - 1 - t];
  return y;
}

std::vector<float> rotated_chunks(const std::vector<float>& x, int threads) {
  std::vector<float> y(x.size());
  for (std::size_t c = 0; c < x.size() / threads; ++c)
    for (int t = 0; t < threads; ++t) y[c * threads + t] = x[c * threads + (t + 1) % threads];
  return y;
}

TEST(SimtPlantedBugs, MissingSyncthreadsBeforeReadingIsCaught) {
  const int blocks = 4, threads = 96;
  auto want = [&](const std::vector<float>& x) { return reversed_chunks(x, threads); };
  for (bool with_sync : {true, false}) {
    std::string which;
    const int failures = failing_orders(
        blocks * threads,
        [&](const float* x, float* y, cudaStream_t s) { reverse_chunks(x, y, blocks, threads, with_sync, s); }, want,
        &which);
    if (with_sync) {
      EXPECT_EQ(failures, 0) << "the correct kernel failed in: " << which;
    } else {
      EXPECT_GE(failures, 1) << "no block order exposed the missing __syncthreads";
      std::printf("missing __syncthreads (read after write) exposed in: %s\n", which.c_str());
    }
  }
}

TEST(SimtPlantedBugs, MissingSyncthreadsBeforeOverwritingIsCaught) {
  const int blocks = 3, threads = 64, chunks = 4;
  auto want = [&](const std::vector<float>& x) { return rotated_chunks(x, threads); };
  for (bool with_sync : {true, false}) {
    std::string which;
    const int failures = failing_orders(
        blocks * threads * chunks,
        [&](const float* x, float* y, cudaStream_t s) { rotate_rounds(x, y, blocks, threads, chunks, with_sync, s); },
        want, &which);
    if (with_sync) {
      EXPECT_EQ(failures, 0) << "the correct kernel failed in: " << which;
    } else {
      EXPECT_GE(failures, 1) << "no block order exposed the missing second __syncthreads";
      std::printf("missing __syncthreads (write after read) exposed in: %s\n", which.c_str());
    }
  }
}

TEST(SimtPlantedBugs, DynamicSharedMemoryOverrunIsCaught) {
  DeviceBuffer<float> y(64);
#if defined(TARSIER_TEST_ASAN)
  // The guard bytes are ASan-poisoned, so ASan stops the write itself.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(dynamic_shared_overrun(y.data(), 64, nullptr), "AddressSanitizer");
#else
  try {
    dynamic_shared_overrun(y.data(), 64, nullptr);
    FAIL() << "the overrun went unnoticed";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("past the end of its 256 bytes of dynamic shared memory"), std::string::npos) << msg;
    EXPECT_NE(msg.find("dynamic_shared_overrun_kernel"), std::string::npos) << msg;
  }
#endif
}

TEST(SimtPlantedBugs, StaticSharedMemoryOverrunIsCaughtByAsan) {
#if defined(TARSIER_TEST_ASAN)
  DeviceBuffer<float> y(64);
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(static_shared_overrun(y.data(), nullptr), "AddressSanitizer|out of bounds");
#else
  GTEST_SKIP() << "static __shared__ arrays are plain statics: only the ASan build guards them";
#endif
}

TEST(SimtPlantedBugs, ThreadsLeavingBeforeABarrierAreADeadlockNotAHang) {
  for (auto order : kOrders) {
    DeviceBuffer<float> y(64);
    auto stream = make_stream(order);
    try {
      early_exit_before_barrier(y.data(), 64, 16, &stream);
      FAIL() << "no deadlock reported";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("deadlock: 16 threads wait at __syncthreads but 48 threads exited without reaching it"),
                std::string::npos)
          << msg;
      EXPECT_NE(msg.find("early_exit_kernel' block (0,0,0)"), std::string::npos) << msg;
    }
  }
  // The emulator is usable again afterwards, and all threads leaving is no deadlock.
  DeviceBuffer<float> y(64);
  early_exit_before_barrier(y.data(), 64, 64, nullptr);
  EXPECT_EQ(y[63], 2.0f);
  early_exit_before_barrier(y.data(), 64, 0, nullptr);
}

TEST(SimtPlantedBugs, LaneLeavingBeforeAShuffleIsReported) {
  DeviceBuffer<int> y(32);
  try {
    lane_exit_before_shuffle(y.data(), 5, nullptr);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lane 5 exited without reaching it"), std::string::npos) << e.what();
  }
}

TEST(SimtPlantedBugs, WarpMisuseIsReported) {
  DeviceBuffer<int> y(32);
  try {
    mismatched_masks(y.data(), nullptr);
    FAIL() << "mismatched masks accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("with mask 0x"), std::string::npos) << e.what();
  }
  try {
    shuffle_from_outside_mask(y.data(), nullptr);
    FAIL() << "reading a lane outside the mask accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("reads lane 16, which is not in mask 0x0000ffff"), std::string::npos)
        << e.what();
  }
}

TEST(SimtPlantedBugs, WmmaMisuseIsReported) {
  DeviceBuffer<__half> a(512, __float2half(1.0f));
  DeviceBuffer<float> c(32);
  wmma_load(a.data(), c.data(), 16, 32, nullptr);  // 32 bytes in: aligned
  EXPECT_EQ(c[0], 1.0f);
  try {
    wmma_load(a.data(), c.data(), 8, 32, nullptr);
    FAIL() << "misaligned pointer accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is not 256-bit aligned"), std::string::npos) << e.what();
  }
  try {
    wmma_load(a.data(), c.data(), 0, 16, nullptr);
    FAIL() << "a 16-lane warp accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs a full warp"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tarsier::simt_test
