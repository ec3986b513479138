#include "bench/bench_model.hpp"

#include "format/tsr.hpp"

namespace tarsier::test {

std::filesystem::path save_bench_model(const TempDir& dir) {
  GraphBuilder b(3);
  const auto x = b.input("image", {1, 3, 16, 16});
  const auto c1 = b.relu(b.conv(x, 8, 3, 1, 1));
  const auto c2 = b.relu(b.add(b.conv(c1, 8, 3, 1, 1), c1));
  const auto side = b.conv(c1, 4, 1);
  const auto cat = b.concat({c2, side}, 1);
  const auto pooled = b.max_pool(cat, 2, 2);
  const auto flat = b.reshape(b.global_avg_pool(pooled), {1, 12});
  b.output(b.gemm(flat, 2));
  Model m = b.model();
  m.info.name = "bench-tiny";
  const auto path = dir.path("bench_tiny.tsr");
  save_tsr(m, path);
  return path;
}

}  // namespace tarsier::test
