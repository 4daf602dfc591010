#include "engine/selftest.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/clock.h"
#include "engine/hash.h"
#include "engine/parallel.h"
#include "engine/rng.h"

namespace parktwin {

namespace {

SelfCheck check_philox_known_answers() {
  // Random123 kat_vectors, the three philox4x32 10 lines: counter, key -> expected block.
  struct Kat {
    rng::Block ctr;
    rng::Key key;
    rng::Block expected;
  };
  constexpr std::array<Kat, 3> kats{{
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  }};
  int ok = 0;
  for (const Kat& k : kats) ok += rng::philox4x32_10(k.ctr, k.key) == k.expected ? 1 : 0;
  return {"rng: Philox4x32-10 known answers", ok == 3, fmt::format("{}/3 vectors match", ok)};
}

SelfCheck check_uniform_moments() {
  // Mean 1/2 and variance 1/12; with n = 1e6 the standard errors are 2.9e-4 and 2.6e-4,
  // so 5e-3 is a wide margin that only a broken generator misses.
  constexpr std::uint32_t n = 1'000'000;
  double sum = 0.0, sum2 = 0.0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const double u = rng::uniform(42, rng::StreamId{7}, i, 0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n;
  const double var = sum2 / n - mean * mean;
  const bool ok = std::abs(mean - 0.5) < 5e-3 && std::abs(var - 1.0 / 12.0) < 5e-3;
  return {"rng: uniform mean and variance", ok, fmt::format("mean {:.5f}, var {:.5f}", mean, var)};
}

SelfCheck check_reduction_determinism(int max_threads) {
  // Values of widely varying magnitude, so that any change of summation order would show.
  constexpr std::size_t n = 200'000;
  std::vector<double> values(n);
  for (std::size_t i = 0; i < n; ++i) {
    values[i] = rng::normal(1, rng::StreamId{1}, static_cast<std::uint32_t>(i), 0) *
                std::pow(10.0, static_cast<double>(i % 17) - 8.0);
  }
  auto sum_with = [&](int threads) {
    par::ThreadLimit limit(threads);
    return par::parallel_reduce(
        n, 1000, 0.0,
        [&](std::size_t b, std::size_t e) {
          double s = 0.0;
          for (std::size_t i = b; i < e; ++i) s += values[i];
          return s;
        },
        [](double a, double b) { return a + b; });
  };
  const double reference = sum_with(1);
  std::vector<int> counts{1, 2, 8, max_threads};
  std::sort(counts.begin(), counts.end());
  counts.erase(std::unique(counts.begin(), counts.end()), counts.end());
  std::string detail;
  bool ok = true;
  for (int t : counts) {
    const double s = sum_with(t);
    ok = ok && std::memcmp(&s, &reference, sizeof s) == 0;
    detail += fmt::format("{}{} threads: {:a}", detail.empty() ? "" : "; ", t, s);
  }
  return {"parallel: reduction bit-identical across thread counts", ok, detail};
}

SelfCheck check_clock() {
  SimClock clock(0.1);
  const Schedule every_minute = clock.every(60.0);
  std::int64_t due = 0;
  const std::int64_t steps = clock.steps_for(3600.0);
  for (std::int64_t i = 0; i < steps; ++i, clock.advance()) due += every_minute.due(clock.step());
  const bool ok = steps == 36000 && due == 60 && clock.time_s() == 3600.0;
  return {"clock: 0.1 s steps for an hour, a 60 s subsystem", ok,
          fmt::format("{} steps, subsystem ran {} times, t = {} s", steps, due, clock.time_s())};
}

SelfCheck check_hash() {
  StateHash a, b, c;
  const std::array<float, 3> x{1.0f, 2.0f, 3.0f};
  const std::array<float, 3> y{1.0f, 2.0f, 3.0000002f};
  a.add(std::span<const float>(x));
  b.add(std::span<const float>(x));
  c.add(std::span<const float>(y));
  const bool ok = a.value() == b.value() && a.value() != c.value();
  return {"hash: equal states agree, a one-ulp change differs", ok,
          fmt::format("{:016x} vs {:016x}", a.value(), c.value())};
}

}  // namespace

std::vector<SelfCheck> run_engine_selftest(int max_threads) {
  return {check_philox_known_answers(), check_uniform_moments(),
          check_reduction_determinism(max_threads), check_clock(), check_hash()};
}

}  // namespace parktwin
