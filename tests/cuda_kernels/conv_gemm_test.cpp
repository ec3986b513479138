// cuda gemm (classifier heads) against ref::gemm: transposes, alpha/beta, every bias kind,
// epilogues, fp32 and fp16 activations, all block orders.
#include <gtest/gtest.h>

#include <random>

#include "conv_test_util.hpp"
#include "kernels/cuda/conv/gemm.hpp"
#include "kernels/ref/gemm.hpp"

namespace tarsier {
namespace {

using conv_test::ConvMath;
using conv_test::StorageBuffer;
using kernels::BiasKind;
using kernels::GemmParams;

std::size_t bias_elems(const GemmParams& p) {
  switch (p.bias) {
    case BiasKind::None:
      return 0;
    case BiasKind::Scalar:
      return 1;
    case BiasKind::Row:
      return static_cast<std::size_t>(p.n);
    case BiasKind::Column:
      return static_cast<std::size_t>(p.m);
    case BiasKind::Full:
      return static_cast<std::size_t>(p.m * p.n);
  }
  return 0;
}

void check(const GemmParams& p, ConvMath math, std::mt19937& rng) {
  const std::string what = kernel_test::describe({{"m", p.m},
                                                  {"n", p.n},
                                                  {"k", p.k},
                                                  {"ta", p.trans_a},
                                                  {"tb", p.trans_b},
                                                  {"bias", static_cast<int>(p.bias)},
                                                  {"act", static_cast<int>(p.epilogue.act)}});
  auto a = simt_test::random_floats(rng, static_cast<std::size_t>(p.m * p.k));
  const auto b = simt_test::random_floats(rng, static_cast<std::size_t>(p.k * p.n));
  const auto c = simt_test::random_floats(rng, std::max<std::size_t>(bias_elems(p), 1));
  conv_test::round_for(math, a);  // b and c stay float on the device
  std::vector<float> want(static_cast<std::size_t>(p.m * p.n)), pre(want.size());
  ref::gemm(p, a.data(), b.data(), c.data(), want.data());
  GemmParams linear = p;
  linear.epilogue = {};
  ref::gemm(linear, a.data(), b.data(), c.data(), pre.data());
  const double scale = conv_test::max_abs(pre);

  StorageBuffer da(math, a);
  simt_test::DeviceBuffer<float> db(b), dc(c);
  for (auto order : simt_test::kOrders) {
    StorageBuffer dy(math, want.size(), -777.0f);
    auto stream = simt_test::make_stream(order);
    cuda_emu::gemm(p, math, da.data(), db.data(), p.bias == BiasKind::None ? nullptr : dc.data(), dy.data(), &stream);
    std::vector<float> got(want.size());
    for (std::size_t i = 0; i < got.size(); ++i) got[i] = dy.get(i);
    // fp16 here is the storage of a and y only (fp32 products and sums): the final rounding.
    conv_test::expect_close(got, want, scale, math == ConvMath::Fp32 ? ConvMath::Fp32 : ConvMath::Fp16Wmma,
                            what + " " + simt_test::order_name(order));
  }
}

TEST(CudaGemm, ClassifierHeadsAndVariants) {
  std::mt19937 rng(21);
  const BiasKind kinds[] = {BiasKind::Row, BiasKind::None, BiasKind::Scalar, BiasKind::Column, BiasKind::Full};
  int i = 0;
  for (auto [m, n, k] : {std::tuple{1, 10, 512}, {2, 37, 64}, {3, 5, 33}, {4, 1, 7}, {1, 1000, 17}, {5, 9, 1}}) {
    for (ConvMath math : {ConvMath::Fp32, ConvMath::Fp16Half2}) {
      GemmParams p;
      p.m = m;
      p.n = n;
      p.k = k;
      p.trans_b = i % 2 == 0;  // the ONNX export of Linear
      p.trans_a = i % 3 == 2;
      p.alpha = i % 4 == 1 ? 0.5f : 1.0f;
      p.beta = i % 4 == 3 ? 2.0f : 1.0f;
      p.bias = kinds[i % 5];
      p.epilogue.act = i % 3 == 1 ? kernels::Activation::Relu : kernels::Activation::None;
      check(p, math, rng);
      ++i;
    }
  }
}

TEST(CudaGemm, Rejects) {
  GemmParams p;
  p.m = 0;
  p.n = 3;
  p.k = 2;
  std::string why;
  EXPECT_FALSE(cuda_emu::gemm_supported(p, ConvMath::Fp32, &why));
  std::vector<float> buf(16);
  EXPECT_THROW(cuda_emu::gemm(p, ConvMath::Fp32, buf.data(), buf.data(), nullptr, buf.data(), nullptr), Error);
  p.m = 1;
  p.bias = BiasKind::Row;
  EXPECT_THROW(cuda_emu::gemm(p, ConvMath::Fp32, buf.data(), buf.data(), nullptr, buf.data(), nullptr), Error);
}

}  // namespace
}  // namespace tarsier
