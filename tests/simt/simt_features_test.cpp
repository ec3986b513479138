// Each emulator feature against a plain CPU computation, over random sizes, in all three block
// orders.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>

#include "simt/simt_test_util.hpp"
#include "simt/test_kernels.hpp"

namespace tarsier::simt_test {
namespace {

struct Ranks {
  std::vector<int> blocks, threads;
};

Ranks run_order(cudaStream_t stream, int blocks, int threads) {
  DeviceBuffer<int> block_counter(1, 0), thread_counters(blocks, 0), block_rank(blocks, -1),
      thread_rank(static_cast<std::size_t>(blocks * threads), -1);
  execution_order(block_counter.data(), thread_counters.data(), block_rank.data(), thread_rank.data(), blocks, threads,
                  stream);
  return {block_rank.to_vector(), thread_rank.to_vector()};
}

TEST(SimtFeatures, BlocksAndThreadsRunInTheStreamsOrder) {
  const int blocks = 16, threads = 64;
  std::vector<int> iota_b(blocks), iota_t(threads);
  std::iota(iota_b.begin(), iota_b.end(), 0);
  std::iota(iota_t.begin(), iota_t.end(), 0);
  auto forward = make_stream(simt::BlockOrder::Forward), reverse = make_stream(simt::BlockOrder::Reverse);
  const Ranks f = run_order(&forward, blocks, threads), r = run_order(&reverse, blocks, threads);
  for (int b = 0; b < blocks; ++b) {
    EXPECT_EQ(f.blocks[b], b);
    EXPECT_EQ(r.blocks[b], blocks - 1 - b);
    for (int t = 0; t < threads; ++t) {
      EXPECT_EQ(f.threads[b * threads + t], t);
      EXPECT_EQ(r.threads[b * threads + t], threads - 1 - t);
    }
  }
  auto random = make_stream(simt::BlockOrder::Random, 7), same_seed = make_stream(simt::BlockOrder::Random, 7);
  const Ranks a = run_order(&random, blocks, threads), b = run_order(&random, blocks, threads);
  const Ranks a_again = run_order(&same_seed, blocks, threads);
  EXPECT_EQ(a.blocks, a_again.blocks) << "a seed reproduces its order";
  EXPECT_EQ(a.threads, a_again.threads);
  EXPECT_NE(a.blocks, b.blocks) << "consecutive launches draw new orders";
  for (const Ranks* x : {&a, &b}) {
    std::vector<int> sorted = x->blocks;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, iota_b);
    EXPECT_NE(x->blocks, f.blocks);
    EXPECT_NE(x->blocks, r.blocks);
    std::vector<int> first_block(x->threads.begin(), x->threads.begin() + threads);
    EXPECT_NE(first_block, iota_t);
    std::sort(first_block.begin(), first_block.end());
    EXPECT_EQ(first_block, iota_t);
  }
}

TEST(SimtFeatures, ThreadAndBlockIndicesCoverTheGridOnce) {
  std::mt19937 rng(1);
  for (auto order : kOrders) {
    for (int trial = 0; trial < 4; ++trial) {
      SCOPED_TRACE(order_name(order) + " trial " + std::to_string(trial));
      const dim3 block(1 + rng() % 9, 1 + rng() % 5, 1 + rng() % 3);
      const dim3 grid(1 + rng() % 4, 1 + rng() % 3, 1 + rng() % 2);
      const std::size_t threads = std::size_t{block.x} * block.y * block.z * grid.x * grid.y * grid.z;
      DeviceBuffer<unsigned> out(6 * threads, 0xdeadu);
      DeviceBuffer<int> ok(threads, 0);
      auto stream = make_stream(order, trial);
      thread_indices(grid, block, out.data(), ok.data(), &stream);
      std::size_t g = 0;
      for (unsigned bz = 0; bz < grid.z; ++bz)
        for (unsigned by = 0; by < grid.y; ++by)
          for (unsigned bx = 0; bx < grid.x; ++bx)
            for (unsigned tz = 0; tz < block.z; ++tz)
              for (unsigned ty = 0; ty < block.y; ++ty)
                for (unsigned tx = 0; tx < block.x; ++tx, ++g) {
                  const unsigned want[6] = {tx, ty, tz, bx, by, bz};
                  for (int k = 0; k < 6; ++k) ASSERT_EQ(out[6 * g + k], want[k]) << "thread " << g << " field " << k;
                  ASSERT_EQ(ok[g], 1) << "thread " << g;
                }
    }
  }
}

// What CUDA defines each shuffle to return for a lane (sources are in the mask here).
int expected_shuffle(int op, const std::vector<int>& in, std::size_t warp_base, int lane, int arg, int width) {
  const int base = lane / width * width;
  int src = lane;
  switch (op) {
    case 0:
      src = base + ((arg % width) + width) % width;
      break;
    case 1:
      src = lane - base >= arg ? lane - arg : lane;
      break;
    case 2:
      src = lane - base + arg < width ? lane + arg : lane;
      break;
    default:
      src = (lane ^ arg) / width > lane / width ? lane : (lane ^ arg);
      break;
  }
  return in[warp_base + static_cast<std::size_t>(src)];
}

TEST(SimtFeatures, ShufflesMatchCudaSemanticsWithFullAndPartialMasks) {
  std::mt19937 rng(2);
  const int widths[] = {1, 2, 4, 8, 16, 32};
  for (auto order : kOrders) {
    for (int trial = 0; trial < 24; ++trial) {
      const int op = trial % 4;
      const int width = widths[rng() % 6];
      // Masks made of whole width-groups keep every source lane inside the mask.
      unsigned mask = 0;
      while (mask == 0)
        for (int g = 0; g < 32 / width; ++g)
          if (trial % 3 == 0 || rng() % 2) mask |= (width == 32 ? 0xffffffffu : ((1u << width) - 1)) << (g * width);
      const int arg = op == 0 ? static_cast<int>(rng() % 64) - 16 : static_cast<int>(rng() % width);
      const int blocks = 1 + static_cast<int>(rng() % 3), threads = 32 * (1 + static_cast<int>(rng() % 3));
      SCOPED_TRACE(order_name(order) + " op " + std::to_string(op) + " width " + std::to_string(width) + " arg " +
                   std::to_string(arg) + " mask " + std::to_string(mask));
      std::vector<int> in(static_cast<std::size_t>(blocks * threads));
      for (auto& v : in) v = static_cast<int>(rng() % 100000);
      DeviceBuffer<int> din(in), out(in.size(), 0);
      auto stream = make_stream(order, trial);
      shuffle(op, din.data(), out.data(), mask, arg, width, blocks, threads, &stream);
      for (std::size_t g = 0; g < in.size(); ++g) {
        const int lane = static_cast<int>(g % 32);
        const int want = ((mask >> lane) & 1u) ? expected_shuffle(op, in, g - lane, lane, arg, width) : -7;
        ASSERT_EQ(out[g], want) << "thread " << g;
      }
    }
  }
}

TEST(SimtFeatures, VotesWithRandomMasks) {
  std::mt19937 rng(3);
  for (auto order : kOrders) {
    for (int trial = 0; trial < 16; ++trial) {
      unsigned mask = trial == 0 ? 0xffffffffu : static_cast<unsigned>(rng());
      if (mask == 0) mask = 1;
      const int blocks = 2, threads = 64;
      std::vector<int> pred(blocks * threads);
      const int density = trial % 4;  // 0: all false ... 3: all true, else mixed
      for (auto& p : pred) p = density == 0 ? 0 : density == 3 ? 7 : static_cast<int>(rng() % 2);
      DeviceBuffer<int> dpred(pred);
      DeviceBuffer<unsigned> out(3 * pred.size(), 99u);
      auto stream = make_stream(order, trial);
      votes(dpred.data(), out.data(), mask, blocks, threads, &stream);
      for (std::size_t base = 0; base < pred.size(); base += 32) {
        unsigned ballot = 0;
        for (int l = 0; l < 32; ++l)
          if (((mask >> l) & 1u) && pred[base + l]) ballot |= 1u << l;
        for (int l = 0; l < 32; ++l) {
          const std::size_t g = base + l;
          if (((mask >> l) & 1u) == 0) {
            ASSERT_EQ(out[3 * g], 99u);
            continue;
          }
          ASSERT_EQ(out[3 * g + 0], ballot == mask ? 1u : 0u) << "all, thread " << g;
          ASSERT_EQ(out[3 * g + 1], ballot != 0 ? 1u : 0u) << "any, thread " << g;
          ASSERT_EQ(out[3 * g + 2], ballot) << "ballot, thread " << g;
        }
      }
    }
  }
}

TEST(SimtFeatures, SyncthreadsCountAndOr) {
  std::mt19937 rng(4);
  for (auto order : kOrders) {
    const int blocks = 5, threads = 1 + static_cast<int>(rng() % 200);
    std::vector<int> pred(static_cast<std::size_t>(blocks * threads));
    for (std::size_t i = 0; i < pred.size(); ++i)
      pred[i] = i / threads == 0 ? 1 : i / threads == 1 ? 0 : rng() % 3 == 0;
    DeviceBuffer<int> dpred(pred), out(3 * blocks, -1);
    auto stream = make_stream(order);
    sync_reductions(dpred.data(), out.data(), blocks, threads, &stream);
    for (int b = 0; b < blocks; ++b) {
      const int count = static_cast<int>(std::count(pred.begin() + b * threads, pred.begin() + (b + 1) * threads, 1));
      EXPECT_EQ(out[3 * b + 0], count) << order_name(order) << " block " << b;
      EXPECT_EQ(out[3 * b + 1], count == threads ? 1 : 0) << order_name(order) << " block " << b;
      EXPECT_EQ(out[3 * b + 2], count > 0 ? 1 : 0) << order_name(order) << " block " << b;
    }
  }
}

TEST(SimtFeatures, StaticSharedMemoryIsOneCopyPerBlock) {
  std::mt19937 rng(5);
  for (auto order : kOrders) {
    const int blocks = 2 + static_cast<int>(rng() % 6), threads = 1 + static_cast<int>(rng() % 300);
    DeviceBuffer<int> owner(static_cast<std::size_t>(blocks * threads), -1), count(blocks, -1);
    auto stream = make_stream(order);
    shared_per_block(owner.data(), count.data(), blocks, threads, &stream);
    for (int b = 0; b < blocks; ++b) {
      EXPECT_EQ(count[b], threads) << order_name(order) << " block " << b;
      for (int t = 0; t < threads; ++t) ASSERT_EQ(owner[b * threads + t], b) << order_name(order) << " thread " << t;
    }
  }
}

TEST(SimtFeatures, DynamicSharedMemoryPerBlock) {
  std::mt19937 rng(6);
  for (auto order : kOrders) {
    for (int trial = 0; trial < 3; ++trial) {
      const int blocks = 1 + static_cast<int>(rng() % 5), threads = 1 + static_cast<int>(rng() % 500);
      const auto x = random_floats(rng, static_cast<std::size_t>(blocks * threads));
      DeviceBuffer<float> dx(x), dy(x.size(), 0.0f);
      auto stream = make_stream(order, trial);
      dynamic_reverse(dx.data(), dy.data(), blocks, threads, &stream);
      for (int b = 0; b < blocks; ++b)
        for (int t = 0; t < threads; ++t) ASSERT_EQ(dy[b * threads + t], x[b * threads + threads - 1 - t]);
    }
  }
}

TEST(SimtFeatures, Atomics) {
  std::mt19937 rng(7);
  for (auto order : kOrders) {
    const int n = 50 + static_cast<int>(rng() % 400), bins = 1 + static_cast<int>(rng() % 9);
    std::vector<int> v(static_cast<std::size_t>(n));
    for (auto& x : v) x = static_cast<int>(rng() % 2001) - 1000;
    const auto f = random_floats(rng, v.size(), -10.0f, 10.0f);
    DeviceBuffer<int> dv(v), hist(bins, 0), imax(1, INT32_MIN), imin(1, INT32_MAX), exch_slot(1, -1), olds(v.size(), 0);
    DeviceBuffer<unsigned> umax(1, 0u), umin(1, 0xffffffffu);
    DeviceBuffer<float> df(f), fsum(1, 0.0f), fmax(1, -1e30f);
    auto stream = make_stream(order);
    atomics(dv.data(), df.data(), n,
            {hist.data(), bins, imax.data(), imin.data(), umax.data(), umin.data(), fsum.data(), fmax.data(),
             exch_slot.data(), olds.data()},
            &stream);
    std::vector<int> want_hist(static_cast<std::size_t>(bins), 0);
    for (int x : v) ++want_hist[static_cast<std::size_t>((x % bins + bins) % bins)];
    EXPECT_EQ(hist.to_vector(), want_hist) << order_name(order);
    EXPECT_EQ(imax[0], *std::max_element(v.begin(), v.end()));
    EXPECT_EQ(imin[0], *std::min_element(v.begin(), v.end()));
    unsigned want_umax = 0, want_umin = 0xffffffffu;
    for (int x : v)
      want_umax = std::max(want_umax, static_cast<unsigned>(x)),
      want_umin = std::min(want_umin, static_cast<unsigned>(x));
    EXPECT_EQ(umax[0], want_umax);
    EXPECT_EQ(umin[0], want_umin);
    double sum = 0, abs_sum = 0;
    for (float x : f) sum += x, abs_sum += std::fabs(x);
    EXPECT_NEAR(fsum[0], sum, 1e-6 * abs_sum + 1e-5);
    EXPECT_EQ(fmax[0], *std::max_element(f.begin(), f.end()));
    // atomicExch hands the slot along a chain: every old value is seen exactly once.
    std::multiset<int> seen(olds.data(), olds.data() + n);
    seen.insert(exch_slot[0]);
    std::multiset<int> want;
    want.insert(-1);
    for (int i = 0; i < n; ++i) want.insert(i);
    EXPECT_EQ(seen, want);
  }
}

TEST(SimtFeatures, WmmaTileMatchesCpuGemm) {
  std::mt19937 rng(8);
  std::vector<__half> a(256), b(256);
  std::vector<float> c0(256);
  for (auto& x : a) x = __float2half(std::uniform_real_distribution<float>(-2, 2)(rng));
  for (auto& x : b) x = __float2half(std::uniform_real_distribution<float>(-2, 2)(rng));
  for (auto& x : c0) x = std::uniform_real_distribution<float>(-2, 2)(rng);
  DeviceBuffer<__half> da(a), db(b);
  DeviceBuffer<float> dc0(c0);
  for (auto order : kOrders) {
    DeviceBuffer<float> dc(256, 0.0f);
    auto stream = make_stream(order);
    wmma_tile(da.data(), db.data(), dc0.data(), dc.data(), 32, &stream);
    for (int i = 0; i < 16; ++i)
      for (int j = 0; j < 16; ++j) {
        double want = c0[static_cast<std::size_t>(j * 16 + i)];  // c0 was loaded column-major
        for (int k = 0; k < 16; ++k) want += double(float(a[i * 16 + k])) * double(float(b[k * 16 + j]));
        ASSERT_NEAR(dc[i * 16 + j], want, 1e-4) << order_name(order) << " at " << i << "," << j;
      }
  }
}

TEST(SimtFeatures, LaunchConfigurationErrorsAreReported) {
  DeviceBuffer<unsigned> out(6);
  DeviceBuffer<int> ok(1);
  EXPECT_THROW(thread_indices(dim3(1), dim3(2048), out.data(), ok.data(), nullptr), Error);
  EXPECT_THROW(thread_indices(dim3(1), dim3(0), out.data(), ok.data(), nullptr), Error);
  try {
    thread_indices(dim3(1), dim3(32, 32, 2), out.data(), ok.data(), nullptr);
    FAIL() << "a 2048-thread block was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("thread_indices_kernel"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tarsier::simt_test
