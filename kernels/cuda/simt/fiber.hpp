#pragma once
// A fiber: a ucontext on its own mmap'd stack (with a PROT_NONE guard page
// below it, so an overflow faults instead of corrupting a neighbour), switched
// to and from a scheduler. Under AddressSanitizer every switch is announced
// with the fiber annotations, so ASan tracks which stack is live and stays free
// of false reports.
#include <ucontext.h>

#include <cstddef>

namespace tarsier::simt::detail {

// The scheduler side of the switches: its context and, for ASan, its stack.
struct SchedulerContext {
  ucontext_t context{};
  void* fake_stack = nullptr;
  const void* stack_bottom = nullptr;
  std::size_t stack_size = 0;
};

class Fiber {
 public:
  explicit Fiber(std::size_t stack_bytes);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Makes the next switch_in run entry() from the top of the stack; when entry
  // returns, control goes back to the scheduler.
  void reset(void (*entry)(), SchedulerContext& scheduler);
  // Scheduler side: runs the fiber until it switches out or its entry returns.
  void switch_in(SchedulerContext& scheduler);
  // Fiber side: returns to the scheduler; comes back when the scheduler
  // switches in again.
  void switch_out(SchedulerContext& scheduler);
  // Fiber side: the first statement of entry() and the last before it returns.
  void on_start(SchedulerContext& scheduler);
  void on_finish(SchedulerContext& scheduler);

 private:
  void* mapping_ = nullptr;
  std::size_t mapping_bytes_ = 0;
  char* stack_ = nullptr;
  std::size_t stack_bytes_ = 0;
  ucontext_t context_{};
  void* fake_stack_ = nullptr;
};

}  // namespace tarsier::simt::detail
