#pragma once
// A fiber: its own mmap'd stack (with a PROT_NONE guard page below it, so an overflow faults
// instead of corrupting a neighbour), switched to and from a scheduler. On x86-64 a switch saves
// the callee-saved registers and swaps stack pointers (fiber.cpp, about 20 ns); elsewhere it
// falls back to ucontext (two signal-mask syscalls per switch). Under AddressSanitizer every
// switch is announced with the fiber annotations, so ASan knows which stack is live.
#include <ucontext.h>

#include <cstddef>

#if defined(__x86_64__) && !defined(TARSIER_SIMT_UCONTEXT)  // -DTARSIER_SIMT_UCONTEXT tests the fallback
#define TARSIER_SIMT_ASM_SWITCH 1
#endif

namespace tarsier::simt::detail {

// The scheduler side of the switches: where it is suspended and, for ASan, its stack.
struct SchedulerContext {
#if defined(TARSIER_SIMT_ASM_SWITCH)
  void* sp = nullptr;
#else
  ucontext_t context{};
#endif
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

  // Makes the next switch_in run entry() from the top of the stack. entry must not return: it
  // ends with exit_to.
  void reset(void (*entry)());
  // Scheduler side: runs the fiber until it switches out or exits.
  void switch_in(SchedulerContext& scheduler);
  // Fiber side: returns to the scheduler; comes back when the scheduler switches in again.
  void switch_out(SchedulerContext& scheduler);
  // Fiber side: the first statement of entry().
  void on_start(SchedulerContext& scheduler);
  // Fiber side: the last statement of entry(); the stack is dead afterwards.
  [[noreturn]] void exit_to(SchedulerContext& scheduler);

 private:
  void* mapping_ = nullptr;
  std::size_t mapping_bytes_ = 0;
  char* stack_ = nullptr;
  std::size_t stack_bytes_ = 0;
#if defined(TARSIER_SIMT_ASM_SWITCH)
  void* sp_ = nullptr;
#else
  ucontext_t context_{};
#endif
  void* fake_stack_ = nullptr;
};

}  // namespace tarsier::simt::detail
