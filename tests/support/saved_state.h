#pragma once
// Test support: a simulation's state (TrafficSim::save_state) as named byte arrays, and back.

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "engine/raw_bytes.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::test {

using SavedState = std::map<std::string, std::vector<unsigned char>>;

inline SavedState save_state(const traffic::TrafficSim& sim) {
  SavedState saved;
  sim.save_state([&](const char* name, const auto& value) {
    const auto bytes = raw_bytes(value);
    saved[name].assign(bytes.begin(), bytes.end());
  });
  return saved;
}

inline void restore_state(traffic::TrafficSim& sim, const SavedState& saved) {
  sim.restore_state([&](const char* name, auto& value) {
    REQUIRE(saved.count(name) == 1);
    REQUIRE(assign_raw(value, saved.at(name)));
  });
}

}  // namespace parktwin::test
