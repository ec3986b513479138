// Device image preprocessing (kernels/cuda/ops/preprocess.cu) against the CPU path
// (tarsier::preprocess, engine/image/preprocess.cpp) through tarsier::plan_preprocess: every
// resize kind up and down, letterbox, RGB/BGR/gray models fed colour and gray images, NCHW
// and NHWC, every block order. Float must be bit-identical; half is the CPU float rounded once.
// First: gtest and the standard headers must precede the emulator's macros.
#include "ops_test_util.hpp"

#include "image/preprocess.hpp"
#include "kernels/cuda/ops/preprocess.hpp"

namespace tarsier::ops_test {
namespace {

namespace dev = tarsier::cuda_emu;

dev::ImagePreprocessParams device_params(const PreprocessPlan& plan, const Image& image) {
  dev::ImagePreprocessParams p;
  p.src_width = image.width;
  p.src_height = image.height;
  p.src_channels = image.channels;
  p.canvas_width = plan.canvas_width;
  p.canvas_height = plan.canvas_height;
  p.offset_x = plan.offset_x;
  p.offset_y = plan.offset_y;
  p.out_width = plan.out_width;
  p.out_height = plan.out_height;
  p.out_channels = plan.out_channels;
  p.nchw = plan.nchw;
  p.resize = static_cast<dev::ImageResize>(plan.resize);
  for (int c = 0; c < 3; ++c) {
    p.source[c] = plan.source[c];
    p.a[c] = plan.a[c];
    p.b[c] = plan.b[c];
  }
  return p;
}

template <class T>
void run_preprocess() {
  std::mt19937 rng(61);
  constexpr ResizeKind kKinds[] = {ResizeKind::Bilinear, ResizeKind::Nearest, ResizeKind::Area};
  constexpr ColorOrder kColors[] = {ColorOrder::RGB, ColorOrder::BGR, ColorOrder::Gray};
  int trial = 0;
  for (auto order : simt_test::kOrders) {
    simt::Stream stream = simt_test::make_stream(order, 16);
    for (ResizeKind kind : kKinds) {
      for (ColorOrder color : kColors) {
        ++trial;
        // Source sizes around the output: shrinking by up to ~3.5x (area with several taps per
        // axis), enlarging, odd sizes, non-square (letterbox with an odd extra pixel).
        const int w = static_cast<int>(pick(rng, 3, 40)), h = static_cast<int>(pick(rng, 3, 40));
        const int ow = static_cast<int>(pick(rng, 5, 17)), oh = static_cast<int>(pick(rng, 5, 17));
        Image image(w, h, trial % 4 == 0 ? 1 : 3);
        for (auto& px : image.pixels) px = static_cast<std::uint8_t>(pick(rng, 0, 255));
        InputSpec spec;
        spec.name = "input";
        spec.layout = trial % 2 == 0 ? Layout::NCHW : Layout::NHWC;
        spec.color = color;
        spec.resize = kind;
        spec.letterbox = trial % 3 == 0;
        const std::int64_t c = color == ColorOrder::Gray ? 1 : 3;
        spec.shape = spec.layout == Layout::NCHW ? std::vector<std::int64_t>{1, c, oh, ow}
                                                 : std::vector<std::int64_t>{1, oh, ow, c};
        if (color == ColorOrder::Gray) spec.mean = {0.5f}, spec.std = {0.25f};
        if (trial % 5 == 0) spec.mean.clear(), spec.std.clear(), spec.scale = 1.0f;  // raw 0..255

        const std::vector<float> want = preprocess(image, spec);
        const PreprocessPlan plan = plan_preprocess(spec, image.width, image.height, image.channels);
        DeviceBuffer<std::uint8_t> dimage(image.pixels);
        DeviceBuffer<T> dout(want.size(), from_f<T>(kSentinel));
        dev::preprocess_image<T>(device_params(plan, image), dimage.data(), dout.data(), &stream);
        expect_flat_matches<T>(dout.data(), want, 0.0f,
                               std::string(kTypeName<T>) + " " + to_string(kind) + " " + to_string(color) + " " +
                                   std::to_string(w) + "x" + std::to_string(h) + "x" + std::to_string(image.channels) +
                                   "->" + std::to_string(ow) + "x" + std::to_string(oh) +
                                   (spec.letterbox ? " letterbox " : " ") + simt_test::order_name(order));
      }
    }
  }
}

TEST(OpsPreprocess, MatchesCpuBitExactFloat) { run_preprocess<float>(); }
TEST(OpsPreprocess, MatchesCpuRoundedHalf) { run_preprocess<__half>(); }

// A large shrink (area over ~20x20 source pixels per output pixel) and a large enlargement.
TEST(OpsPreprocess, ExtremeScalesMatchCpu) {
  std::mt19937 rng(62);
  simt::Stream stream = simt_test::make_stream(simt::BlockOrder::Random, 17);
  for (ResizeKind kind : {ResizeKind::Area, ResizeKind::Bilinear}) {
    for (auto [w, h, ow, oh] : {std::array<int, 4>{203, 161, 9, 8}, std::array<int, 4>{3, 2, 31, 29}}) {
      Image image(w, h, 3);
      for (auto& px : image.pixels) px = static_cast<std::uint8_t>(pick(rng, 0, 255));
      InputSpec spec;
      spec.name = "input";
      spec.shape = {1, 3, oh, ow};
      spec.resize = kind;
      const std::vector<float> want = preprocess(image, spec);
      const PreprocessPlan plan = plan_preprocess(spec, w, h, 3);
      DeviceBuffer<std::uint8_t> dimage(image.pixels);
      DeviceBuffer<float> dout(want.size());
      dev::preprocess_image<float>(device_params(plan, image), dimage.data(), dout.data(), &stream);
      expect_flat_matches<float>(dout.data(), want, 0.0f, std::string(to_string(kind)) + " extreme");
    }
  }
}

TEST(OpsPreprocess, PlanRejectsWhatPreprocessRejects) {
  InputSpec spec;
  spec.name = "input";
  spec.shape = {1, 3, 4, 4};
  EXPECT_THROW(plan_preprocess(spec, 4, 4, 4), Error);  // 4-channel image
  spec.shape = {1, 2, 4, 4};
  EXPECT_THROW(plan_preprocess(spec, 4, 4, 3), Error);  // RGB model with 2 channels
}

}  // namespace
}  // namespace tarsier::ops_test
