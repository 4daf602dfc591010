// Checkpoints of the traffic state (TrafficSim::save_state / restore_state): a simulation
// restored from a saved state continues bit for bit as the original does.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "cityflow_fixture.h"
#include "engine/error.h"
#include "engine/raw_bytes.h"
#include "scenarios/manifest.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"
#include "tests/support/saved_state.h"

using namespace parktwin;

using test::restore_state;
using test::save_state;
using Saved = test::SavedState;

namespace {

// The default scenario's traffic (its first half hour of demand), stepped 600 s.
struct Hangzhou {
  scenarios::Manifest m =
      scenarios::load_manifest(test::assets_dir() + "/scenarios/hangzhou_4x4/scenario.toml");
  traffic::Network net = scenarios::load_network(m.network_path);
  traffic::Demand demand = scenarios::load_demand(m.demand_path, net, 1800);
  traffic::TrafficSim original{net, demand, {1.0, 3}};
  Hangzhou() {
    for (int i = 0; i < 600; ++i) original.step();
  }
};

}  // namespace

TEST_CASE("a restored simulation continues bit for bit", "[traffic][checkpoint]") {
  Hangzhou h;
  const traffic::Network& net = h.net;
  const traffic::Demand& demand = h.demand;
  traffic::TrafficSim& original = h.original;
  const Saved saved = save_state(original);
  CHECK(saved.size() == 49);

  traffic::TrafficSim restored(net, demand, {1.0, 3});
  restore_state(restored, saved);
  CHECK(restored.state_hash() == original.state_hash());
  CHECK(restored.time_s() == 600.0);
  for (int i = 0; i < 1200; ++i) {
    original.step();
    restored.step();
  }
  CHECK(restored.state_hash() == original.state_hash());
  const traffic::TrafficKpis a = original.kpis(), b = restored.kpis();
  CHECK(a.finished > 0);
  CHECK(a.finished == b.finished);
  CHECK(a.average_travel_time_s == b.average_travel_time_s);
  CHECK(a.mean_finished_delay_s == b.mean_finished_delay_s);
  CHECK(a.mean_halting == b.mean_halting);
  CHECK(a.co2_kg == b.co2_kg);
}

TEST_CASE("bytes of the wrong size are refused", "[traffic][checkpoint]") {
  double x = 1.0;
  const std::vector<unsigned char> three(3, 0);
  CHECK_FALSE(assign_raw(x, three));
  CHECK(x == 1.0);
  std::vector<std::uint32_t> v;
  CHECK_FALSE(assign_raw(v, three));
  const std::vector<std::uint32_t> w{1, 2, 3};
  CHECK(assign_raw(v, raw_bytes(w)));
  CHECK(v == w);
}

namespace {

// Overwrites the 4-byte word `word` of part `name` (as a corrupt or hostile file might).
void poke_u32(Saved& saved, const std::string& name, std::size_t word, std::uint32_t value) {
  REQUIRE(saved.at(name).size() >= (word + 1) * 4);
  std::memcpy(saved.at(name).data() + word * 4, &value, 4);
}

}  // namespace

TEST_CASE("a corrupt state is refused naming its part, before anything reads it",
          "[traffic][checkpoint]") {
  Hangzhou h;
  const traffic::Network& net = h.net;
  const traffic::Demand& demand = h.demand;
  traffic::TrafficSim& original = h.original;
  const Saved good = save_state(original);
  const auto N = static_cast<std::uint32_t>(demand.trip_count());
  const traffic::TrafficState& st = original.state();
  // A running vehicle, a segment holding one and a lane with a waiting list.
  std::uint32_t running = 0;
  while (st.status[running] != traffic::VehicleStatus::running) ++running;
  const std::uint32_t seg = st.segment[running];

  auto refused = [&](Saved bad, const std::string& part) {
    traffic::TrafficSim sim(net, demand, {1.0, 3});
    try {
      restore_state(sim, bad);
      FAIL("accepted a corrupt " << part);
    } catch (const Error& e) {
      CHECK(e.context().field == part);
      CHECK(std::string(e.what()).find("corrupt state") != std::string::npos);
    }
  };
  {
    Saved bad = good;  // the fuzz finding: a queue count far beyond the capacity
    poke_u32(bad, "queue_count", seg, 0x7fffffffu);
    refused(bad, "queue_count");
  }
  {
    Saved bad = good;  // a queue head outside its ring
    poke_u32(bad, "queue_head", seg, 0xfffffff0u);
    refused(bad, "queue_head");
  }
  {
    Saved bad = good;  // a vehicle in a queue that does not exist
    const std::uint32_t begin = st.queues.begin[seg], head = st.queues.head[seg];
    poke_u32(bad, "queue_pool", begin + head, N + 7);
    refused(bad, "queue_pool");
  }
  {
    Saved bad = good;  // the fuzz finding: a waiting list starting one past the last vehicle
    poke_u32(bad, "wait_head", 0, N);
    refused(bad, "wait_head");
  }
  {
    Saved bad = good;  // a waiting list holding a running vehicle
    poke_u32(bad, "wait_head", 0, running);
    refused(bad, "wait_head");
  }
  {
    Saved bad = good;
    poke_u32(bad, "segment", running, 0xfffffff0u);
    refused(bad, "segment");
  }
  {
    Saved bad = good;
    poke_u32(bad, "route_pos", running, 1000000u);
    refused(bad, "route_pos");
  }
  {
    Saved bad = good;
    poke_u32(bad, "planned_link", running, 0xfffffff0u);
    refused(bad, "planned_link");
  }
  {
    Saved bad = good;
    poke_u32(bad, "signal_phase", 0, 99u);
    refused(bad, "signal_phase");
  }
  {
    Saved bad = good;  // a cycle of 0 s would keep the signal clock adding phases for ever
    std::vector<unsigned char>& d = bad.at("phase_duration_s");
    std::fill(d.begin(), d.end(), 0);
    refused(bad, "phase_duration_s");
  }
  {
    Saved bad = good;  // the fuzz finding: a step of -2^52
    const std::int64_t step = -(std::int64_t{1} << 52);
    std::memcpy(bad.at("step").data(), &step, 8);
    refused(bad, "step");
  }
  // The untouched state is accepted and continues.
  traffic::TrafficSim restored(net, demand, {1.0, 3});
  restore_state(restored, good);
  CHECK(restored.state_hash() == original.state_hash());
}
