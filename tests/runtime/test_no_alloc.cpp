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

TEST(NoAllocation, RunAllocatesNothing) {
  TempDir dir;
  for (const auto& [name, graph] : all_test_graphs()) {
    SCOPED_TRACE(name);
    Session s(save_graph(dir, graph, name));
    for (auto& v : s.input(0)) v = 0.25f;
    const std::size_t before = allocation_count();
    s.run();
    s.run();
    const std::size_t during = allocation_count() - before;
    EXPECT_EQ(during, 0u) << "run() allocated " << during << " times";
  }
}

}  // namespace
}  // namespace tarsier::test
