#pragma once
// Deterministic parallel loops on oneTBB (STYLE.md, rule 4).
//
// Work over `count` entities is cut into chunks of a fixed size by entity range; the cut never
// depends on the thread count. Each chunk is one task: it reads shared inputs and writes only
// its own entities' slots (parallel_for) or its own partial (parallel_reduce). Partials are
// combined in chunk order on the calling thread. So a floating-point sum gives the same bits
// with 1, 2 or 64 threads, and the same as a plain loop over the same chunks.
//
// Under ThreadSanitizer the chunks run on plain threads instead of TBB tasks (run_chunks_on_
// threads): Debian's libtbb is not instrumented, so TSan cannot see the synchronisation at a
// task's spawn and join and reports races that are not there; with std::thread it sees both,
// and any race it reports is one between chunks (the tsan stage of the test command).

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "engine/assert.h"

#if defined(__SANITIZE_THREAD__)
#define PARKTWIN_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PARKTWIN_TSAN 1
#endif
#endif

namespace parktwin::par {

inline constexpr std::size_t kDefaultChunk = 1024;

// Threads the parallel loops may use now (honours any live ThreadLimit and the task arena
// the caller runs in).
int max_threads();

// The fixed cut of [0, count) into chunks of chunk_size entities (the last may be shorter).
struct ChunkPlan {
  std::size_t count = 0;
  std::size_t chunk_size = kDefaultChunk;

  std::size_t chunks() const { return chunk_size == 0 ? 0 : (count + chunk_size - 1) / chunk_size; }
  std::size_t begin(std::size_t chunk) const { return chunk * chunk_size; }
  std::size_t end(std::size_t chunk) const {
    const std::size_t e = begin(chunk) + chunk_size;
    return e < count ? e : count;
  }
};

namespace detail {
// chunk(c) for c in [0, chunks) on up to `threads` std::threads (the caller is one of them),
// each taking the next chunk not yet taken; the first exception a chunk throws is rethrown
// after all have joined, as tbb::parallel_for does. For ThreadSanitizer builds only.
void run_chunks_on_threads(std::size_t chunks, int threads,
                           const std::function<void(std::size_t)>& chunk);
}  // namespace detail

// body(begin, end, chunk_index) runs once per chunk, possibly concurrently.
template <class Body>
void parallel_for(std::size_t count, std::size_t chunk_size, Body&& body) {
  PT_ASSERT(chunk_size > 0, "chunk size must be positive");
  const ChunkPlan plan{count, chunk_size};
  const std::size_t n = plan.chunks();
  if (n == 0) return;
  if (n == 1) {  // no task overhead for small work
    body(std::size_t{0}, count, std::size_t{0});
    return;
  }
  if (max_threads() == 1) {  // nor on one thread: the same chunks, in order, without tasks
    for (std::size_t c = 0; c < n; ++c) body(plan.begin(c), plan.end(c), c);
    return;
  }
#ifdef PARKTWIN_TSAN
  detail::run_chunks_on_threads(n, max_threads(),
                                [&](std::size_t c) { body(plan.begin(c), plan.end(c), c); });
#else
  // simple_partitioner with grain 1 splits down to single chunks: a task is exactly one chunk.
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, n, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t c = r.begin(); c != r.end(); ++c) body(plan.begin(c), plan.end(c), c);
      },
      tbb::simple_partitioner{});
#endif
}

// fn(i) once for each i in [0, count), each its own task, possibly concurrently: for work items
// large enough to be a task each (a World copy's episode, an environment slot's step).
template <class Fn>
void parallel_for_each(std::size_t count, Fn&& fn) {
  parallel_for(count, 1, [&](std::size_t begin, std::size_t, std::size_t) { fn(begin); });
}

// Deterministic reduction. map(begin, end) -> T computes one chunk's partial sequentially;
// combine(T acc, T partial) -> T folds partials in chunk order, starting from `identity`.
// `partials` is caller-owned scratch with at least ChunkPlan{count, chunk_size}.chunks()
// elements, so a step loop can reduce without allocating.
template <class T, class Map, class Combine>
T parallel_reduce(std::size_t count, std::size_t chunk_size, T identity, Map&& map,
                  Combine&& combine, std::span<T> partials) {
  const ChunkPlan plan{count, chunk_size};
  PT_ASSERT(partials.size() >= plan.chunks(), "reduction scratch smaller than the chunk count");
  parallel_for(count, chunk_size,
               [&](std::size_t b, std::size_t e, std::size_t c) { partials[c] = map(b, e); });
  T acc = identity;
  for (std::size_t c = 0; c < plan.chunks(); ++c) acc = combine(acc, partials[c]);
  return acc;
}

// Convenience overload that allocates its scratch: for set-up code, not for the step loop.
template <class T, class Map, class Combine>
T parallel_reduce(std::size_t count, std::size_t chunk_size, T identity, Map&& map,
                  Combine&& combine) {
  std::vector<T> partials(ChunkPlan{count, chunk_size}.chunks());
  return parallel_reduce(count, chunk_size, identity, map, combine, std::span<T>(partials));
}

// Caps the worker threads of every parallel loop while it lives (the CLI's --threads N).
// Results do not depend on it; only speed does.
class ThreadLimit {
 public:
  explicit ThreadLimit(int threads);
  int threads() const { return threads_; }

 private:
  int threads_;
  tbb::global_control control_;
};

// Hardware threads of this machine.
int hardware_threads();

}  // namespace parktwin::par
