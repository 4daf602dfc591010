#pragma once
// A 64-bit hash of simulation state, for determinism checks (same hash for any thread count,
// after resume) and benchmark output. Not cryptographic. FNV-1a (Fowler, Noll, Vo;
// IETF draft-eastlake-fnv) applied to whole 64-bit words rather than bytes for speed, with a
// final avalanche (the fmix64 finaliser of MurmurHash3, Appleby) so close states differ widely.
// Values hash by their bytes: -0.0 and 0.0 differ, as they should for a bit-identity check.

#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

namespace parktwin {

class StateHash {
 public:
  void add_bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, p + i, 8);
      mix(w);
    }
    if (i < size) {
      std::uint64_t w = 0;
      std::memcpy(&w, p + i, size - i);
      mix(w ^ (std::uint64_t{size - i} << 56));
    }
    mix(size);  // so that {a, b} and {a} + {b} framing differ
  }

  template <class T>
  requires std::is_trivially_copyable_v<T>
  void add(const T& value) { add_bytes(&value, sizeof(T)); }

  template <class T>
  requires std::is_trivially_copyable_v<T>
  void add(std::span<const T> values) { add_bytes(values.data(), values.size_bytes()); }

  std::uint64_t value() const {
    std::uint64_t h = state_;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  }

 private:
  void mix(std::uint64_t word) {
    state_ ^= word;
    state_ *= 0x100000001b3ULL;  // FNV-1a 64-bit prime
  }

  std::uint64_t state_ = 0xcbf29ce484222325ULL;  // FNV-1a 64-bit offset basis
};

}  // namespace parktwin
