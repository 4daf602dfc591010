#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <vector>

#include "engine/rng.h"

using namespace parktwin;

namespace {
enum class TestStream : std::uint32_t { A = 1, B = 2 };
}

TEST_CASE("Philox4x32-10 matches Random123's known-answer vectors", "[rng]") {
  // Random123 kat_vectors, lines "philox4x32 10 <ctr x4> <key x2> <expected x4>".
  STATIC_REQUIRE(rng::philox4x32_10({0, 0, 0, 0}, {0, 0}) ==
                 rng::Block{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  STATIC_REQUIRE(rng::philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                                    {0xffffffff, 0xffffffff}) ==
                 rng::Block{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  STATIC_REQUIRE(rng::philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                                    {0xa4093822, 0x299f31d0}) ==
                 rng::Block{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("a draw is a pure function of seed, stream, entity and counter", "[rng]") {
  // Draw the same values in two different orders: order must not matter.
  std::vector<double> forward, backward(1000);
  for (std::uint32_t i = 0; i < 1000; ++i) forward.push_back(rng::uniform(7, TestStream::A, i, 3));
  for (std::uint32_t i = 1000; i-- > 0;) backward[i] = rng::uniform(7, TestStream::A, i, 3);
  CHECK(forward == backward);
  CHECK(rng::uniform(7, TestStream::A, 5, 3) == rng::uniform(7, TestStream::A, 5, 3));
}

TEST_CASE("each input changes the draw", "[rng]") {
  const rng::Block base = rng::bits(7, TestStream::A, 5, 3);
  CHECK(rng::bits(8, TestStream::A, 5, 3) != base);
  CHECK(rng::bits(7, TestStream::B, 5, 3) != base);
  CHECK(rng::bits(7, TestStream::A, 6, 3) != base);
  CHECK(rng::bits(7, TestStream::A, 5, 4) != base);
  // The seed's high half and the counter's high half are used too.
  CHECK(rng::bits(7 + (1ULL << 32), TestStream::A, 5, 3) != base);
  CHECK(rng::bits(7, TestStream::A, 5, 3 + (1ULL << 32)) != base);
}

TEST_CASE("streams are uncorrelated", "[rng]") {
  // Pearson correlation of two streams over the same entities; for independent uniforms
  // its standard error is 1/sqrt(n) = 0.002 at n = 250000, so |r| < 0.01 is a 5-sigma bound.
  constexpr std::uint32_t n = 250'000;
  double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const double a = rng::uniform(11, TestStream::A, i, 0);
    const double b = rng::uniform(11, TestStream::B, i, 0);
    sa += a, sb += b, sab += a * b, saa += a * a, sbb += b * b;
  }
  const double cov = sab / n - (sa / n) * (sb / n);
  const double r = cov / std::sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
  CHECK(std::abs(r) < 0.01);

  // Consecutive counters of one entity are uncorrelated too (lag-1 autocorrelation).
  double s1 = 0, s11 = 0, s12 = 0;
  double prev = rng::uniform(11, TestStream::A, 0, 0);
  for (std::uint64_t k = 1; k <= n; ++k) {
    const double u = rng::uniform(11, TestStream::A, 0, k);
    s1 += u, s11 += u * u, s12 += u * prev;
    prev = u;
  }
  const double mean = s1 / n;
  const double lag1 = (s12 / n - mean * mean) / (s11 / n - mean * mean);
  CHECK(std::abs(lag1) < 0.01);
}

TEST_CASE("uniform draws pass a chi-square test over 100 bins", "[rng]") {
  // n = 1e6 into 100 bins, 99 degrees of freedom: P(chi2 > 148.2) = 0.001.
  constexpr std::uint32_t n = 1'000'000;
  std::array<int, 100> bins{};
  for (std::uint32_t i = 0; i < n; ++i) {
    const double u = rng::uniform(2024, TestStream::A, i, 17);
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    ++bins[static_cast<std::size_t>(u * 100.0)];
  }
  const double expected = n / 100.0;
  double chi2 = 0.0;
  for (int b : bins) chi2 += (b - expected) * (b - expected) / expected;
  CHECK(chi2 < 148.2);
}

TEST_CASE("normal, exponential and integer draws have the right moments", "[rng]") {
  constexpr std::uint32_t n = 400'000;
  double sn = 0, snn = 0, se = 0;
  std::array<int, 6> dice{};
  for (std::uint32_t i = 0; i < n; ++i) {
    const double z = rng::normal(5, TestStream::A, i, 0);
    sn += z, snn += z * z;
    se += rng::exponential(5, TestStream::B, i, 0, 2.5);
    const auto d = rng::uniform_int(5, TestStream::B, i, 1, 6);
    REQUIRE(d < 6);
    ++dice[d];
  }
  // Standard errors: mean 1/sqrt(n) = 0.0016, variance sqrt(2/n) = 0.0022, exp mean 0.004.
  CHECK(std::abs(sn / n) < 0.01);
  CHECK(std::abs(snn / n - 1.0) < 0.015);
  CHECK(std::abs(se / n - 2.5) < 0.025);
  for (int count : dice) CHECK(std::abs(count - n / 6.0) < 5 * std::sqrt(n / 6.0));
}

TEST_CASE("bernoulli hits its probability", "[rng]") {
  constexpr std::uint32_t n = 200'000;
  int hits = 0;
  for (std::uint32_t i = 0; i < n; ++i) hits += rng::bernoulli(9, TestStream::A, i, 0, 0.3);
  // sd = sqrt(n p (1-p)) = 205
  CHECK(std::abs(hits - 0.3 * n) < 5 * 205);
  CHECK_FALSE(rng::bernoulli(9, TestStream::A, 1, 0, 0.0));
  CHECK(rng::bernoulli(9, TestStream::A, 1, 0, 1.0));
}
