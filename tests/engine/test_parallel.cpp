#include <catch2/catch.hpp>
#include <tbb/global_control.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

#include "engine/error.h"
#include "engine/parallel.h"
#include "engine/rng.h"

using namespace parktwin;

namespace {

// Magnitudes spread over 16 decades: any change in summation order changes the bits.
std::vector<double> spread_values(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = rng::normal(3, rng::StreamId{0}, static_cast<std::uint32_t>(i), 0) *
           std::pow(10.0, static_cast<double>(i % 16) - 8.0);
  }
  return v;
}

double chunked_sum(const std::vector<double>& v, std::size_t chunk) {
  return par::parallel_reduce(
      v.size(), chunk, 0.0,
      [&](std::size_t b, std::size_t e) {
        double s = 0.0;
        for (std::size_t i = b; i < e; ++i) s += v[i];
        return s;
      },
      [](double a, double b) { return a + b; });
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("chunk plan cuts by entity range, independent of threads", "[parallel]") {
  const par::ChunkPlan plan{2500, 1000};
  CHECK(plan.chunks() == 3);
  CHECK(plan.begin(2) == 2000);
  CHECK(plan.end(2) == 2500);
  CHECK(par::ChunkPlan{0, 1000}.chunks() == 0);
  CHECK(par::ChunkPlan{1000, 1000}.chunks() == 1);
}

TEST_CASE("parallel_for visits every index exactly once", "[threads][parallel]") {
  for (int threads : {1, 2, 8}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    std::vector<std::atomic<int>> visits(100'003);
    par::parallel_for(visits.size(), 997, [&](std::size_t b, std::size_t e, std::size_t) {
      for (std::size_t i = b; i < e; ++i) visits[i].fetch_add(1, std::memory_order_relaxed);
    });
    int wrong = 0;
    for (const auto& v : visits) wrong += v.load() != 1;
    CHECK(wrong == 0);
  }
}

TEST_CASE("reduction is bit-identical with 1, 2 and 8 threads",
          "[threads][parallel][determinism]") {
  const std::vector<double> values = spread_values(1'000'003);
  double reference = 0.0;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    reference = chunked_sum(values, 4096);
  }
  for (int threads : {2, 8}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    for (int repeat = 0; repeat < 5; ++repeat) {
      const double s = chunked_sum(values, 4096);
      INFO("threads " << threads << ", repeat " << repeat);
      CHECK(same_bits(s, reference));
    }
  }
  // And equal to a plain sequential loop over the same chunks.
  double seq = 0.0;
  for (std::size_t b = 0; b < values.size(); b += 4096) {
    double part = 0.0;
    for (std::size_t i = b; i < std::min(b + 4096, values.size()); ++i) part += values[i];
    seq += part;
  }
  CHECK(same_bits(seq, reference));
  // The chunk size is part of the result's definition: a different cut may round differently,
  // which is why chunk sizes are fixed constants, never derived from the thread count.
}

TEST_CASE("reduction with caller scratch and a non-commutative combine", "[threads][parallel]") {
  // Concatenating chunk ids shows the combine runs in chunk order.
  constexpr std::size_t n = 10'000, chunk = 1000;
  std::vector<std::uint64_t> scratch(par::ChunkPlan{n, chunk}.chunks());
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 8);
  const std::uint64_t order = par::parallel_reduce<std::uint64_t>(
      n, chunk, 0, [](std::size_t b, std::size_t) { return b / chunk; },
      [](std::uint64_t acc, std::uint64_t c) { return acc * 10 + c; }, std::span(scratch));
  CHECK(order == 123456789);  // chunks 0..9 folded in order (leading 0 vanishes)
}

TEST_CASE("ThreadLimit caps parallelism and rejects nonsense", "[parallel]") {
  {
    par::ThreadLimit limit(1);
    CHECK(par::max_threads() == 1);
  }
  CHECK(par::hardware_threads() >= 1);
  CHECK_THROWS_AS(par::ThreadLimit(0), Error);
  CHECK_THROWS_WITH(par::ThreadLimit(-3),
                    Catch::Contains("expected an integer >= 1") && Catch::Contains("found -3"));
}

TEST_CASE("an exception in a chunk reaches the caller, and no chunk runs twice",
          "[threads][parallel]") {
  for (int threads : {1, 2, 8}) {
    INFO(threads << " threads");
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    std::vector<std::atomic<int>> visits(64);
    const auto run = [&] {
      par::parallel_for_each(visits.size(), [&](std::size_t i) {
        visits[i].fetch_add(1, std::memory_order_relaxed);
        if (i == 5) throw Error("chunk 5 failed");
      });
    };
    CHECK_THROWS_WITH(run(), Catch::Contains("chunk 5 failed"));
    // TBB may cancel chunks not yet started; none runs twice, and the failing one ran.
    int twice = 0;
    for (const auto& v : visits) twice += v.load() > 1;
    CHECK(twice == 0);
    CHECK(visits[5].load() == 1);
  }
}
