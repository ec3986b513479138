#include "runtime/alloc_counter.hpp"
#include "runtime/session_fixture.hpp"
#include "runtime/test_graphs.hpp"

namespace tarsier::test {
namespace {

TEST(NoAllocation, CounterSeesAllocations) {
  const std::size_t before = allocation_count();
  auto p = std::make_unique<std::vector<int>>(100);
  EXPECT_GE(allocation_count() - before, 2u);  // the vector object and its buffer
}

// Every backend this CPU offers, with one and two threads (TBB must not allocate per run).
TEST(NoAllocation, RunAllocatesNothing) {
  TempDir dir;
  for (const std::string backend : {"ref", "auto"})
    for (int threads : {1, 2})
      for (const auto& [name, graph] : all_test_graphs()) {
        SCOPED_TRACE(name + " on " + backend + " with " + std::to_string(threads) + " threads");
        SessionOptions options;
        options.backend = backend;
        options.threads = threads;
        Session s(save_graph(dir, graph, name), options);
        for (auto& v : s.input(0)) v = 0.25f;
        s.run();  // a first run may touch lazily created thread state
        const std::size_t before = allocation_count();
        s.run();
        s.run();
        const std::size_t during = allocation_count() - before;
        EXPECT_EQ(during, 0u) << "run() allocated " << during << " times";
      }
}

}  // namespace
}  // namespace tarsier::test
