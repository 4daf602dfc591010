#pragma once
// Counter-based random numbers (STYLE.md, rule 5). A draw is a pure function of
//   (seed, stream, entity id, counter)
// with no generator object to share, lock or checkpoint: any thread may draw for any entity
// in any order and get the same value, so parallel code stays deterministic and a resumed run
// continues the same sequence.
//
// Generator: Philox4x32-10, J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw,
// "Parallel random numbers: as easy as 1, 2, 3", SC'11 (doi:10.1145/2063384.2063405),
// section 3.2; constants and round structure as in Random123's philox.h. Checked against the
// known-answer vectors of Random123's kat_vectors file (tests/engine/test_rng.cpp).
//
// Mapping of the inputs onto Philox's 128-bit counter and 64-bit key:
//   key = {seed low 32 bits, seed high 32 bits}
//   ctr = {counter low 32, counter high 32, entity, stream}
// Distinct (stream, entity, counter) triples are distinct counters, so their outputs are
// independent blocks of one Philox sequence; distinct seeds are distinct keys.

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <type_traits>

namespace parktwin::rng {

using Block = std::array<std::uint32_t, 4>;
using Key = std::array<std::uint32_t, 2>;

namespace detail {
inline constexpr std::uint32_t kMul0 = 0xD2511F53u;
inline constexpr std::uint32_t kMul1 = 0xCD9E8D57u;
inline constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;  // golden ratio
inline constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;  // sqrt(3) - 1

constexpr void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  const std::uint64_t product = std::uint64_t{a} * b;
  hi = static_cast<std::uint32_t>(product >> 32);
  lo = static_cast<std::uint32_t>(product);
}

constexpr Block philox_round(const Block& c, const Key& k) {
  std::uint32_t hi0 = 0, lo0 = 0, hi1 = 0, lo1 = 0;
  mulhilo(kMul0, c[0], hi0, lo0);
  mulhilo(kMul1, c[2], hi1, lo1);
  return {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
}
}  // namespace detail

// The raw bijection: 10 rounds of Philox4x32 on counter `ctr` under key `key`.
constexpr Block philox4x32_10(Block ctr, Key key) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key[0] += detail::kWeyl0;
      key[1] += detail::kWeyl1;
    }
    ctr = detail::philox_round(ctr, key);
  }
  return ctr;
}

// Streams separate independent uses (spawning, lane changes, ...). The engine knows no
// city concepts: modules define their own enum of stream ids and pass it here.
using StreamId = std::uint32_t;
template <class T>
concept StreamLike = std::is_enum_v<T> || std::is_same_v<T, StreamId>;

template <StreamLike S>
constexpr StreamId stream_id(S s) {
  return static_cast<StreamId>(s);
}

// Four independent 32-bit words for (seed, stream, entity, counter).
template <StreamLike S>
constexpr Block bits(std::uint64_t seed, S stream, std::uint32_t entity, std::uint64_t counter) {
  const Key key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  const Block ctr{static_cast<std::uint32_t>(counter), static_cast<std::uint32_t>(counter >> 32),
                  entity, stream_id(stream)};
  return philox4x32_10(ctr, key);
}

// 53 random bits -> double in [0, 1), exactly representable, every value equally likely.
constexpr double to_unit(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits53 = (std::uint64_t{hi} << 21) ^ (std::uint64_t{lo} >> 11);
  return static_cast<double>(bits53) * 0x1.0p-53;
}

// Uniform double in [0, 1).
template <StreamLike S>
constexpr double uniform(std::uint64_t seed, S stream, std::uint32_t entity,
                         std::uint64_t counter) {
  const Block b = bits(seed, stream, entity, counter);
  return to_unit(b[0], b[1]);
}

// Uniform double in [lo, hi).
template <StreamLike S>
constexpr double uniform(std::uint64_t seed, S stream, std::uint32_t entity, std::uint64_t counter,
                         double lo, double hi) {
  return lo + (hi - lo) * uniform(seed, stream, entity, counter);
}

// Uniform integer in [0, n), n >= 1. Multiply-shift on 64 random bits (Lemire, "Fast random
// integer generation in an interval", ACM TOMACS 2019) without the rejection step, which a
// counter-based draw cannot repeat cheaply; the bias is below n / 2^64.
template <StreamLike S>
constexpr std::uint64_t uniform_int(std::uint64_t seed, S stream, std::uint32_t entity,
                                    std::uint64_t counter, std::uint64_t n) {
  const Block b = bits(seed, stream, entity, counter);
  const std::uint64_t r = (std::uint64_t{b[0]} << 32) | b[1];
  __extension__ using U128 = unsigned __int128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet
  return static_cast<std::uint64_t>((static_cast<U128>(r) * n) >> 64);
}

// True with probability p.
template <StreamLike S>
constexpr bool bernoulli(std::uint64_t seed, S stream, std::uint32_t entity, std::uint64_t counter,
                         double p) {
  return uniform(seed, stream, entity, counter) < p;
}

// Standard normal by the Box-Muller transform (Box & Muller, Ann. Math. Stat. 29, 1958);
// uses all four words of one block, so it needs one counter value per draw.
template <StreamLike S>
inline double normal(std::uint64_t seed, S stream, std::uint32_t entity, std::uint64_t counter) {
  const Block b = bits(seed, stream, entity, counter);
  const double u1 = 1.0 - to_unit(b[0], b[1]);  // (0, 1]: log stays finite
  const double u2 = to_unit(b[2], b[3]);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// Exponential with the given mean (inverse transform).
template <StreamLike S>
inline double exponential(std::uint64_t seed, S stream, std::uint32_t entity, std::uint64_t counter,
                          double mean) {
  return -mean * std::log(1.0 - uniform(seed, stream, entity, counter));
}

}  // namespace parktwin::rng
