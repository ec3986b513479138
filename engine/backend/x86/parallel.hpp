#pragma once
// The x86 backend's threads: a oneTBB task_arena of exactly `threads` slots, owned by the
// backend (so by the session). Work is split statically into at most `threads` contiguous
// chunks whose bounds depend only on the work size and the thread count, and every output
// element is computed by exactly one chunk with the same instruction sequence whatever the
// split: results are bit-identical for any thread count. With one thread no TBB object
// exists and nothing is scheduled: chunks run inline.
//
// Idle behaviour: TBB workers spin only briefly after a parallel region and then sleep on
// a futex, so an idle session costs no CPU (measured in the report).
#include <cstdint>
#include <memory>

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

namespace tarsier::x86_backend {

class Parallel {
 public:
  explicit Parallel(int threads);
  int threads() const { return threads_; }

  // Runs f() inside the arena, so that the parallel loops f starts use this arena's threads
  // (the backend wraps a whole inference in one call: one arena entry per run).
  template <class F>
  void run(F&& f) const {
    if (!arena_) f();
    else arena_->execute(f);
  }

  // Splits [0, count) into at most threads() chunks, each a multiple of `grain` items except
  // the last, and calls f(chunk, begin, end) for each; chunk indexes a per-thread workspace.
  template <class F>
  void for_chunks(std::int64_t count, std::int64_t grain, F&& f) const {
    if (count <= 0) return;
    const std::int64_t chunks = chunk_count(count, grain);
    const std::int64_t size = chunk_size(count, grain, chunks);
    if (chunks == 1) {
      f(std::int64_t{0}, std::int64_t{0}, count);
      return;
    }
    auto body = [&](std::int64_t i) {
      const std::int64_t begin = i * size;
      const std::int64_t end = std::min(count, begin + size);
      if (begin < end) f(i, begin, end);
    };
    arena_->execute([&] { tbb::parallel_for(std::int64_t{0}, chunks, body, tbb::static_partitioner()); });
  }

  // How many chunks for_chunks uses for this work (workspaces are sized per chunk).
  std::int64_t chunk_count(std::int64_t count, std::int64_t grain) const;

 private:
  static std::int64_t chunk_size(std::int64_t count, std::int64_t grain, std::int64_t chunks);
  int threads_ = 1;
  std::unique_ptr<tbb::task_arena> arena_;
};

}  // namespace tarsier::x86_backend
