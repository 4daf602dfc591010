// Batteries shaving their feeder's peak (sim/energy/energy_sim.h, BatteryPolicy::peak_shaving):
// a feeder above kPeakShavingThreshold of its capacity is brought back to it by its batteries,
// each in proportion to its limit; below it they recharge with the room; a feeder without a
// capacity leaves them idle.

#include <catch2/catch.hpp>

#include <limits>
#include <vector>

#include "sim/energy/energy_sim.h"

using namespace parktwin;
using namespace parktwin::energy;

namespace {

constexpr double kCapacity_w = 100e3;

// Three buildings on one feeder: 0 without a battery, 1 with 50 kW, 2 with 10 kW (both
// 200 kWh, half full at the start: stored_kwh starts at the battery's initial charge).
DistrictAssets one_feeder(double capacity_w) {
  DistrictAssets a;
  a.feeder = {0, 0, 0};
  a.battery.resize(3);
  a.battery[1] = {.capacity_kwh = 200.0, .power_kw = 50.0};
  a.battery[2] = {.capacity_kwh = 200.0, .power_kw = 10.0};
  a.chargers = {0, 0, 0};
  a.charger_w = {7000.0, 7000.0, 7000.0};
  a.feeder_name = {"f"};
  a.feeder_capacity_w = {capacity_w};
  a.feeder_substation = {0};
  a.substation_name = {"s"};
  a.substation_capacity_w = {std::numeric_limits<double>::infinity()};
  return a;
}

EnergyConfig shaving() {
  EnergyConfig c;
  c.step_s = 60.0;
  c.clock = LocalClock::at(2026, 7, 15, 9, 0);
  c.batteries = BatteryPolicy::peak_shaving;
  return c;
}

// One step with building 0 drawing `load_w`; the state after it.
EnergyState one_step(const DistrictAssets& a, double load_w, BatteryPolicy p) {
  const Tariff t = flat_tariff(0.5);
  EnergyConfig c = shaving();
  c.batteries = p;
  EnergySim sim(a, t, c, 1);
  const std::vector<float> demand{static_cast<float>(load_w), 0.0f, 0.0f}, pv(3, 0.0f);
  sim.step(demand, pv);
  return sim.state();
}

}  // namespace

TEST_CASE("peak shaving brings an overloaded feeder back to its threshold, batteries sharing",
          "[energy][battery]") {
  const DistrictAssets a = one_feeder(kCapacity_w);
  // 120 kW against a 90 kW threshold: 30 kW to shave, 25 from the 50 kW battery, 5 from the
  // 10 kW one.
  const EnergyState s = one_step(a, 120e3, BatteryPolicy::peak_shaving);
  CHECK(s.battery_w[1] == Approx(-25e3));
  CHECK(s.battery_w[2] == Approx(-5e3));
  CHECK(s.feeder_w[0] == Approx(kPeakShavingThreshold * kCapacity_w));
  // More than both can give: each gives all it can, the feeder stays above.
  const EnergyState big = one_step(a, 200e3, BatteryPolicy::peak_shaving);
  CHECK(big.battery_w[1] == Approx(-50e3));
  CHECK(big.battery_w[2] == Approx(-10e3));
  CHECK(big.feeder_w[0] == Approx(140e3));
  // Idle batteries leave the feeder overloaded.
  CHECK(one_step(a, 120e3, BatteryPolicy::idle).feeder_w[0] == Approx(120e3));
}

TEST_CASE("peak shaving recharges with the room below the threshold", "[energy][battery]") {
  const DistrictAssets a = one_feeder(kCapacity_w);
  // 60 kW: 30 kW of room, shared 25 / 5 by the two charge limits (50 and 10 kW).
  const EnergyState s = one_step(a, 60e3, BatteryPolicy::peak_shaving);
  CHECK(s.battery_w[1] == Approx(25e3));
  CHECK(s.battery_w[2] == Approx(5e3));
  CHECK(s.feeder_w[0] == Approx(kPeakShavingThreshold * kCapacity_w));
}

TEST_CASE("peak shaving over a day removes the overload hours idle batteries leave",
          "[energy][battery]") {
  const DistrictAssets a = one_feeder(kCapacity_w);
  const Tariff t = flat_tariff(0.5);
  const auto run = [&](BatteryPolicy p) {
    EnergyConfig c = shaving();
    c.batteries = p;
    EnergySim sim(a, t, c, 1);
    std::vector<float> demand(3, 0.0f);
    const std::vector<float> pv(3, 0.0f);
    for (int m = 0; m < 24 * 60; ++m) {
      // 70 kW, with a two-hour 110 kW peak: 2 h x 20 kW = 40 kWh to shave, about 20 kWh
      // more than the batteries' starting charge needs.
      demand[0] = m >= 600 && m < 720 ? 110e3f : 70e3f;
      sim.step(demand, pv);
    }
    return sim.kpis();
  };
  const EnergyKpis idle = run(BatteryPolicy::idle);
  const EnergyKpis shaved = run(BatteryPolicy::peak_shaving);
  CHECK(idle.feeder_overload_h == Approx(2.0));
  CHECK(shaved.feeder_overload_h == 0.0);
  CHECK(shaved.feeders[0].peak_kw <= 90.0 + 1e-6);
  CHECK(idle.feeders[0].peak_kw == Approx(110.0));
}

TEST_CASE("peak shaving leaves batteries idle on a feeder without a capacity",
          "[energy][battery]") {
  const DistrictAssets a = one_feeder(std::numeric_limits<double>::infinity());
  const EnergyState s = one_step(a, 500e3, BatteryPolicy::peak_shaving);
  CHECK(s.battery_w[1] == 0.0f);
  CHECK(s.battery_w[2] == 0.0f);
}
