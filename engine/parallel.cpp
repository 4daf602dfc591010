#include "engine/parallel.h"

#include <spdlog/spdlog.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "engine/error.h"

namespace parktwin::par {

namespace {
int checked_threads(int threads) {
  if (threads < 1) {
    throw Error("thread count must be at least 1")
        .field("threads")
        .expected("an integer >= 1")
        .found(std::to_string(threads));
  }
  return threads;
}
}  // namespace

ThreadLimit::ThreadLimit(int threads)
    : threads_(checked_threads(threads)),
      control_(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads)) {}

int max_threads() {
  // Inside a task arena (a World stepped with its own thread limit) the arena's cap counts.
  const auto global = static_cast<int>(
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  return std::min(global, tbb::this_task_arena::max_concurrency());
}

namespace detail {
void run_chunks_on_threads(std::size_t chunks, int threads,
                           const std::function<void(std::size_t)>& chunk) {
  std::atomic<std::size_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  // After a failure no chunk starts (TBB cancels the rest of its loop in the same way).
  const auto fail = [&](std::exception_ptr e) {
    const std::lock_guard lock(failure_mutex);
    if (!failure) failure = std::move(e);
    next = chunks;
  };
  const auto work = [&] {
    for (std::size_t c = next++; c < chunks; c = next++) {
      try {
        chunk(c);
      } catch (...) {
        fail(std::current_exception());
      }
    }
  };
  // Helper threads are not in the caller's task arena: a loop nested in a chunk may use more
  // threads than the arena's cap. Only speed depends on it, and only under TSan.
  const std::size_t helpers = std::min(chunks, static_cast<std::size_t>(std::max(threads, 1))) - 1;
  std::vector<std::thread> pool;
  pool.reserve(helpers);
  try {
    for (std::size_t t = 0; t < helpers; ++t) pool.emplace_back(work);
  } catch (...) {  // no thread to be had: the caller and the threads started do the work
    spdlog::debug("parallel_for under TSan: started {} of {} helper threads", pool.size(), helpers);
  }
  work();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}
}  // namespace detail

int hardware_threads() { return tbb::info::default_concurrency(); }

}  // namespace parktwin::par
