// x86::gemm (both ISAs) against a double-precision oracle and against kernels/ref's gemm:
// randomized shapes around the tile and cache-block sizes, strides, column subsets, every
// epilogue, and C's padding left untouched.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "gemm_test_util.hpp"
#include "kernels/ref/gemm.hpp"

namespace tarsier::x86_test {
namespace {

using kernels::Activation;

class GemmTest : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override { skip_unless_supported(GetParam()); }
  Isa isa() const { return GetParam(); }
  // Tile sizes depend on n; tests use those of a wide layer and of n itself where it matters.
  std::int64_t mr(std::int64_t n = 1024) const { return x86::gemm_mr(isa(), n); }
  std::int64_t nr(std::int64_t n = 1024) const { return x86::gemm_nr(isa(), n); }

  void check(const GemmCase& g, std::uint32_t seed) {
    std::mt19937 rng(seed);
    GemmData d(g, rng);
    run_x86_gemm(isa(), g, d);
    expect_gemm_matches(g, d, d.c);
  }
};

kernels::Epilogue make_act(Activation a) {
  kernels::Epilogue e;
  e.act = a;
  if (a == Activation::Clip) {
    e.clip_min = -0.5f;
    e.clip_max = 0.75f;
  }
  if (a == Activation::LeakyRelu) e.alpha = 0.1f;
  return e;
}

constexpr Activation kActs[] = {Activation::None, Activation::Relu, Activation::Clip, Activation::LeakyRelu,
                                Activation::Sigmoid};

// Sizes that straddle every boundary the engine has: tile rows (MR, 6 or 14), tile columns
// (NR, 16 or 32), vector width (8, 16), the k block (256) and primes in between.
std::vector<std::int64_t> boundary_sizes(std::int64_t tile) {
  return {1, 2, tile - 1, tile, tile + 1, 2 * tile - 1, 2 * tile + 1, 3 * tile + 5};
}

TEST_P(GemmTest, RandomShapes) {
  std::mt19937 rng(1234 + static_cast<int>(isa()));
  const std::int64_t picks[] = {1, 2, 3, 5, 7, 8, 13, 15, 16, 17, 29, 31, 32, 33, 47, 48, 63, 64, 65, 97, 127,
                                128, 131, 191, 255, 256, 257, 263, 300};
  auto pick = [&](bool small) {
    if (small || std::uniform_int_distribution<int>(0, 2)(rng) == 0)
      return picks[std::uniform_int_distribution<std::size_t>(0, std::size(picks) - 1)(rng)];
    return std::uniform_int_distribution<std::int64_t>(1, 300)(rng);
  };
  for (int t = 0; t < 160; ++t) {
    GemmCase g;
    g.m = pick(false);
    g.n = pick(false);
    g.k = t % 16 == 0 ? std::uniform_int_distribution<std::int64_t>(500, 700)(rng) : pick(false);
    auto extra = [&] { return std::uniform_int_distribution<int>(0, 3)(rng) == 0 ? std::uniform_int_distribution<std::int64_t>(1, 40)(rng) : 0; };
    g.lda = g.k + extra();
    g.b_is_n_by_k = rng() % 2 == 0;
    g.ldb = (g.b_is_n_by_k ? g.k : g.n) + extra();
    g.ldc = g.n + extra();
    g.bias = rng() % 2 == 0;
    g.residual = rng() % 3 == 0;
    g.ld_residual = g.n + extra();
    g.act = make_act(kActs[rng() % std::size(kActs)]);
    if (rng() % 4 == 0) {
      // A column subset as a thread would get it: whole panels, the end maybe ragged.
      const std::int64_t w = nr(g.n), panels = (g.n + w - 1) / w;
      const std::int64_t p0 = std::uniform_int_distribution<std::int64_t>(0, panels - 1)(rng);
      const std::int64_t p1 = std::uniform_int_distribution<std::int64_t>(p0 + 1, panels)(rng);
      g.n_begin = p0 * w;
      g.n_end = std::min(g.n, p1 * w);
    }
    SCOPED_TRACE(g.describe());
    check(g, static_cast<std::uint32_t>(t));
    if (HasFailure()) return;
  }
}

TEST_P(GemmTest, TileBoundaries) {
  std::uint32_t seed = 0;
  // Each tile shape the ISA uses: the one for wide layers, and the one for n = 32 + 64j.
  for (std::int64_t n_kind : {1024, 96})
  for (std::int64_t m : boundary_sizes(mr(n_kind)))
    for (std::int64_t n : boundary_sizes(nr(n_kind))) {
      GemmCase g;
      g.m = m;
      g.n = n;
      g.k = 37;
      g.lda = g.k;
      g.ldb = g.n;
      g.ldc = g.n + 3;  // a concat slice: the 3 columns beyond n belong to someone else
      g.bias = true;
      g.act = make_act(Activation::Relu);
      SCOPED_TRACE(g.describe());
      check(g, ++seed);
    }
}

TEST_P(GemmTest, KBlockBoundaries) {
  std::uint32_t seed = 100;
  for (std::int64_t k : {0, 1, 255, 256, 257, 511, 512, 513, 769, 1031})
    for (bool residual : {false, true}) {
      GemmCase g;
      g.m = mr() + 3;
      g.n = nr() + 5;
      g.k = k;
      g.lda = k + 1;
      g.ldb = k;
      g.b_is_n_by_k = true;
      g.ldc = g.n;
      g.residual = residual;
      g.ld_residual = g.n + 7;
      g.bias = true;
      g.act = make_act(Activation::Clip);
      SCOPED_TRACE(g.describe());
      check(g, ++seed);
    }
}

TEST_P(GemmTest, EveryEpilogue) {
  std::uint32_t seed = 200;
  for (Activation a : kActs)
    for (bool bias : {false, true})
      for (bool residual : {false, true}) {
        GemmCase g;
        g.m = 2 * mr() + 1;
        g.n = 2 * nr() + 7;
        g.k = 50;
        g.lda = 64;
        g.ldb = g.n;
        g.ldc = g.n + 16;
        g.bias = bias;
        g.residual = residual;
        g.ld_residual = g.n + 1;
        g.act = make_act(a);
        SCOPED_TRACE(g.describe());
        check(g, ++seed);
      }
}

// In-place residual add (the planner may let a block's output overwrite its shortcut input),
// with k spanning several k blocks: the residual must be read before partial sums land in C.
TEST_P(GemmTest, ResidualMayBeTheOutput) {
  for (std::int64_t k : {20, 700}) {
    GemmCase g;
    g.m = mr() * 2 + 3;
    g.n = nr() + 9;
    g.k = k;
    g.lda = k;
    g.ldb = g.n;
    g.ldc = g.n + 4;
    g.residual = true;
    g.ld_residual = g.ldc;
    g.bias = true;
    g.act = make_act(Activation::Relu);
    SCOPED_TRACE(g.describe());
    std::mt19937 rng(7);
    GemmData d(g, rng);
    // C starts as the residual (its padding columns too, which must stay as they are).
    std::vector<float> c(static_cast<std::size_t>(g.m * g.ldc), kSentinel);
    for (std::int64_t i = 0; i < g.m; ++i)
      for (std::int64_t j = 0; j < g.n; ++j)
        c[static_cast<std::size_t>(i * g.ldc + j)] = d.residual[static_cast<std::size_t>(i * g.ld_residual + j)];
    d.residual.resize(c.size(), kSentinel);  // same extent as C for the oracle's indexing
    std::vector<float> packed(x86::packed_b_floats(isa(), g.k, g.n));
    x86::pack_b(isa(), d.b.data(), g.ldb, false, g.k, g.n, packed.data());
    std::vector<float> ws(x86::gemm_workspace_floats(isa(), g.m, g.k));
    x86::GemmEpilogue ep;
    ep.bias = d.bias.data();
    ep.residual = c.data();
    ep.ld_residual = g.ldc;
    ep.act = g.act;
    x86::gemm(isa(), g.m, g.n, g.k, d.a.data(), g.lda, packed.data(), c.data(), g.ldc, ep, ws.data());
    expect_gemm_matches(g, d, c);
  }
}

// Threads split the columns by panels; the pieces must give bit-identical results to one call
// (results may not depend on the thread count).
TEST_P(GemmTest, ColumnSubsetsAreBitIdenticalToWholeRun) {
  GemmCase g;
  g.m = 3 * mr() + 2;
  g.n = 5 * nr() + 3;
  g.k = 600;
  g.lda = g.k;
  g.ldb = g.k;
  g.b_is_n_by_k = true;
  g.ldc = g.n;
  g.bias = true;
  g.act = make_act(Activation::LeakyRelu);
  std::mt19937 rng(99);
  GemmData whole(g, rng);
  run_x86_gemm(isa(), g, whole);
  std::vector<float> pieces(whole.c.size(), kSentinel);
  for (std::int64_t j0 = 0; j0 < g.n; j0 += 2 * nr(g.n)) {
    GemmCase part = g;
    part.n_begin = j0;
    part.n_end = std::min(g.n, j0 + 2 * nr(g.n));
    run_x86_gemm(isa(), part, whole, pieces.data());
  }
  EXPECT_EQ(std::memcmp(pieces.data(), whole.c.data(), pieces.size() * sizeof(float)), 0);
  expect_gemm_matches(g, whole, whole.c);
}

// Rows split by offsetting a and c must agree bit for bit too (MR-aligned splits).
TEST_P(GemmTest, RowSplitsAreBitIdenticalToWholeRun) {
  GemmCase g;
  g.m = 5 * mr() + 4;
  g.n = 3 * nr() + 1;
  g.k = 300;
  g.lda = g.k + 2;
  g.ldb = g.n;
  g.ldc = g.n + 1;
  g.bias = true;
  std::mt19937 rng(5);
  GemmData d(g, rng);
  run_x86_gemm(isa(), g, d);
  std::vector<float> packed(x86::packed_b_floats(isa(), g.k, g.n));
  x86::pack_b(isa(), d.b.data(), g.ldb, false, g.k, g.n, packed.data());
  std::vector<float> ws(x86::gemm_workspace_floats(isa(), g.m, g.k));
  std::vector<float> c(d.c.size(), kSentinel);
  x86::GemmEpilogue ep;
  ep.bias = d.bias.data();
  const std::int64_t split = 2 * mr(g.n);
  x86::gemm(isa(), split, g.n, g.k, d.a.data(), g.lda, packed.data(), c.data(), g.ldc, ep, ws.data());
  x86::gemm(isa(), g.m - split, g.n, g.k, d.a.data() + split * g.lda, g.lda, packed.data(), c.data() + split * g.ldc,
            g.ldc, ep, ws.data());
  EXPECT_EQ(std::memcmp(c.data(), d.c.data(), c.size() * sizeof(float)), 0);
}

// The same products through the scalar reference backend's ONNX Gemm (trans_b, row bias).
TEST_P(GemmTest, AgreesWithRefGemm) {
  std::mt19937 rng(42);
  for (auto [m, n, k] : {std::array<std::int64_t, 3>{1, 1000, 512}, {49, 512, 256}, {67, 45, 131}, {14, 32, 1}}) {
    for (bool trans_b : {false, true}) {
      kernels::GemmParams p;
      p.m = m;
      p.n = n;
      p.k = k;
      p.trans_b = trans_b;
      p.bias = kernels::BiasKind::Row;
      p.epilogue.act = Activation::Relu;
      std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
      std::vector<float> a(static_cast<std::size_t>(m * k)), b(static_cast<std::size_t>(k * n)),
          bias(static_cast<std::size_t>(n));
      for (auto* v : {&a, &b, &bias})
        for (float& x : *v) x = dist(rng);
      std::vector<float> want(static_cast<std::size_t>(m * n)), got(want.size());
      ref::gemm(p, a.data(), b.data(), bias.data(), want.data());

      std::vector<float> packed(x86::packed_b_floats(isa(), k, n));
      x86::pack_b(isa(), b.data(), trans_b ? k : n, trans_b, k, n, packed.data());
      std::vector<float> ws(x86::gemm_workspace_floats(isa(), m, k));
      x86::GemmEpilogue ep;
      ep.bias = bias.data();
      ep.act = p.epilogue;
      x86::gemm(isa(), m, n, k, a.data(), k, packed.data(), got.data(), n, ep, ws.data());
      // Both are float sums of k products of values in [-1, 1] (bound as in gemm_test_util.hpp).
      const double tol = 2.0 * 2.0 * static_cast<double>(k + 2) / (1 << 24) * static_cast<double>(k + 1);
      for (std::size_t i = 0; i < got.size(); ++i)
        ASSERT_NEAR(got[i], want[i], tol) << "m=" << m << " n=" << n << " k=" << k << " trans_b=" << trans_b << " at " << i;
    }
  }
}

TEST_P(GemmTest, PackedBIsZeroPaddedPanels) {
  const std::int64_t k = 3, n = nr(1024) + 2, w = nr(n);
  std::vector<float> b(static_cast<std::size_t>(k * n));
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i + 1);
  const std::int64_t panels = (n + w - 1) / w;
  ASSERT_EQ(x86::packed_b_floats(isa(), k, n), static_cast<std::size_t>(panels * w * k));
  std::vector<float> packed(x86::packed_b_floats(isa(), k, n), kSentinel);
  x86::pack_b(isa(), b.data(), n, false, k, n, packed.data());
  for (std::int64_t panel = 0; panel < panels; ++panel)
    for (std::int64_t p = 0; p < k; ++p)
      for (std::int64_t jj = 0; jj < w; ++jj) {
        const std::int64_t j = panel * w + jj;
        const float want = j < n ? b[static_cast<std::size_t>(p * n + j)] : 0.0f;
        EXPECT_EQ(packed[static_cast<std::size_t>((panel * k + p) * w + jj)], want) << "p=" << p << " j=" << j;
      }
}

// NaN from the products must survive None/Clip/LeakyRelu as in the reference, and Relu maps it
// to 0 like ref's x > 0 ? x : 0.
TEST_P(GemmTest, NanPropagatesLikeTheReference) {
  const std::int64_t m = 3, n = 5, k = 4;
  std::vector<float> a(static_cast<std::size_t>(m * k), 1.0f), b(static_cast<std::size_t>(k * n), 1.0f);
  a[static_cast<std::size_t>(1 * k + 2)] = std::numeric_limits<float>::quiet_NaN();  // row 1 is all NaN
  std::vector<float> packed(x86::packed_b_floats(isa(), k, n));
  x86::pack_b(isa(), b.data(), n, false, k, n, packed.data());
  std::vector<float> ws(x86::gemm_workspace_floats(isa(), m, k));
  for (Activation act : kActs) {
    x86::GemmEpilogue ep;
    ep.act = make_act(act);
    std::vector<float> c(static_cast<std::size_t>(m * n));
    x86::gemm(isa(), m, n, k, a.data(), k, packed.data(), c.data(), n, ep, ws.data());
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j) {
        const float want = kernels::apply_activation(ep.act, i == 1 ? std::numeric_limits<float>::quiet_NaN() : 4.0f);
        const float got = c[static_cast<std::size_t>(i * n + j)];
        if (std::isnan(want)) EXPECT_TRUE(std::isnan(got)) << "act " << static_cast<int>(act);
        else EXPECT_FLOAT_EQ(got, want) << "act " << static_cast<int>(act) << " i=" << i;
      }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, GemmTest, ::testing::Values(Isa::Avx2, Isa::Avx512),
                         [](const ::testing::TestParamInfo<Isa>& info) { return std::string(x86::isa_name(info.param)); });

}  // namespace
}  // namespace tarsier::x86_test
