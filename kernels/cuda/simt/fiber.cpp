#include "kernels/cuda/simt/fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
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

#if defined(TARSIER_SIMT_ASM_SWITCH)
// tarsier_simt_switch(save, load): pushes the callee-saved registers and the SSE/x87 control
// words, stores the stack pointer in *save, loads `load` and pops the same from there. A new
// fiber's stack is laid out by reset() as if it had been suspended here, returning into entry.
extern "C" void tarsier_simt_switch(void** save, void* load);
asm(R"(
    .pushsection .text
    .globl tarsier_simt_switch
    .type tarsier_simt_switch, @function
tarsier_simt_switch:
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .cfi_endproc
    .size tarsier_simt_switch, .-tarsier_simt_switch
    .popsection
)");
#else
// swapcontext(from, to) spelled as getcontext + setcontext: ASan intercepts swapcontext and
// clears the shadow of the whole target stack on every call; with the fiber annotations above
// it needs none of that.
void jump(ucontext_t& from, const ucontext_t& to) {
  volatile bool resumed = false;
  getcontext(&from);  // returns a second time when someone switches back to `from`
  if (!resumed) {
    resumed = true;
    setcontext(&to);
  }
}
#endif

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
  mprotect(mapping_, page, PROT_NONE);  // stacks grow down: the guard page sits below
  stack_ = static_cast<char*>(mapping_) + page;
}

Fiber::~Fiber() {
  if (mapping_ != nullptr) munmap(mapping_, mapping_bytes_);
}

void Fiber::reset(void (*entry)()) {
#if defined(TARSIER_SIMT_ASM_SWITCH)
  auto top = reinterpret_cast<std::uintptr_t>(stack_ + stack_bytes_) & ~std::uintptr_t{15};
  auto* slot = reinterpret_cast<void**>(top);
  *--slot = nullptr;                              // entry's return address: none, ends backtraces
  *--slot = reinterpret_cast<void*>(entry);       // where the first switch "returns" to
  for (int i = 0; i < 6; ++i) *--slot = nullptr;  // rbp rbx r12-r15
  --slot;
  const std::uint32_t mxcsr = 0x1f80;  // the ABI's initial SSE and x87 control words
  const std::uint16_t fpucw = 0x037f;
  std::memcpy(slot, &mxcsr, sizeof mxcsr);
  std::memcpy(reinterpret_cast<char*>(slot) + 4, &fpucw, sizeof fpucw);
  sp_ = slot;
#else
  getcontext(&context_);
  context_.uc_stack.ss_sp = stack_;
  context_.uc_stack.ss_size = stack_bytes_;
  context_.uc_link = nullptr;
  makecontext(&context_, entry, 0);
#endif
  fake_stack_ = nullptr;
}

void Fiber::switch_in(SchedulerContext& scheduler) {
  start_switch(&scheduler.fake_stack, stack_, stack_bytes_);
#if defined(TARSIER_SIMT_ASM_SWITCH)
  tarsier_simt_switch(&scheduler.sp, sp_);
#else
  jump(scheduler.context, context_);
#endif
  finish_switch(scheduler.fake_stack, nullptr, nullptr);
}

void Fiber::switch_out(SchedulerContext& scheduler) {
  start_switch(&fake_stack_, scheduler.stack_bottom, scheduler.stack_size);
#if defined(TARSIER_SIMT_ASM_SWITCH)
  tarsier_simt_switch(&sp_, scheduler.sp);
#else
  jump(context_, scheduler.context);
#endif
  finish_switch(fake_stack_, nullptr, nullptr);
}

void Fiber::on_start(SchedulerContext& scheduler) {
  finish_switch(fake_stack_, &scheduler.stack_bottom, &scheduler.stack_size);
}

void Fiber::exit_to(SchedulerContext& scheduler) {
  // A null save slot tells ASan this fiber's stack is going away.
  start_switch(nullptr, scheduler.stack_bottom, scheduler.stack_size);
#if defined(TARSIER_SIMT_ASM_SWITCH)
  tarsier_simt_switch(&sp_, scheduler.sp);
#else
  setcontext(&scheduler.context);
#endif
  __builtin_unreachable();
}

}  // namespace tarsier::simt::detail
