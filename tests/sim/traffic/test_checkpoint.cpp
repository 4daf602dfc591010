// Checkpoints of the traffic state (TrafficSim::save_state / restore_state): a simulation
// restored from a saved state continues bit for bit as the original does.

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "cityflow_fixture.h"
#include "engine/raw_bytes.h"
#include "scenarios/manifest.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"
#include "tests/support/saved_state.h"

using namespace parktwin;

using test::restore_state;
using test::save_state;
using Saved = test::SavedState;

TEST_CASE("a restored simulation continues bit for bit", "[traffic][checkpoint]") {
  const auto m =
      scenarios::load_manifest(test::assets_dir() + "/scenarios/hangzhou_4x4/scenario.toml");
  const traffic::Network net = scenarios::load_network(m.network_path);
  const traffic::Demand demand = scenarios::load_demand(m.demand_path, net, 1800);
  traffic::TrafficSim original(net, demand, {1.0, 3});
  for (int i = 0; i < 600; ++i) original.step();
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
