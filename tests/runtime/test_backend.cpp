// The backend interface as a SIMD or CUDA backend will use it: a table backend that
// covers one case and falls back to ref, and a fake device backend whose memory the
// host may not touch (exercising staging, constant upload and execute()).
#include <array>
#include <map>

#include "backend/kernel_table.hpp"
#include "backend/node_params.hpp"
#include "backend/ref/ref_backend.hpp"
#include "backend/registry.hpp"
#include "kernels/ref/conv2d.hpp"
#include "runtime/alloc_counter.hpp"
#include "runtime/session_fixture.hpp"
#include "runtime/test_graphs.hpp"
#include "session/executor.hpp"

namespace tarsier::test {
namespace {

// A "special" 1x1 conv kernel, as an ISA backend would add one.
class Conv1x1 final : public OpKernel {
 public:
  explicit Conv1x1(const kernels::Conv2dParams& p) : p_(p) {}
  void run(const ExecArgs& a) const override {
    ref::conv2d(p_, a.inputs[0], a.inputs[1], a.inputs.size() > 2 ? a.inputs[2] : nullptr,
                a.inputs.size() > 3 ? a.inputs[3] : nullptr, a.outputs[0]);
  }
  std::string_view name() const override { return "fake.conv1x1"; }
  std::size_t workspace_bytes() const override { return 256; }  // exercises planning of scratch

 private:
  kernels::Conv2dParams p_;
};

std::unique_ptr<OpKernel> make_conv1x1(const Node& node, const Graph& graph, const KernelContext&) {
  const auto p = conv2d_params(node, graph);
  if (p.kernel_h != 1 || p.kernel_w != 1) return nullptr;  // not for this node: next entry
  return std::make_unique<Conv1x1>(p);
}

constexpr std::array kFakeTable{KernelEntry{OpType::Conv, &make_conv1x1}};

TEST(Backend, TableBackendTriesItsEntriesThenFallsBack) {
  const Graph g = residual_graph();  // has 3x3 convs and one 1x1 shortcut
  auto backend = std::make_unique<TableBackend>("fake", kFakeTable, make_ref_backend());
  Executor exec(g, std::move(backend), KernelContext{});
  int special = 0, ref_conv = 0;
  for (const auto& l : exec.layers()) {
    special += l.kernel == "fake.conv1x1";
    ref_conv += l.kernel == "ref.conv2d";
  }
  EXPECT_EQ(special, 1);
  EXPECT_EQ(ref_conv, 5);
  EXPECT_GE(exec.plan().arena_bytes, 256u);

  const Values inputs = random_inputs(g, 4);
  const auto& x = inputs.at("image");
  std::copy(x.begin(), x.end(), exec.input(0).begin());
  exec.run();
  const auto want = evaluate_naive(g, inputs).at(g.outputs[0]);
  EXPECT_LE(relative_error(exec.output(0), want), 1e-5);
}

TEST(Backend, MissingKernelWithoutFallbackNamesTheNode) {
  auto backend = std::make_unique<TableBackend>("fake", kFakeTable);
  try {
    Executor exec(conv_relu_graph(), std::move(backend), KernelContext{});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::UnsupportedModel);
    EXPECT_NE(std::string(e.what()).find("Conv node"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fake"), std::string::npos) << e.what();
  }
}

TEST(Backend, RegistryKnowsRefAndAuto) {
  EXPECT_EQ(create_backend("ref")->name(), "ref");
  // "auto" is the best backend this CPU supports (or TARSIER_ISA's choice): never unknown.
  const std::string best(create_backend("auto")->name());
  EXPECT_TRUE(best == "ref" || best == "avx2" || best == "avx512") << best;
  EXPECT_THROW(create_backend("nope"), Error);
  const auto names = available_backends();
  EXPECT_NE(std::find(names.begin(), names.end(), "ref"), names.end());
}

// Memory the host "cannot" touch: all traffic must go through the copy hooks.
class FakeDevice final : public Backend {
 public:
  std::string_view name() const override { return "fake_device"; }
  std::unique_ptr<OpKernel> make_kernel(const Node& n, const Graph& g, const KernelContext& c) const override {
    return ref_->make_kernel(n, g, c);
  }
  bool host_visible() const override { return false; }
  void copy_to_backend(std::byte* dst, const std::byte* src, std::size_t bytes) const override {
    ++uploads;
    Backend::copy_to_backend(dst, src, bytes);
  }
  void copy_to_host(std::byte* dst, const std::byte* src, std::size_t bytes) const override {
    ++downloads;
    Backend::copy_to_host(dst, src, bytes);
  }
  const float* constant_data(const ConstTensor& t) const override {
    auto& copy = device_constants[t.data.data()];
    copy.assign(t.data.begin(), t.data.end());
    return copy.data();
  }
  void execute(std::span<const KernelLaunch> launches) const override {
    ++executions;
    Backend::execute(launches);
  }
  void synchronize() const override { ++syncs; }

  mutable int uploads = 0, downloads = 0, executions = 0, syncs = 0;
  mutable std::map<const float*, std::vector<float>> device_constants;

 private:
  std::unique_ptr<Backend> ref_ = make_ref_backend();
};

TEST(Backend, DeviceBackendIsFedThroughStagingBuffers) {
  const Graph g = epilogue_variety_graph();
  auto owned = std::make_unique<FakeDevice>();
  const FakeDevice& device = *owned;
  Executor exec(g, std::move(owned), KernelContext{});

  const Values inputs = random_inputs(g, 8);
  const auto& x = inputs.at("image");
  std::copy(x.begin(), x.end(), exec.input(0).begin());
  const std::size_t allocations = allocation_count();
  exec.run();
  exec.run();
  EXPECT_EQ(allocation_count(), allocations);
  EXPECT_EQ(device.executions, 2);
  EXPECT_EQ(device.syncs, 2);
  EXPECT_EQ(device.uploads, 2 * static_cast<int>(g.inputs.size()));
  EXPECT_EQ(device.downloads, 2 * static_cast<int>(g.outputs.size()));
  EXPECT_FALSE(device.device_constants.empty());

  const Values want = evaluate_naive(g, inputs);
  for (std::size_t i = 0; i < g.outputs.size(); ++i)
    EXPECT_LE(relative_error(exec.output(i), want.at(g.outputs[i])), 1e-5) << g.outputs[i];
}

}  // namespace
}  // namespace tarsier::test
