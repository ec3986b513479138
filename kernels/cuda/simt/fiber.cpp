#include "kernels/cuda/simt/fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "tarsier/error.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define TARSIER_SIMT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TARSIER_SIMT_ASAN 1
#endif
#endif
#if defined(TARSIER_SIMT_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

namespace tarsier::simt::detail {
namespace {

void start_switch(void** fake_stack_save, const void* bottom, std::size_t size) {
#if defined(TARSIER_SIMT_ASAN)
  __sanitizer_start_switch_fiber(fake_stack_save, bottom, size);
#else
  (void)fake_stack_save, (void)bottom, (void)size;
#endif
}

void finish_switch(void* fake_stack_save, const void** bottom_old, std::size_t* size_old) {
#if defined(TARSIER_SIMT_ASAN)
  __sanitizer_finish_switch_fiber(fake_stack_save, bottom_old, size_old);
#else
  (void)fake_stack_save, (void)bottom_old, (void)size_old;
#endif
}

// swapcontext(from, to) spelled as getcontext + setcontext. ASan intercepts swapcontext and
// clears the shadow of the whole target stack on every call (megabytes of madvise per block);
// with the fiber annotations above it needs none of that, so the switch avoids the interceptor.
void jump(ucontext_t& from, const ucontext_t& to) {
  volatile bool resumed = false;
  getcontext(&from);  // returns a second time when someone switches back to `from`
  if (!resumed) {
    resumed = true;
    setcontext(&to);
  }
}

}  // namespace

Fiber::Fiber(std::size_t stack_bytes) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  stack_bytes_ = (stack_bytes + page - 1) / page * page;
  mapping_bytes_ = stack_bytes_ + page;
  mapping_ = mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping_ == MAP_FAILED) {
    mapping_ = nullptr;
    throw Error(ErrorCode::Internal, std::string("simt: cannot map a fiber stack: ") + std::strerror(errno));
  }
  mprotect(mapping_, page,
           PROT_NONE);  // stacks grow down: the guard page sits below
  stack_ = static_cast<char*>(mapping_) + page;
}

Fiber::~Fiber() {
  if (mapping_ != nullptr) munmap(mapping_, mapping_bytes_);
}

void Fiber::reset(void (*entry)(), SchedulerContext& scheduler) {
  getcontext(&context_);
  context_.uc_stack.ss_sp = stack_;
  context_.uc_stack.ss_size = stack_bytes_;
  context_.uc_link = &scheduler.context;
  makecontext(&context_, entry, 0);
  fake_stack_ = nullptr;
}

void Fiber::switch_in(SchedulerContext& scheduler) {
  start_switch(&scheduler.fake_stack, stack_, stack_bytes_);
  jump(scheduler.context, context_);
  finish_switch(scheduler.fake_stack, nullptr, nullptr);
}

void Fiber::switch_out(SchedulerContext& scheduler) {
  start_switch(&fake_stack_, scheduler.stack_bottom, scheduler.stack_size);
  jump(context_, scheduler.context);
  finish_switch(fake_stack_, nullptr, nullptr);
}

void Fiber::on_start(SchedulerContext& scheduler) {
  finish_switch(fake_stack_, &scheduler.stack_bottom, &scheduler.stack_size);
}

void Fiber::on_finish(SchedulerContext& scheduler) {
  // A null save slot tells ASan this fiber's stack is going away.
  start_switch(nullptr, scheduler.stack_bottom, scheduler.stack_size);
}

}  // namespace tarsier::simt::detail
