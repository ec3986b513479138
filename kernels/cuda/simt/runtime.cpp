// The emulator's scheduler: runs a grid block by block, each CUDA thread a
// fiber. A fiber runs until it reaches a barrier or warp collective (or
// returns); when no fiber can run, pending collectives whose participants have
// all arrived complete and release them. If none can, the block is deadlocked
// and the launch fails with a description of who waits where.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "kernels/cuda/simt/builtins.hpp"
#include "kernels/cuda/simt/fiber.hpp"
#include "kernels/cuda/simt/launch.hpp"
#include "tarsier/error.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define TARSIER_SIMT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TARSIER_SIMT_ASAN 1
#endif
#endif
#if defined(TARSIER_SIMT_ASAN)
#include <sanitizer/asan_interface.h>
#define TARSIER_SIMT_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define TARSIER_SIMT_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define TARSIER_SIMT_POISON(p, n) ((void)(p), (void)(n))
#define TARSIER_SIMT_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace tarsier::simt::detail {
namespace {

#if defined(TARSIER_SIMT_ASAN)
constexpr std::size_t kStackBytes = 512 * 1024;  // ASan's redzones make frames several times larger
#else
constexpr std::size_t kStackBytes = 64 * 1024;
#endif
constexpr std::size_t kGuardBytes = 256;   // canary bytes on each side of dynamic shared memory
constexpr std::size_t kSharedAlign = 128;  // what TARSIER_DYNAMIC_SHARED promises under nvcc
constexpr unsigned char kGuardByte = 0xA5;
constexpr unsigned char kPoisonByte = 0xFF;  // NaN as float or half, -1 as an integer
constexpr std::uint64_t kMaxRandomOrderBlocks = std::uint64_t{1} << 22;

enum class State { Ready, AtBarrier, AtWarpOp, Exited };

struct WarpPost {
  WarpOp op = WarpOp::Sync;
  unsigned mask = 0;
  std::uint64_t value = 0;
  int lane_arg = 0;
  int width = 0;
  const char* what = "";
};

struct Thread {
  explicit Thread(std::size_t stack_bytes) : fiber(stack_bytes) {}
  Fiber fiber;
  unsigned linear = 0;  // threadIdx flattened: x fastest, as CUDA forms warps
  uint3 index{};
  State state = State::Ready;
  bool started = false;
  bool cancel = false;
  BarrierOp barrier_op = BarrierOp::Sync;
  int predicate = 0;
  WarpPost post;
  std::uint64_t result = 0;  // of the collective it waited at, read when it resumes
  std::exception_ptr error;
};

// Thrown inside a suspended fiber to unwind its stack when its block is
// abandoned.
struct Cancelled {};

std::string str(uint3 v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "(%u,%u,%u)", v.x, v.y, v.z);
  return buf;
}
std::string str(dim3 v) { return str(uint3{v.x, v.y, v.z}); }
std::string hex(unsigned v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Emulated shared arrays are function statics, so two launches must never
// overlap.
std::mutex& launch_mutex() {
  static std::mutex m;
  return m;
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

class Launch;
thread_local Launch* t_launch = nullptr;

void fiber_entry();

class Launch {
 public:
  Launch(const char* name, dim3 grid, dim3 block, std::size_t smem_bytes, cudaStream_t stream, KernelCall call)
      : name_(name), grid_(grid), block_(block), smem_bytes_(smem_bytes), call_(call) {
    validate(stream);
    if (stream != nullptr) {
      order_ = stream->order;
      rng_.seed(mix(stream->seed ^ mix(stream->launches++)));
    }
    nthreads_ = block.x * block.y * block.z;
    for (unsigned i = 0; i < nthreads_; ++i) {
      Thread& t = threads_.emplace_back(kStackBytes);
      t.linear = i;
      t.index = {i % block.x, (i / block.x) % block.y, i / (block.x * block.y)};
      thread_order_.push_back(i);
    }
    if (order_ == BlockOrder::Reverse) std::reverse(thread_order_.begin(), thread_order_.end());
    smem_storage_.resize(kGuardBytes + kSharedAlign + smem_bytes_ + kGuardBytes);
    const auto start = reinterpret_cast<std::uintptr_t>(smem_storage_.data()) + kGuardBytes;
    smem_base_ =
        smem_storage_.data() + ((start + kSharedAlign - 1) / kSharedAlign * kSharedAlign - start) + kGuardBytes;
  }

  ~Launch() { TARSIER_SIMT_UNPOISON(smem_storage_.data(), smem_storage_.size()); }
  Launch(const Launch&) = delete;
  Launch& operator=(const Launch&) = delete;

  void run() {
    gridDim = grid_;
    blockDim = block_;
    const std::uint64_t total = std::uint64_t{grid_.x} * grid_.y * grid_.z;
    if (order_ == BlockOrder::Random) {
      if (total > kMaxRandomOrderBlocks)
        fail_config("a grid of " + std::to_string(total) + " blocks is too large for random order");
      std::vector<std::uint64_t> perm(total);
      for (std::uint64_t i = 0; i < total; ++i) perm[i] = i;
      std::shuffle(perm.begin(), perm.end(), rng_);
      for (std::uint64_t b : perm) run_block(b);
    } else {
      for (std::uint64_t i = 0; i < total; ++i) run_block(order_ == BlockOrder::Forward ? i : total - 1 - i);
    }
  }

  // --- called on fibers ---

  [[noreturn]] void fiber_main() {
    Thread& t = *running_;
    t.fiber.on_start(scheduler_);
    try {
      call_.invoke(call_.state);
    } catch (const Cancelled&) {
    } catch (...) {
      t.error = std::current_exception();
    }
    t.state = State::Exited;
    t.fiber.exit_to(scheduler_);
  }

  int barrier(BarrierOp op, int predicate) {
    Thread& t = *running_;
    t.barrier_op = op;
    t.predicate = predicate;
    suspend(t, State::AtBarrier);
    return static_cast<int>(t.result);
  }

  std::uint64_t warp(const WarpPost& post) {
    Thread& t = *running_;
    t.post = post;
    suspend(t, State::AtWarpOp);
    return t.result;
  }

  unsigned active_mask() const {
    return lanes_where(running_->linear / 32 * 32, [](const Thread& t) { return t.state != State::Exited; });
  }

  void* shared() const { return smem_base_; }

  bool on_fiber() const { return running_ != nullptr; }

  [[noreturn]] void fail_here(const std::string& message) const {
    if (running_ == nullptr) fail(message);
    fail_at(*running_, message);
  }

 private:
  void validate(cudaStream_t stream) const {
    if (block_.x == 0 || block_.y == 0 || block_.z == 0 || block_.x > 1024 || block_.y > 1024 || block_.z > 64 ||
        std::uint64_t{block_.x} * block_.y * block_.z > 1024)
      fail_config("invalid block " + str(block_) + " (at most 1024 threads, z at most 64)");
    if (grid_.x == 0 || grid_.y == 0 || grid_.z == 0 || grid_.x > 2147483647u || grid_.y > 65535 || grid_.z > 65535)
      fail_config("invalid grid " + str(grid_));
    const std::size_t limit = stream != nullptr ? stream->max_dynamic_shared_bytes : Stream{}.max_dynamic_shared_bytes;
    if (smem_bytes_ > limit)
      fail_config(std::to_string(smem_bytes_) + " bytes of dynamic shared memory exceed the limit of " +
                  std::to_string(limit));
  }

  void run_block(std::uint64_t linear) {
    block_index_ = {static_cast<unsigned>(linear % grid_.x), static_cast<unsigned>(linear / grid_.x % grid_.y),
                    static_cast<unsigned>(linear / (std::uint64_t{grid_.x} * grid_.y))};
    blockIdx = block_index_;
    for (Thread& t : threads_) {
      t.state = State::Ready;
      t.started = t.cancel = false;
      t.error = nullptr;
      t.fiber.reset(&fiber_entry);
    }
    if (order_ == BlockOrder::Random) std::shuffle(thread_order_.begin(), thread_order_.end(), rng_);
    prepare_shared();
    try {
      for (;;) {
        for (unsigned i : thread_order_) {
          Thread& t = threads_[i];
          if (t.state != State::Ready) continue;
          t.started = true;
          resume(t);
          if (t.error) std::rethrow_exception(t.error);
        }
        if (std::all_of(threads_.begin(), threads_.end(), [](const Thread& t) { return t.state == State::Exited; }))
          break;
        const bool warps = complete_warps();
        const bool barrier = complete_barrier();
        if (!warps && !barrier) fail(deadlock_report());
      }
    } catch (...) {
      abandon_block();
      throw;
    }
    check_shared();
  }

  void resume(Thread& t) {
    running_ = &t;
    threadIdx = t.index;
    t.fiber.switch_in(scheduler_);
    running_ = nullptr;
  }

  void suspend(Thread& t, State state) {
    t.state = state;
    t.fiber.switch_out(scheduler_);
    if (t.cancel) throw Cancelled{};
  }

  // Unwinds every fiber that is still suspended, so no stack is left half-run.
  void abandon_block() {
    for (Thread& t : threads_) {
      if (!t.started || t.state == State::Exited) continue;
      t.cancel = true;
      resume(t);
    }
  }

  bool complete_barrier() {
    int waiting = 0, count = 0;
    BarrierOp op = BarrierOp::Sync;
    const Thread* first = nullptr;
    for (const Thread& t : threads_) {
      if (t.state == State::Exited) return false;  // a deadlock unless warps progress
      if (t.state != State::AtBarrier) return false;
      if (first == nullptr) {
        first = &t;
        op = t.barrier_op;
      } else if (t.barrier_op != op) {
        fail_at(t,
                "threads meet at different kinds of __syncthreads "
                "(plain/_count/_and/_or)");
      }
      ++waiting;
      count += t.predicate != 0;
    }
    if (waiting == 0) return false;
    int result = 0;
    switch (op) {
      case BarrierOp::Sync:
        break;
      case BarrierOp::Count:
        result = count;
        break;
      case BarrierOp::And:
        result = count == waiting;
        break;
      case BarrierOp::Or:
        result = count > 0;
        break;
    }
    for (Thread& t : threads_) {
      t.result = static_cast<std::uint64_t>(result);
      t.state = State::Ready;
    }
    return true;
  }

  template <class Pred>
  unsigned lanes_where(unsigned first, Pred pred) const {
    unsigned mask = 0;
    for (unsigned lane = 0; lane < 32 && first + lane < nthreads_; ++lane)
      if (pred(threads_[first + lane])) mask |= 1u << lane;
    return mask;
  }

  bool complete_warps() {
    bool progressed = false;
    for (unsigned first = 0; first < nthreads_; first += 32) {
      const unsigned lanes = std::min(32u, nthreads_ - first);
      for (unsigned lane = 0; lane < lanes; ++lane) {
        const Thread& t = threads_[first + lane];
        if (t.state != State::AtWarpOp) continue;
        const WarpPost& p = t.post;
        if (((p.mask >> lane) & 1u) == 0)
          fail_at(t, std::string(p.what) + ": the calling lane is not in mask " + hex(p.mask));
        if (p.op == WarpOp::WmmaUniform && lanes != 32)
          fail_at(t, std::string(p.what) + " needs a full warp, this one has " + std::to_string(lanes) + " lanes");
        const unsigned exist = lanes == 32 ? 0xffffffffu : (1u << lanes) - 1;
        const unsigned members = p.mask & exist;
        bool all_here = true;
        for (unsigned m = 0; m < lanes; ++m) {
          if (((members >> m) & 1u) == 0) continue;
          const Thread& u = threads_[first + m];
          if (u.state == State::Exited)
            fail_at(t, std::string(p.what) + " with mask " + hex(p.mask) + ": lane " + std::to_string(m) +
                           " exited without reaching it");
          if (u.state != State::AtWarpOp) {
            all_here = false;
          } else if (u.post.op != p.op || u.post.mask != p.mask || u.post.width != p.width) {
            fail_at(t, std::string(p.what) + " with mask " + hex(p.mask) + " meets lane " + std::to_string(m) + " at " +
                           u.post.what + " with mask " + hex(u.post.mask));
          }
        }
        if (!all_here) continue;
        finish_warp_op(first, members);
        progressed = true;
      }
    }
    return progressed;
  }

  void finish_warp_op(unsigned first, unsigned members) {
    std::uint64_t all = 1, any = 0, ballot = 0;
    for (unsigned m = 0; m < 32; ++m) {
      if (((members >> m) & 1u) == 0) continue;
      const bool v = threads_[first + m].post.value != 0;
      all &= v;
      any |= v;
      ballot |= std::uint64_t{v} << m;
    }
    std::array<std::uint64_t, 32> results{};
    for (unsigned lane = 0; lane < 32; ++lane) {
      if (((members >> lane) & 1u) == 0) continue;
      const Thread& t = threads_[first + lane];
      const WarpPost& p = t.post;
      switch (p.op) {
        case WarpOp::Sync:
          break;
        case WarpOp::All:
          results[lane] = all;
          break;
        case WarpOp::Any:
          results[lane] = any;
          break;
        case WarpOp::Ballot:
          results[lane] = ballot;
          break;
        case WarpOp::WmmaUniform: {
          const unsigned lead = static_cast<unsigned>(__builtin_ctz(members));
          if (p.value != threads_[first + lead].post.value)
            fail_at(t, std::string(p.what) + ": lanes " + std::to_string(lead) + " and " + std::to_string(lane) +
                           " pass different pointers, ldm or layouts");
          break;
        }
        default:
          results[lane] = shuffle(t, lane, first, members);
          break;
      }
    }
    for (unsigned lane = 0; lane < 32; ++lane) {
      if (((members >> lane) & 1u) == 0) continue;
      threads_[first + lane].result = results[lane];
      threads_[first + lane].state = State::Ready;
    }
  }

  std::uint64_t shuffle(const Thread& t, unsigned lane, unsigned first, unsigned members) const {
    const WarpPost& p = t.post;
    const int w = p.width;
    if (w < 1 || w > 32 || (w & (w - 1)) != 0)
      fail_at(t, std::string(p.what) + ": width " + std::to_string(w) + " is not a power of two up to 32");
    const int self = static_cast<int>(lane);
    const int base = self & ~(w - 1);
    int src = self;
    switch (p.op) {
      case WarpOp::ShflIdx:
        src = base + (p.lane_arg & (w - 1));
        break;
      case WarpOp::ShflUp:
        src = (self & (w - 1)) >= p.lane_arg ? self - p.lane_arg : self;
        break;
      case WarpOp::ShflDown:
        src = (self & (w - 1)) + p.lane_arg < w ? self + p.lane_arg : self;
        break;
      case WarpOp::ShflXor:
        src = self ^ p.lane_arg;
        if ((src & ~(w - 1)) > base) src = self;  // later groups are out of reach: own value
        break;
      default:
        break;
    }
    if (src != self && (src < 0 || src > 31 || ((members >> src) & 1u) == 0))
      fail_at(t, std::string(p.what) + ": lane " + std::to_string(lane) + " reads lane " + std::to_string(src) +
                     ", which is not in mask " + hex(p.mask) + " (undefined on a GPU)");
    return threads_[first + static_cast<unsigned>(src)].post.value;
  }

  std::string deadlock_report() const {
    std::vector<const Thread*> at_barrier, at_warp, exited;
    for (const Thread& t : threads_) {
      if (t.state == State::AtBarrier) at_barrier.push_back(&t);
      if (t.state == State::AtWarpOp) at_warp.push_back(&t);
      if (t.state == State::Exited) exited.push_back(&t);
    }
    auto list = [](const std::vector<const Thread*>& v) {
      std::string s;
      for (std::size_t i = 0; i < v.size() && i < 8; ++i) {
        if (i > 0) s += ' ';
        s += str(v[i]->index);
      }
      return s + (v.size() > 8 ? " ..." : "");
    };
    std::string msg = "deadlock: ";
    if (!at_barrier.empty() && !exited.empty() && at_warp.empty()) {
      msg += std::to_string(at_barrier.size()) + " threads wait at __syncthreads but " + std::to_string(exited.size()) +
             " threads exited without reaching it (exited: " + list(exited) + "; waiting: " + list(at_barrier) + ")";
    } else {
      msg += std::to_string(at_barrier.size()) + " threads wait at __syncthreads (" + list(at_barrier) + "), " +
             std::to_string(at_warp.size()) + " at warp collectives (" + list(at_warp) + "), " +
             std::to_string(exited.size()) + " exited";
      if (!at_warp.empty()) msg += "; thread " + str(at_warp[0]->index) + " waits at " + at_warp[0]->post.what;
    }
    return msg;
  }

  void prepare_shared() {
    unsigned char* before = smem_base_ - kGuardBytes;
    unsigned char* after = smem_base_ + smem_bytes_;
    TARSIER_SIMT_UNPOISON(before, kGuardBytes + smem_bytes_ + kGuardBytes);
    std::memset(before, kGuardByte, kGuardBytes);
    std::memset(smem_base_, kPoisonByte, smem_bytes_);
    std::memset(after, kGuardByte, kGuardBytes);
    TARSIER_SIMT_POISON(before, kGuardBytes);
    TARSIER_SIMT_POISON(after, kGuardBytes);
  }

  void check_shared() {
    unsigned char* before = smem_base_ - kGuardBytes;
    unsigned char* after = smem_base_ + smem_bytes_;
    TARSIER_SIMT_UNPOISON(before, kGuardBytes);
    TARSIER_SIMT_UNPOISON(after, kGuardBytes);
    for (std::size_t i = 0; i < kGuardBytes; ++i)
      if (before[i] != kGuardByte)
        fail("wrote before the start of its " + std::to_string(smem_bytes_) +
             " bytes of dynamic shared memory (byte offset " +
             std::to_string(static_cast<long>(i) - static_cast<long>(kGuardBytes)) + ")");
    for (std::size_t i = kGuardBytes; i-- > 0;)
      if (after[i] != kGuardByte)
        fail("wrote past the end of its " + std::to_string(smem_bytes_) +
             " bytes of dynamic shared memory (up to byte offset " + std::to_string(smem_bytes_ + i) + ")");
  }

  std::string where() const { return "simt: kernel '" + std::string(name_) + "' block " + str(block_index_); }
  [[noreturn]] void fail_config(const std::string& message) const {
    throw Error(ErrorCode::InvalidArgument, "simt: kernel '" + std::string(name_) + "': " + message);
  }
  [[noreturn]] void fail(const std::string& message) const {
    throw Error(ErrorCode::Internal, where() + ": " + message);
  }
  [[noreturn]] void fail_at(const Thread& t, const std::string& message) const {
    throw Error(ErrorCode::Internal, where() + " thread " + str(t.index) + ": " + message);
  }

  const char* name_;
  dim3 grid_, block_;
  std::size_t smem_bytes_;
  KernelCall call_;
  BlockOrder order_ = BlockOrder::Forward;
  std::mt19937_64 rng_;
  unsigned nthreads_ = 0;
  std::deque<Thread> threads_;  // a deque: fibers hold their own context and must not move
  std::vector<unsigned> thread_order_;
  SchedulerContext scheduler_;
  Thread* running_ = nullptr;
  uint3 block_index_{};
  std::vector<unsigned char> smem_storage_;
  unsigned char* smem_base_ = nullptr;
};

void fiber_entry() { t_launch->fiber_main(); }

Launch& current(const char* what) {
  if (t_launch == nullptr || !t_launch->on_fiber())
    throw Error(ErrorCode::Internal, std::string("simt: ") + what + " called outside a kernel");
  return *t_launch;
}

}  // namespace

void launch(const char* kernel_name, dim3 grid, dim3 block, std::size_t dynamic_shared_bytes, cudaStream_t stream,
            KernelCall call) {
  if (t_launch != nullptr)
    throw Error(ErrorCode::Internal, std::string("simt: kernel '") + kernel_name +
                                         "' launched from inside a kernel (dynamic parallelism is "
                                         "not emulated)");
  const std::lock_guard lock(launch_mutex());
  Launch launch(kernel_name, grid, block, dynamic_shared_bytes, stream, call);
  t_launch = &launch;
  try {
    launch.run();
  } catch (...) {
    t_launch = nullptr;
    throw;
  }
  t_launch = nullptr;
}

int block_barrier(BarrierOp op, int predicate) { return current("__syncthreads").barrier(op, predicate); }

std::uint64_t warp_collective(WarpOp op, unsigned mask, std::uint64_t value, int lane_arg, int width,
                              const char* what) {
  return current(what).warp({op, mask, value, lane_arg, width, what});
}

unsigned active_mask() { return current("__activemask").active_mask(); }

void* dynamic_shared_memory() { return current("dynamic shared memory").shared(); }

void kernel_error(const char* message) { current("kernel_error").fail_here(message); }

}  // namespace tarsier::simt::detail
