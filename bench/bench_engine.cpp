// bench_engine: throughput of the engine's building blocks, one CSV line per case:
//   case,threads,items,seconds,items_per_s,hash
// - rng_uniform: Philox uniform draws
// - parallel_for: an IDM-like arithmetic update over 1M entities (compute-bound)
// - reduce: deterministic chunked sum over 1M doubles
// The hash column must be equal across thread counts of one case.
//
// usage: bench_engine [--repeat N] [--help]

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "bench_cli.h"
#include "engine/hash.h"
#include "engine/parallel.h"
#include "engine/rng.h"

using namespace parktwin;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void print(const char* name, int threads, double items, double seconds, std::uint64_t hash) {
  fmt::print("{},{},{:.0f},{:.4f},{:.4g},{:016x}\n", name, threads, items, seconds, items / seconds,
             hash);
}

void bench_rng(int repeat) {
  constexpr std::uint32_t n = 10'000'000;
  for (int r = 0; r < repeat; ++r) {
    const auto t0 = Clock::now();
    double sum = 0.0;
    for (std::uint32_t i = 0; i < n; ++i) sum += rng::uniform(1, rng::StreamId{0}, i, 0);
    const double s = seconds_since(t0);
    StateHash h;
    h.add(sum);
    print("rng_uniform", 1, n, s, h.value());
  }
}

void bench_parallel(int repeat) {
  constexpr std::size_t n = 1'000'000;
  constexpr int steps = 50;
  for (int threads : {1, 2}) {
    par::ThreadLimit limit(threads);
    for (int r = 0; r < repeat; ++r) {
      std::vector<float> pos(n), speed(n, 10.0f);
      for (std::size_t i = 0; i < n; ++i) pos[i] = static_cast<float>(i) * 7.5f;
      const auto t0 = Clock::now();
      for (int step = 0; step < steps; ++step) {
        par::parallel_for(n, 4096, [&](std::size_t b, std::size_t e, std::size_t) {
          for (std::size_t i = b; i < e; ++i) {
            // IDM acceleration with a synthetic leader gap (Treiber et al. 2000, Eq. 1-2).
            const float gap = 7.5f + 0.01f * static_cast<float>(i % 100);
            const float v = speed[i];
            const float s_star = 2.0f + v * 1.5f + v * v / (2.0f * std::sqrt(2.0f * 1.67f));
            const float a =
                2.0f * (1.0f - std::pow(v / 16.7f, 4.0f) - (s_star / gap) * (s_star / gap));
            speed[i] = std::max(0.0f, v + a * 0.1f);
            pos[i] += speed[i] * 0.1f;
          }
        });
      }
      const double s = seconds_since(t0);
      StateHash h;
      h.add(std::span<const float>(pos));
      h.add(std::span<const float>(speed));
      print("parallel_for", threads, static_cast<double>(n) * steps, s, h.value());
    }
  }
}

void bench_reduce(int repeat) {
  constexpr std::size_t n = 1'000'000;
  constexpr int rounds = 100;
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = rng::uniform(2, rng::StreamId{0}, static_cast<std::uint32_t>(i), 0);
  std::vector<double> scratch(par::ChunkPlan{n, 8192}.chunks());
  for (int threads : {1, 2}) {
    par::ThreadLimit limit(threads);
    for (int r = 0; r < repeat; ++r) {
      const auto t0 = Clock::now();
      double total = 0.0;
      for (int k = 0; k < rounds; ++k) {
        total += par::parallel_reduce(
            n, 8192, 0.0,
            [&](std::size_t b, std::size_t e) {
              double s = 0.0;
              for (std::size_t i = b; i < e; ++i) s += v[i];
              return s;
            },
            [](double a, double b) { return a + b; }, std::span<double>(scratch));
      }
      const double s = seconds_since(t0);
      StateHash h;
      h.add(total);
      print("reduce", threads, static_cast<double>(n) * rounds, s, h.value());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 3;
  CLI::App app{"Prints case,threads,items,seconds,items_per_s,hash", "bench_engine"};
  app.add_option("--repeat", repeat, "runs per case (the best counts)")->check(CLI::Range(1, 1000));
  if (const int status = bench::parse_command_line(app, argc, argv); status >= 0) return status;
  return bench::run_reporting_errors("bench_engine", [&]() -> int {
    fmt::print("case,threads,items,seconds,items_per_s,hash\n");
    bench_rng(repeat);
    bench_parallel(repeat);
    bench_reduce(repeat);
    return 0;
  });
}
