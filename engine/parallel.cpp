#include "engine/parallel.h"

#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>

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

int hardware_threads() { return tbb::info::default_concurrency(); }

}  // namespace parktwin::par
