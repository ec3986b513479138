#include "backend/x86/parallel.hpp"

#include <algorithm>

namespace tarsier::x86_backend {

Parallel::Parallel(int threads) : threads_(std::max(1, threads)) {
  if (threads_ > 1) {
    // One slot for the calling thread (it works too) and threads - 1 TBB workers.
    arena_ = std::make_unique<tbb::task_arena>(threads_, 1);
    arena_->initialize();
  }
}

std::int64_t Parallel::chunk_count(std::int64_t count, std::int64_t grain) const {
  if (count <= 0) return 1;
  grain = std::max<std::int64_t>(grain, 1);
  const std::int64_t units = (count + grain - 1) / grain;
  return std::clamp<std::int64_t>(units, 1, threads_);
}

std::int64_t Parallel::chunk_size(std::int64_t count, std::int64_t grain, std::int64_t chunks) {
  grain = std::max<std::int64_t>(grain, 1);
  const std::int64_t units = (count + grain - 1) / grain;
  return (units + chunks - 1) / chunks * grain;
}

}  // namespace tarsier::x86_backend
