// Elementwise kernels (kernels/cuda/ops/elementwise.cu, copy.cu) against ref::binary_broadcast,
// ref::activation, ref::channel_affine and ref::concat: dense broadcasting of every rank,
// the backend's NHWC layouts with output pixel strides, fused activations, float and half,
// every block order. Exact: the kernels do the reference's float operations on the same
// (T-representable) inputs and round once to T; Sigmoid's expf is std::exp in the emulator
// (on a GPU expf differs in the last bit, which these emulator tests do not see).
// First: gtest and the standard headers must precede the emulator's macros.
#include "ops_test_util.hpp"

#include "kernels/cuda/ops/copy.hpp"
#include "kernels/cuda/ops/elementwise.hpp"

#include "kernels/ref/concat.hpp"
#include "kernels/ref/elementwise.hpp"

namespace tarsier::ops_test {
namespace {

namespace dev = tarsier::cuda_emu;
using kernels::Activation;
using kernels::BinaryOp;
using kernels::Epilogue;

Epilogue random_epilogue(std::mt19937& rng) {
  Epilogue e;
  e.act = static_cast<Activation>(pick(rng, 0, 4));
  e.alpha = 0.1f;
  if (e.act == Activation::Clip) e.clip_min = -0.5f, e.clip_max = 0.75f;
  return e;
}

template <class T>
void run_dense_broadcast() {
  std::mt19937 rng(31);
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 4);
    for (int trial = 0; trial < 24; ++trial) {
      const int rank = static_cast<int>(pick(rng, 1, 5));
      std::vector<std::int64_t> y_shape(rank), a_shape, b_shape;
      for (auto& d : y_shape) d = pick(rng, 1, 5);
      // Each operand: a suffix of y's axes (numpy right alignment), each axis kept or set to 1.
      auto operand = [&](std::vector<std::int64_t>& s) {
        const int r = static_cast<int>(pick(rng, 0, rank));
        s.assign(y_shape.end() - r, y_shape.end());
        for (auto& d : s)
          if (pick(rng, 0, 2) == 0) d = 1;
      };
      operand(a_shape);
      operand(b_shape);
      if (trial % 4 == 0) a_shape = y_shape;  // the plain same-shape case, also merged to rank 1
      if (trial % 8 == 0) b_shape = y_shape;
      // y's shape is the broadcast of the two (an axis where both are 1 shrinks to 1).
      for (int d = 0; d < rank; ++d) {
        const int da = d - (rank - static_cast<int>(a_shape.size())),
                  db = d - (rank - static_cast<int>(b_shape.size()));
        const std::int64_t na = da >= 0 ? a_shape[da] : 1, nb = db >= 0 ? b_shape[db] : 1;
        y_shape[d] = std::max(na, nb);
      }
      auto count = [](const std::vector<std::int64_t>& s) {
        std::int64_t n = 1;
        for (auto d : s) n *= d;
        return n;
      };
      const BinaryOp op = pick(rng, 0, 1) == 0 ? BinaryOp::Add : BinaryOp::Mul;
      const Epilogue e = random_epilogue(rng);
      const auto a = representable<T>(simt_test::random_floats(rng, count(a_shape), -2.0f, 2.0f));
      const auto b = representable<T>(simt_test::random_floats(rng, count(b_shape), -2.0f, 2.0f));
      std::vector<float> want(count(y_shape));
      ref::binary_broadcast(op, a_shape, a.data(), b_shape, b.data(), y_shape, want.data(), e);
      DeviceBuffer<T> da(a.size()), db(b.size()), dy(want.size(), from_f<T>(kSentinel));
      for (std::size_t i = 0; i < a.size(); ++i) da[i] = from_f<T>(a[i]);
      for (std::size_t i = 0; i < b.size(); ++i) db[i] = from_f<T>(b[i]);
      const dev::StridedLayout l =
          dev::dense_broadcast_layout(a_shape.data(), static_cast<int>(a_shape.size()), b_shape.data(),
                                      static_cast<int>(b_shape.size()), y_shape.data(), rank);
      dev::binary_strided<T>(op, l, da.data(), db.data(), dy.data(), e, &stream);
      expect_flat_matches<T>(
          dy.data(), want, 0.0f,
          std::string(kTypeName<T>) + " dense trial " + std::to_string(trial) + " " + simt_test::order_name(order));
    }
  }
}

TEST(OpsElementwise, DenseBroadcastMatchesRefFloat) { run_dense_broadcast<float>(); }
TEST(OpsElementwise, DenseBroadcastMatchesRefHalf) { run_dense_broadcast<__half>(); }

// The backend's case: NCHW model shapes, NHWC storage, y a channel slice of a concat buffer.
// a is [n][c][h][w] (dense NHWC, stride c), b is [n][c][h][w], [1][c][1][1] or [1][1][1][1].
template <class T>
void run_nhwc_binary() {
  std::mt19937 rng(32);
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 8);
    for (int trial = 0; trial < 9; ++trial) {
      const std::int64_t n = pick(rng, 1, 2), c = pick(rng, 1, 7), h = pick(rng, 1, 5), w = pick(rng, 1, 6);
      const std::int64_t hw = h * w, ys = c + pick(rng, 0, 3);
      const int b_kind = trial % 3;
      const std::vector<std::int64_t> y_shape{n, c, h, w};
      const std::vector<std::int64_t> b_shape = b_kind == 0   ? y_shape
                                                : b_kind == 1 ? std::vector<std::int64_t>{1, c, 1, 1}
                                                              : std::vector<std::int64_t>{1, 1, 1, 1};
      const std::int64_t b_count = b_kind == 0 ? n * c * hw : b_kind == 1 ? c : 1;
      const BinaryOp op = pick(rng, 0, 1) == 0 ? BinaryOp::Add : BinaryOp::Mul;
      const Epilogue e = random_epilogue(rng);
      const auto a = representable<T>(simt_test::random_floats(rng, n * c * hw, -2.0f, 2.0f));
      const auto b = representable<T>(simt_test::random_floats(rng, b_count, -2.0f, 2.0f));
      std::vector<float> want(n * c * hw);
      ref::binary_broadcast(op, y_shape, a.data(), b_shape, b.data(), y_shape, want.data(), e);
      auto da = nhwc_from_nchw<T>(a, n, c, hw, c);
      auto db = b_kind == 0 ? nhwc_from_nchw<T>(b, n, c, hw, c) : DeviceBuffer<T>(b_count);
      if (b_kind != 0)
        for (std::int64_t i = 0; i < b_count; ++i) db[i] = from_f<T>(b[i]);
      DeviceBuffer<T> dy(n * hw * ys, from_f<T>(kSentinel));
      dev::StridedLayout l;  // NHWC axes: n, h, w, c
      l.rank = 4;
      const std::int64_t dims[4] = {n, h, w, c};
      const std::int64_t as[4] = {hw * c, w * c, c, 1};
      const std::int64_t bs[4] = {b_kind == 0 ? hw * c : 0, b_kind == 0 ? w * c : 0, b_kind == 0 ? c : 0,
                                  b_kind == 2 ? 0 : 1};
      const std::int64_t ysd[4] = {hw * ys, w * ys, ys, 1};
      for (int d = 0; d < 4; ++d)
        l.dims[d] = dims[d], l.a_strides[d] = as[d], l.b_strides[d] = bs[d], l.y_strides[d] = ysd[d];
      dev::binary_strided<T>(op, l, da.data(), db.data(), dy.data(), e, &stream);
      expect_nhwc_matches<T>(
          dy, ys, want, n, c, hw, 0.0f,
          std::string(kTypeName<T>) + " nhwc b_kind " + std::to_string(b_kind) + " " + simt_test::order_name(order));
    }
  }
}

TEST(OpsElementwise, NhwcStridedBinaryMatchesRefFloat) { run_nhwc_binary<float>(); }
TEST(OpsElementwise, NhwcStridedBinaryMatchesRefHalf) { run_nhwc_binary<__half>(); }

TEST(OpsElementwise, BroadcastLayoutRejectsMismatch) {
  const std::int64_t a[] = {2, 3}, b[] = {4}, y[] = {2, 3};
  EXPECT_THROW(dev::dense_broadcast_layout(a, 2, b, 1, y, 2), Error);
}

template <class T>
void run_activation_and_affine() {
  std::mt19937 rng(33);
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 6);
    for (int trial = 0; trial < 10; ++trial) {
      const std::int64_t n = pick(rng, 1, 2), c = pick(rng, 1, 9), hw = pick(rng, 1, 40);
      // Half the trials dense (the flat path), half with strided pixels on both sides.
      const bool dense = trial % 2 == 0;
      const std::int64_t xs = dense ? c : c + pick(rng, 1, 2), ys = dense ? c : c + pick(rng, 1, 3);
      const Epilogue e = random_epilogue(rng);
      const auto x = representable<T>(simt_test::random_floats(rng, n * c * hw, -3.0f, 3.0f));
      const auto dx = nhwc_from_nchw<T>(x, n, c, hw, xs);
      const std::string what =
          std::string(kTypeName<T>) + " trial " + std::to_string(trial) + " " + simt_test::order_name(order);

      std::vector<float> want(x.size());
      ref::activation(e, x.data(), want.data(), static_cast<std::int64_t>(x.size()));
      DeviceBuffer<T> dy(n * hw * ys, from_f<T>(kSentinel));
      dev::activation<T>(e, n * hw, c, dx.data(), xs, dy.data(), ys, &stream);
      expect_nhwc_matches<T>(dy, ys, want, n, c, hw, 0.0f, "activation " + what);

      const auto mul = simt_test::random_floats(rng, c, -2.0f, 2.0f), add = simt_test::random_floats(rng, c);
      ref::channel_affine(n, c, hw, x.data(), mul.data(), add.data(), want.data());
      for (float& v : want) v = kernels::apply_activation(e, v);
      DeviceBuffer<float> dmul(mul), dadd(add);
      DeviceBuffer<T> dz(n * hw * ys, from_f<T>(kSentinel));
      dev::channel_affine_nhwc<T>(n * hw, c, dx.data(), xs, dmul.data(), dadd.data(), dz.data(), ys, e, &stream);
      expect_nhwc_matches<T>(dz, ys, want, n, c, hw, 0.0f, "affine " + what);
    }
  }
}

TEST(OpsElementwise, ActivationAndAffineMatchRefFloat) { run_activation_and_affine<float>(); }
TEST(OpsElementwise, ActivationAndAffineMatchRefHalf) { run_activation_and_affine<__half>(); }

TEST(OpsElementwise, ActivationInPlace) {
  simt::Stream stream = simt_test::make_stream(simt::BlockOrder::Reverse);
  std::mt19937 rng(34);
  const auto x = simt_test::random_floats(rng, 1000);
  std::vector<float> want(x.size());
  Epilogue e;
  e.act = Activation::Relu;
  ref::activation(e, x.data(), want.data(), 1000);
  DeviceBuffer<float> d(x);
  dev::activation<float>(e, 1000, 1, d.data(), 1, d.data(), 1, &stream);
  expect_flat_matches<float>(d.data(), want, 0.0f, "in place relu");
}

// Concat of NHWC inputs along channels by copy_rows into slices vs ref::concat on the
// [pixels][channels][1] view; plus a dense concat along an outer axis.
template <class T>
void run_concat() {
  std::mt19937 rng(35);
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 2);
    for (int trial = 0; trial < 6; ++trial) {
      const std::int64_t pixels = pick(rng, 1, 50);
      const int inputs = static_cast<int>(pick(rng, 1, 3));
      std::vector<std::int64_t> cs(inputs);
      std::vector<std::vector<float>> xs(inputs);
      std::vector<const float*> ptrs;
      std::int64_t total = 0;
      for (int i = 0; i < inputs; ++i) {
        cs[i] = pick(rng, 1, 7);
        total += cs[i];
        xs[i] = representable<T>(simt_test::random_floats(rng, pixels * cs[i]));
        ptrs.push_back(xs[i].data());
      }
      std::vector<float> want(pixels * total);
      ref::concat(ptrs, cs, pixels, 1, want.data());
      DeviceBuffer<T> dy(want.size(), from_f<T>(kSentinel));
      std::int64_t offset = 0;
      for (int i = 0; i < inputs; ++i) {
        DeviceBuffer<T> dx(xs[i].size());
        for (std::size_t k = 0; k < xs[i].size(); ++k) dx[k] = from_f<T>(xs[i][k]);
        dev::copy_rows<T>(pixels, cs[i], dx.data(), cs[i], dy.data() + offset, total, &stream);
        offset += cs[i];
      }
      expect_flat_matches<T>(dy.data(), want, 0.0f,
                             std::string(kTypeName<T>) + " channel concat " + simt_test::order_name(order));

      // Outer-axis concat: [outer][axis_i][inner] pieces into [outer][sum][inner].
      const std::int64_t outer = pick(rng, 1, 4), inner = pick(rng, 1, 9);
      std::vector<float> want2(outer * total * inner);
      std::vector<std::vector<float>> parts(inputs);
      std::vector<const float*> pptrs;
      for (int i = 0; i < inputs; ++i) {
        parts[i] = representable<T>(simt_test::random_floats(rng, outer * cs[i] * inner));
        pptrs.push_back(parts[i].data());
      }
      ref::concat(pptrs, cs, outer, inner, want2.data());
      DeviceBuffer<T> dz(want2.size(), from_f<T>(kSentinel));
      offset = 0;
      for (int i = 0; i < inputs; ++i) {
        DeviceBuffer<T> dx(parts[i].size());
        for (std::size_t k = 0; k < parts[i].size(); ++k) dx[k] = from_f<T>(parts[i][k]);
        dev::copy_rows<T>(outer, cs[i] * inner, dx.data(), cs[i] * inner, dz.data() + offset * inner, total * inner,
                          &stream);
        offset += cs[i];
      }
      expect_flat_matches<T>(dz.data(), want2, 0.0f,
                             std::string(kTypeName<T>) + " axis concat " + simt_test::order_name(order));
    }
  }
}

TEST(OpsConcat, CopyRowsMatchesRefConcatFloat) { run_concat<float>(); }
TEST(OpsConcat, CopyRowsMatchesRefConcatHalf) { run_concat<__half>(); }

}  // namespace
}  // namespace tarsier::ops_test
