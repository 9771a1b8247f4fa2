#include "hnn/util/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace hnn {
namespace {

std::size_t default_threads() {
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : hc;
}

// How long a thread spins on a shared flag before it blocks. A parallel operation is a chain of short parallel
// phases (one per transform batch or conversion) with little serial work between them; waking a blocked
// thread costs a futex call and, in a virtual machine, an inter-processor interrupt, tens of microseconds
// each, which a key switch at N = 16384 would pay some twenty times. Spinning this long lets the next phase
// find its workers awake; an idle pool still goes to sleep after it.
constexpr std::chrono::microseconds kSpin{200};

// Spins until done() holds or kSpin has passed; returns done().
template <class Done>
bool spin_until(Done done) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    if (std::chrono::steady_clock::now() >= until) return done();
  }
}

// One job at a time: workers take indices from a shared atomic counter. The calling thread takes part,
// so a pool of k threads has k-1 workers. Workers and the caller spin briefly before blocking (kSpin);
// the condition variables are signalled only when someone sleeps on them.
class Pool {
 public:
  explicit Pool(std::size_t threads) {
    for (std::size_t i = 1; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_.store(true);
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  std::size_t size() const { return workers_.size() + 1; }

  // Runs the job on the pool. Returns false, doing nothing, when another caller's job holds the pool: the
  // caller then runs its loop itself, so concurrent callers (many Java threads) never queue behind each other.
  bool try_run(std::size_t begin, std::size_t end, const std::function<void(std::size_t)>& fn) {
    std::unique_lock<std::mutex> job_lock(job_mu_, std::try_to_lock);
    if (!job_lock.owns_lock()) return false;
    fn_ = &fn;
    next_.store(begin);
    end_ = end;
    error_ = nullptr;
    active_.store(workers_.size());
    bool wake;
    {
      // Under mu_, so that a worker about to block either sees the new generation or is counted in sleepers_.
      std::lock_guard<std::mutex> lock(mu_);
      generation_.fetch_add(1, std::memory_order_release);
      wake = sleepers_ > 0;
    }
    if (wake) cv_.notify_all();
    drain();
    if (!spin_until([this] { return active_.load(std::memory_order_acquire) == 0; })) {
      std::unique_lock<std::mutex> lock(mu_);
      caller_waiting_ = true;
      done_cv_.wait(lock, [this] { return active_.load(std::memory_order_acquire) == 0; });
      caller_waiting_ = false;
    }
    fn_ = nullptr;
    if (error_) std::rethrow_exception(error_);
    return true;
  }

 private:
  void drain() {
    in_pool_ = true;
    for (;;) {
      std::size_t i = next_.fetch_add(1);
      if (i >= end_) break;
      try {
        (*fn_)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu_);
        if (!error_) error_ = std::current_exception();
        next_.store(end_);
      }
    }
    in_pool_ = false;
  }
  void work() {
    std::uint64_t seen = 0;
    const auto news = [&] {
      return stop_.load(std::memory_order_acquire) || generation_.load(std::memory_order_acquire) != seen;
    };
    for (;;) {
      if (!spin_until(news)) {
        std::unique_lock<std::mutex> lock(mu_);
        ++sleepers_;
        cv_.wait(lock, news);
        --sleepers_;
      }
      if (stop_.load()) return;
      seen = generation_.load(std::memory_order_acquire);
      drain();
      if (active_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        // The caller checks active_ under mu_ before it blocks, so taking mu_ here cannot miss it.
        std::lock_guard<std::mutex> lock(mu_);
        if (caller_waiting_) done_cv_.notify_all();
      }
    }
  }

 public:
  static thread_local bool in_pool_;

 private:
  std::vector<std::thread> workers_;
  std::mutex mu_, job_mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(std::size_t)>* fn_ = nullptr;
  std::atomic<std::size_t> next_{0};
  std::size_t end_ = 0;
  std::atomic<std::size_t> active_{0};
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> stop_{false};
  std::size_t sleepers_ = 0;       // workers blocked on cv_ (under mu_)
  bool caller_waiting_ = false;    // the caller blocked on done_cv_ (under mu_)
  std::exception_ptr error_;
};

thread_local bool Pool::in_pool_ = false;

std::mutex g_pool_mu;
std::shared_ptr<Pool> g_pool;
std::atomic<std::size_t> g_threads{0};

std::shared_ptr<Pool> pool() {
  std::lock_guard<std::mutex> lock(g_pool_mu);
  std::size_t want = g_threads.load() == 0 ? default_threads() : g_threads.load();
  if (!g_pool || g_pool->size() != want) g_pool = std::make_shared<Pool>(want);
  return g_pool;
}

}  // namespace

std::size_t thread_count() {
  std::size_t t = g_threads.load();
  return t == 0 ? default_threads() : t;
}

void set_thread_count(std::size_t threads) { g_threads.store(threads); }

void parallel_for(std::size_t begin, std::size_t end, const std::function<void(std::size_t)>& fn) {
  if (begin >= end) return;
  if (end - begin == 1 || thread_count() == 1 || Pool::in_pool_) {
    for (std::size_t i = begin; i < end; ++i) fn(i);
    return;
  }
  auto p = pool();
  if (!p->try_run(begin, end, fn)) {
    for (std::size_t i = begin; i < end; ++i) fn(i);
  }
}

}  // namespace hnn
