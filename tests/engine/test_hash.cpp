#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "engine/hash.h"

using namespace parktwin;

TEST_CASE("state hash: equal input, equal hash, any change, another hash", "[hash]") {
  std::vector<float> speeds(10'001, 13.9f);
  auto hash_of = [](const std::vector<float>& v) {
    StateHash h;
    h.add(std::span<const float>(v));
    return h.value();
  };
  const auto base = hash_of(speeds);
  CHECK(hash_of(speeds) == base);
  speeds[5000] = std::nextafter(speeds[5000], 100.0f);  // one ulp
  CHECK(hash_of(speeds) != base);
  speeds[5000] = 13.9f;
  speeds.pop_back();  // length is part of the state
  CHECK(hash_of(speeds) != base);
}

TEST_CASE("state hash distinguishes framing and signed zero", "[hash]") {
  StateHash a, b;
  a.add(std::uint32_t{1});
  a.add(std::uint32_t{2});
  const std::array<std::uint32_t, 2> both{1, 2};
  b.add(std::span<const std::uint32_t>(both));
  CHECK(a.value() != b.value());

  StateHash pz, nz;
  pz.add(0.0);
  nz.add(-0.0);
  CHECK(pz.value() != nz.value());
}
