// The district's electricity (sim/energy/energy_sim.h): every building's and feeder's balance
// each step, the battery's losses and limits, its policies, feeder overload hours, EV charging
// immediate and delayed, outages, and results that do not depend on the thread count.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "engine/error.h"
#include "engine/parallel.h"
#include "sim/energy/energy_sim.h"

using namespace parktwin;
using namespace parktwin::energy;

namespace {

// Four buildings on two feeders of one substation; building 1 and 3 have batteries, building 2
// has chargers.
DistrictAssets four_buildings() {
  DistrictAssets a;
  a.feeder = {0, 0, 1, 1};
  a.battery.resize(4);
  a.battery[1] = {.capacity_kwh = 100.0, .power_kw = 50.0};
  a.battery[3] = {.capacity_kwh = 40.0, .power_kw = 10.0, .round_trip_efficiency = 0.81};
  a.chargers = {0, 0, 2, 0};
  a.charger_w = {7000.0, 7000.0, 7000.0, 7000.0};
  a.feeder_name = {"north", "south"};
  a.feeder_capacity_w = {150e3, 100e3};
  a.feeder_substation = {0, 0};
  a.substation_name = {"sub"};
  a.substation_capacity_w = {220e3};
  return a;
}

// The Jiangsu periods of summer (REFERENCE.md section C), at made-up prices.
Tariff summer_tou() {
  Tariff t = flat_tariff(0.7, 0.39);
  t.name = "test TOU";
  for (int m = 0; m < kMinutesPerDay; ++m) {
    const int h = m / 60;
    t.seasons[0][static_cast<std::size_t>(m)] = (h >= 14 && h < 22)              ? TouPeriod::peak
                                                : (h < 6 || (h >= 11 && h < 13)) ? TouPeriod::valley
                                                                                 : TouPeriod::flat;
  }
  t.price_per_kwh = {0.3, 0.7, 1.2};
  return t;
}

EnergyConfig config_at(int hour, BatteryPolicy batteries = BatteryPolicy::self_consumption,
                       ChargingPolicy charging = ChargingPolicy::immediate) {
  EnergyConfig c;
  c.step_s = 60.0;
  c.clock = LocalClock::at(2026, 7, 15, hour, 0);
  c.batteries = batteries;
  c.charging = charging;
  return c;
}

// Demand and PV that swing through surplus and deficit over the day.
void inputs_at(int step, std::vector<float>& demand, std::vector<float>& pv) {
  for (std::size_t b = 0; b < demand.size(); ++b) {
    const double phase = 0.01 * step + static_cast<double>(b);
    demand[b] = static_cast<float>(30e3 + 20e3 * std::sin(phase));
    pv[b] = static_cast<float>(std::max(0.0, 45e3 * std::sin(0.7 * phase + 1.0)));
  }
}

}  // namespace

TEST_CASE("every building's and feeder's energy balance closes every step", "[energy]") {
  const DistrictAssets assets = four_buildings();
  const Tariff tariff = summer_tou();
  EnergySim sim(assets, tariff, config_at(0, BatteryPolicy::time_of_use), 16);
  std::vector<float> demand(4), pv(4);
  for (int k = 0; k < 8; ++k) sim.plug_in(2, 0.0, 6 * 3600.0 + 600.0 * k, 10.0 + 5.0 * k);
  double worst = 0.0, worst_feeder = 0.0;
  for (int step = 0; step < 24 * 60; ++step) {
    if (step == 300) sim.set_feeder_out(1, true);  // 05:00-06:00: the south feeder is out
    if (step == 360) sim.set_feeder_out(1, false);
    inputs_at(step, demand, pv);
    const std::vector<double> stored_before = sim.state().stored_kwh;
    sim.step(demand, pv);
    const EnergyState& s = sim.state();
    std::vector<double> feeder(2, 0.0);
    for (std::size_t b = 0; b < 4; ++b) {
      const double load = static_cast<double>(demand[b]) + static_cast<double>(s.charger_w[b]);
      const double battery = static_cast<double>(s.battery_w[b]);
      // pv + import + discharge + unserved = load + charge + export + curtailed
      const double in = static_cast<double>(pv[b]) + static_cast<double>(s.import_w[b]) +
                        std::max(-battery, 0.0) + static_cast<double>(s.unserved_w[b]);
      const double out = load + std::max(battery, 0.0) + static_cast<double>(s.export_w[b]) +
                         static_cast<double>(s.curtailed_w[b]);
      worst = std::max(worst, std::abs(in - out) / std::max(in, 1.0));
      CHECK(static_cast<double>(s.load_w[b]) == Approx(load).epsilon(1e-6));
      // The battery: what went in times eta_c, or out divided by eta_d.
      const BatterySpec& bat = assets.battery[b];
      if (bat.capacity_kwh > 0.0) {
        const double e = battery * 60.0 / 3.6e6;
        const double expected = stored_before[b] + (battery > 0.0 ? e * bat.one_way_efficiency()
                                                                  : e / bat.one_way_efficiency());
        CHECK(s.stored_kwh[b] == Approx(expected).epsilon(1e-9));  // battery_w is a float
        CHECK(s.stored_kwh[b] >= bat.min_kwh() - 1e-9);
        CHECK(s.stored_kwh[b] <= bat.max_kwh() + 1e-9);
        CHECK(std::abs(battery) <= bat.power_kw * 1000.0 * (1.0 + 1e-12));
      }
      feeder[assets.feeder[b]] +=
          static_cast<double>(s.import_w[b]) - static_cast<double>(s.export_w[b]);
    }
    for (std::size_t f = 0; f < 2; ++f) {
      worst_feeder = std::max(
          worst_feeder, std::abs(feeder[f] - s.feeder_w[f]) / std::max(std::abs(feeder[f]), 1.0));
    }
    CHECK(s.substation_w[0] == Approx(s.feeder_w[0] + s.feeder_w[1]).epsilon(1e-12));
  }
  INFO("worst relative imbalance: building " << worst << ", feeder " << worst_feeder);
  CHECK(worst < 1e-6);
  CHECK(worst_feeder < 1e-6);
  const EnergyKpis k = sim.kpis();
  CHECK(k.unserved_kwh > 0.0);  // the outage left some load unserved ...
  CHECK(k.battery_in_kwh > 0.0);
  CHECK(k.battery_out_kwh > 0.0);
  // ... and the sums close over the day: PV + bought + from batteries + unserved = demand +
  // charging + into batteries + sold + curtailed.
  CHECK(k.pv_kwh + k.import_kwh + k.battery_out_kwh + k.unserved_kwh ==
        Approx(k.demand_kwh + k.charging_kwh + k.battery_in_kwh + k.export_kwh + k.curtailed_kwh)
            .epsilon(1e-9));
}

TEST_CASE("a battery gives back its round-trip efficiency of what it took", "[energy]") {
  DistrictAssets a = four_buildings();
  a.battery[1] = {.capacity_kwh = 100.0,
                  .power_kw = 20.0,
                  .round_trip_efficiency = 0.9,
                  .min_soc = 0.0,
                  .max_soc = 1.0,
                  .initial_soc = 0.0};
  const Tariff t = flat_tariff(0.5);
  EnergySim sim(a, t, config_at(0), 0);
  std::vector<float> demand(4, 0.0f), pv(4, 0.0f);
  // Surplus PV fills the battery at its 20 kW limit until it is full ...
  pv[1] = 50e3f;
  double in_steps = 0;
  while (sim.state().stored_kwh[1] < 100.0 - 1e-9 && in_steps < 1000) {
    sim.step(demand, pv);
    ++in_steps;
  }
  CHECK(sim.state().stored_kwh[1] == Approx(100.0).epsilon(1e-12));
  const EnergyKpis full = sim.kpis();
  // 100 kWh stored took 100 / sqrt(0.9) kWh: at 20 kW, 5.27 h.
  CHECK(full.battery_in_kwh == Approx(100.0 / std::sqrt(0.9)).epsilon(1e-9));
  // ... then a load empties it at 20 kW and gets 0.9 of what went in.
  pv[1] = 0.0f;
  demand[1] = 30e3f;
  for (int i = 0; i < 1000; ++i) sim.step(demand, pv);
  const EnergyKpis k = sim.kpis();
  CHECK(sim.state().stored_kwh[1] == Approx(0.0).margin(1e-9));
  CHECK(k.battery_out_kwh == Approx(0.9 * k.battery_in_kwh).epsilon(1e-9));
  CHECK(k.battery_out_kwh == Approx(100.0 * std::sqrt(0.9)).epsilon(1e-9));
}

TEST_CASE("the time-of-use rule charges in the valley and covers the load at the peak",
          "[energy]") {
  DistrictAssets a = four_buildings();
  const Tariff t = summer_tou();
  // From midnight: 00-06 valley, 06-11 flat, 11-13 valley, 13-14 flat, 14-22 peak.
  EnergySim sim(a, t, config_at(0, BatteryPolicy::time_of_use), 0);
  std::vector<float> demand(4, 20e3f), pv(4, 0.0f);
  double stored_at_6 = 0.0;
  for (int step = 0; step < 24 * 60; ++step) {
    sim.step(demand, pv);
    const double battery = static_cast<double>(sim.state().battery_w[1]);
    const int hour = step / 60;
    if (hour < 6) CHECK(battery >= 0.0);
    if (hour >= 6 && hour < 11) CHECK(battery == 0.0);  // flat, no PV: nothing to store
    if (hour >= 14 && hour < 22) CHECK(battery <= 0.0);
    if (step == 6 * 60 - 1) stored_at_6 = sim.state().stored_kwh[1];
  }
  // Full by 06:00 (50 kW for 6 h is more than the 45 kWh of room) ...
  CHECK(stored_at_6 == Approx(a.battery[1].max_kwh()).epsilon(1e-9));
  // ... and the peak hours drew it down to its reserve (20 kW load, 50 kW limit).
  CHECK(sim.state().stored_kwh[1] == Approx(a.battery[1].min_kwh()).epsilon(1e-9));
  // Without a battery policy the same day costs more: the peak is bought.
  EnergySim idle(a, t, config_at(0, BatteryPolicy::idle), 0);
  for (int step = 0; step < 24 * 60; ++step) idle.step(demand, pv);
  CHECK(sim.kpis().cost < idle.kpis().cost);
}

TEST_CASE("feeder overload hours count the time beyond capacity", "[energy]") {
  DistrictAssets a = four_buildings();
  for (auto& b : a.battery) b = {};
  const Tariff t = flat_tariff(0.5);
  EnergySim sim(a, t, config_at(0), 0);
  std::vector<float> demand(4, 0.0f), pv(4, 0.0f);
  // North: 2 x 100 kW on 150 kW for 2 h; south: 60 kW on 100 kW.
  demand = {100e3f, 100e3f, 30e3f, 30e3f};
  for (int i = 0; i < 120; ++i) sim.step(demand, pv);
  demand = {50e3f, 50e3f, 30e3f, 30e3f};
  for (int i = 0; i < 60; ++i) sim.step(demand, pv);
  const EnergyKpis k = sim.kpis();
  REQUIRE(k.feeders.size() == 2);
  CHECK(k.feeders[0].overload_h == Approx(2.0));
  CHECK(k.feeders[0].peak_kw == Approx(200.0));
  CHECK(k.feeders[1].overload_h == 0.0);
  CHECK(k.feeder_overload_h == Approx(2.0));
  CHECK(k.substation_overload_h == Approx(2.0));  // 260 kW on 220 kW
  CHECK(k.import_kwh == Approx(260.0 * 2 + 160.0));
  CHECK(k.cost == Approx(0.5 * (260.0 * 2 + 160.0)));
  CHECK(k.co2_kg == Approx(kGridCarbonKgPerKwh * (260.0 * 2 + 160.0)));
}

TEST_CASE("delayed charging moves an overnight session into the valley at the same energy",
          "[energy]") {
  const DistrictAssets a = [] {
    DistrictAssets d = four_buildings();
    for (auto& b : d.battery) b = {};
    return d;
  }();
  const Tariff t = summer_tou();
  const auto run = [&](ChargingPolicy policy) {
    // 19:00: a car arrives needing 30 kWh and leaves at 08:00.
    EnergySim sim(a, t, config_at(19, BatteryPolicy::idle, policy), 4);
    std::vector<float> demand(4, 0.0f), pv(4, 0.0f);
    sim.plug_in(2, 0.0, 13 * 3600.0, 30.0);
    double charged_outside_valley = 0.0;
    for (int step = 0; step < 13 * 60; ++step) {
      sim.step(demand, pv);
      if (sim.state().period != TouPeriod::valley) {
        charged_outside_valley += static_cast<double>(sim.state().charger_w[2]) * 60.0 / 3.6e6;
      }
    }
    return std::pair{sim.kpis(), charged_outside_valley};
  };
  const auto [now, now_outside] = run(ChargingPolicy::immediate);
  const auto [later, later_outside] = run(ChargingPolicy::delayed);
  CHECK(now.ev_delivered_kwh == Approx(30.0));
  CHECK(later.ev_delivered_kwh == Approx(30.0));
  CHECK(now.ev_sessions_full == 1.0);
  CHECK(later.ev_sessions_full == 1.0);
  // Immediate: 7 kW from 19:00, 3 h of the 19-22 peak, then flat until full at 23:46.
  const double grid_kwh = 30.0 / kChargingEfficiency;
  CHECK(now_outside == Approx(grid_kwh));
  CHECK(later_outside == 0.0);
  CHECK(now.charging_kwh == Approx(grid_kwh));
  CHECK(later.charging_kwh == Approx(grid_kwh));
  CHECK(now.cost == Approx(21.0 * 1.2 + (grid_kwh - 21.0) * 0.7));
  CHECK(later.cost == Approx(grid_kwh * 0.3));
}

TEST_CASE("delayed charging still meets a departure that leaves no room to wait", "[energy]") {
  DistrictAssets a = four_buildings();
  const Tariff t = summer_tou();
  // 15:00, peak: 14 kWh in 2 h from one 7 kW point (6.3 kW into the battery) needs 2.2 h, so
  // waiting is never allowed; the car leaves short, by what 2 h at full power could not give.
  EnergySim sim(a, t, config_at(15, BatteryPolicy::idle, ChargingPolicy::delayed), 4);
  std::vector<float> demand(4, 0.0f), pv(4, 0.0f);
  sim.plug_in(2, 0.0, 7200.0, 14.0);
  for (int step = 0; step <= 120; ++step) sim.step(demand, pv);
  const EnergyKpis k = sim.kpis();
  CHECK(k.ev_delivered_kwh == Approx(7.0 * kChargingEfficiency * 2.0));
  CHECK(k.ev_sessions_short == 1.0);
  CHECK(k.ev_unserved_kwh == Approx(14.0 - 7.0 * kChargingEfficiency * 2.0));
}

TEST_CASE("sessions take a building's chargers in order of arrival", "[energy]") {
  DistrictAssets a = four_buildings();  // building 2: two chargers
  const Tariff t = flat_tariff(0.5);
  EnergySim sim(a, t, config_at(9), 4);
  std::vector<float> demand(4, 0.0f), pv(4, 0.0f);
  sim.plug_in(2, 0.0, 36000.0, 6.3);  // one hour at 7 kW
  sim.plug_in(2, 0.0, 36000.0, 6.3);
  sim.plug_in(2, 0.0, 36000.0, 6.3);  // waits for the first two
  for (int step = 0; step < 60; ++step) {
    sim.step(demand, pv);
    CHECK(static_cast<double>(sim.state().charger_w[2]) == Approx(14000.0));
  }
  sim.step(demand, pv);  // the first two are full: the third takes a charger
  CHECK(static_cast<double>(sim.state().charger_w[2]) == Approx(7000.0));
  CHECK(sim.kpis().ev_sessions_full == 2.0);
}

TEST_CASE("energy results are bit-identical for any thread count", "[threads][energy]") {
  DistrictAssets a;
  const std::size_t n = 3000;  // several chunks
  for (std::size_t b = 0; b < n; ++b) {
    a.feeder.push_back(static_cast<std::uint32_t>(b % 3));
    BatterySpec bat;
    if (b % 5 == 0) bat = {.capacity_kwh = 50.0, .power_kw = 25.0};
    a.battery.push_back(bat);
    a.chargers.push_back(static_cast<std::uint16_t>(b % 7 == 0 ? 2 : 0));
    a.charger_w.push_back(7000.0);
  }
  a.feeder_name = {"a", "b", "c"};
  a.feeder_capacity_w = {1e7, 2e7, std::numeric_limits<double>::infinity()};
  a.feeder_substation = {0, 0, 0};
  a.substation_name = {"s"};
  a.substation_capacity_w = {3e7};
  const Tariff t = summer_tou();
  const auto run = [&](int threads) {
    par::ThreadLimit limit(threads);
    EnergySim sim(a, t, config_at(10, BatteryPolicy::time_of_use), 600);
    std::vector<float> demand(n), pv(n);
    for (int step = 0; step < 600; ++step) {
      if (step % 2 == 0) {
        sim.plug_in(static_cast<std::uint32_t>((step * 7) % n / 7 * 7), 60.0 * step,
                    60.0 * step + 7200.0, 20.0);
      }
      inputs_at(step, demand, pv);
      sim.step(demand, pv);
    }
    return sim.kpis();
  };
  const EnergyKpis one = run(1), two = run(2);
  CHECK(one.import_kwh == two.import_kwh);
  CHECK(one.export_kwh == two.export_kwh);
  CHECK(one.cost == two.cost);
  CHECK(one.co2_kg == two.co2_kg);
  CHECK(one.pv_kwh == two.pv_kwh);
  CHECK(one.battery_stored_kwh == two.battery_stored_kwh);
  CHECK(one.ev_delivered_kwh == two.ev_delivered_kwh);
  CHECK(one.peak_import_kw == two.peak_import_kw);
  CHECK(one.ev_delivered_kwh > 0.0);
}

TEST_CASE("bad energy settings are errors", "[energy]") {
  const DistrictAssets a = four_buildings();
  const Tariff t = flat_tariff(0.5);
  EnergyConfig c = config_at(0);
  c.carbon_kg_per_kwh = -0.1;
  CHECK_THROWS_WITH(EnergySim(a, t, c, 0), Catch::Contains("carbon"));
  c = config_at(0);
  c.step_s = 0.0;
  CHECK_THROWS_WITH(EnergySim(a, t, c, 0), Catch::Contains("step"));
  EnergySim sim(a, t, config_at(0), 1);
  sim.plug_in(2, 0.0, 10.0, 1.0);
  CHECK_THROWS_WITH(sim.plug_in(2, 0.0, 10.0, 1.0), Catch::Contains("capacity"));
  CHECK_THROWS_WITH(sim.set_feeder_out(7, true), Catch::Contains("feeder"));
}

TEST_CASE("a car leaving within a step charges until it leaves, session counts add up",
          "[energy]") {
  const DistrictAssets a = four_buildings();  // building 2: two 7 kW chargers
  const Tariff t = flat_tariff(0.5);
  EnergySim sim(a, t, config_at(9), 4);
  std::vector<float> demand(4, 0.0f), pv(4, 0.0f);
  sim.plug_in(2, 0.0, 90.0, 20.0);     // leaves 30 s into the second step
  sim.plug_in(2, 0.0, 36000.0, 0.05);  // full within the first step
  sim.plug_in(2, 0.0, 36000.0, 20.0);  // waits for a charger, then charges on
  for (int step = 0; step < 3; ++step) sim.step(demand, pv);
  const EnergyKpis k = sim.kpis();
  const double per_s = 7.0 * kChargingEfficiency / 3600.0;  // kWh into a battery per second
  CHECK(sim.state().sessions.delivered_kwh[0] == Approx(per_s * 90.0));
  CHECK(k.ev_sessions_short == 1.0);
  CHECK(k.ev_unserved_kwh == Approx(20.0 - per_s * 90.0));
  CHECK(k.ev_sessions_full == 1.0);
  CHECK(k.ev_sessions_plugged == 1.0);
  CHECK(k.ev_sessions_full + k.ev_sessions_short + k.ev_sessions_plugged == k.ev_sessions);
  // The third took the charger the second left after the first step.
  CHECK(sim.state().sessions.delivered_kwh[2] == Approx(per_s * 120.0));
}

TEST_CASE("an agent's battery power is followed within the state of charge, NaN hands back",
          "[energy][control]") {
  DistrictAssets a = four_buildings();  // building 1: 100 kWh, 50 kW, starts at 50 %
  const Tariff t = flat_tariff(0.5);
  EnergySim sim(a, t, config_at(9, BatteryPolicy::idle), 0);
  std::vector<float> demand(4, 10e3f), pv(4, 0.0f);
  sim.set_battery_power(1, 20e3);
  sim.step(demand, pv);
  CHECK(static_cast<double>(sim.state().battery_w[1]) == Approx(20e3));
  // The building imports its load and the battery's charge: the balance holds.
  CHECK(static_cast<double>(sim.state().import_w[1]) == Approx(30e3));
  CHECK(sim.state().battery_w[3] == 0.0f);  // building 3 keeps its policy (idle)
  // Discharging at the rated 50 kW until the battery reaches its minimum: the limits say how
  // much is left before each step, and the battery gives exactly that at the end.
  sim.set_battery_power(1, -50e3);
  for (int i = 0; i < 200; ++i) {
    const auto [lo, hi] = sim.battery_limits_w(1);
    CHECK(lo <= 0.0);
    CHECK(hi >= 0.0);
    sim.step(demand, pv);
    CHECK(static_cast<double>(sim.state().battery_w[1]) == Approx(std::max(lo, -50e3)));
  }
  CHECK(sim.state().stored_kwh[1] == Approx(a.battery[1].min_kwh()));
  CHECK(sim.battery_limits_w(1).first == Approx(0.0).margin(1e-6));
  // NaN: back to the scenario's policy (idle).
  sim.set_battery_power(1, std::numeric_limits<double>::quiet_NaN());
  sim.step(demand, pv);
  CHECK(sim.state().battery_w[1] == 0.0f);
  CHECK(sim.battery_limits_w(0) == std::pair<double, double>{0.0, 0.0});  // no battery
}

TEST_CASE("an agent's charging cap is shared least laxity first", "[energy][control]") {
  DistrictAssets a = four_buildings();  // building 2: two chargers of 7 kW
  const Tariff t = flat_tariff(0.5);
  EnergySim sim(a, t, config_at(9), 3);
  std::vector<float> demand(4, 0.0f), pv(4, 0.0f);
  CHECK(sim.charging_cap_max_w(2) == 14000.0);
  sim.plug_in(2, 0.0, 36000.0, 30.0);
  sim.plug_in(2, 0.0, 36000.0, 30.0);
  sim.set_charging_cap(2, 10e3);  // equal laxity: the first to arrive gets 7 kW, then 3 kW
  sim.step(demand, pv);
  CHECK(static_cast<double>(sim.state().charger_w[2]) == Approx(10e3));
  const double first = sim.state().sessions.delivered_kwh[0];
  const double second = sim.state().sessions.delivered_kwh[1];
  CHECK(first == Approx(7.0 / 60.0 * kChargingEfficiency));
  CHECK(second == Approx(3.0 / 60.0 * kChargingEfficiency));
  sim.set_charging_cap(2, 0.0);  // nothing flows; the cars stay plugged in
  sim.step(demand, pv);
  CHECK(sim.state().charger_w[2] == 0.0f);
  CHECK(sim.state().sessions.active_count == 2);
  sim.set_charging_cap(2, std::numeric_limits<double>::quiet_NaN());  // the policy: immediate
  sim.step(demand, pv);
  CHECK(static_cast<double>(sim.state().charger_w[2]) == Approx(14e3));

  // A third car that must leave sooner (less laxity) takes the cap before those here longer.
  EnergySim later(a, t, config_at(9), 3);
  later.plug_in(2, 0.0, 36000.0, 30.0);
  later.plug_in(2, 0.0, 7200.0, 10.0);  // 10 kWh in 2 h: 1.4 h at 7 kW, 0.6 h to spare
  later.set_charging_cap(2, 7e3);
  later.step(demand, pv);
  CHECK(later.state().sessions.delivered_kwh[0] == 0.0);
  CHECK(later.state().sessions.delivered_kwh[1] == Approx(7.0 / 60.0 * kChargingEfficiency));
}

TEST_CASE("energy actions out of bounds are refused, naming the building", "[energy][control]") {
  DistrictAssets a = four_buildings();
  const Tariff t = flat_tariff(0.5);
  EnergySim sim(a, t, config_at(9), 0);
  const auto message = [&](auto&& call) {
    try {
      call();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  using Catch::Matchers::Contains;
  CHECK_THAT(message([&] { sim.set_battery_power(1, 60e3); }),
             Contains("beyond the battery's rating") && Contains("building 1") &&
                 Contains("-50000..50000 W"));
  CHECK_THAT(message([&] { sim.set_battery_power(0, 1e3); }),
             Contains("without a battery") && Contains("building 0"));
  CHECK_THAT(message([&] { sim.set_battery_power(9, 0.0); }), Contains("no such building"));
  CHECK_THAT(message([&] { sim.set_battery_power(1, std::numeric_limits<double>::infinity()); }),
             Contains("rating"));
  CHECK_THAT(message([&] { sim.set_charging_cap(2, 15e3); }),
             Contains("outside the car park's chargers") && Contains("0..14000 W"));
  CHECK_THAT(message([&] { sim.set_charging_cap(2, -1.0); }), Contains("building 2"));
  CHECK_THAT(message([&] { sim.set_charging_cap(0, 1.0); }), Contains("0..0 W"));
  // Nothing was taken: the policies still rule.
  CHECK(std::isnan(sim.state().battery_ctrl_w[1]));
  CHECK(std::isnan(sim.state().charging_cap_w[2]));
}

TEST_CASE("an hourly carbon series counts each hour's bought energy at that hour's intensity",
          "[energy][carbon]") {
  DistrictAssets a = four_buildings();
  const Tariff t = flat_tariff(0.5);
  EnergyConfig c = config_at(9, BatteryPolicy::idle);  // 09:00 local
  c.carbon_hourly_kg_per_kwh.assign(24, 0.6);
  c.carbon_hourly_kg_per_kwh[9] = 0.4;
  c.carbon_hourly_kg_per_kwh[10] = 0.8;
  EnergySim sim(a, t, c, 1);
  CHECK(sim.carbon_kg_per_kwh_at(0.0) == 0.4);
  CHECK(sim.carbon_kg_per_kwh_at(3600.0) == 0.8);
  CHECK(sim.carbon_kg_per_kwh_at(15 * 3600.0) == 0.6);  // a day's series repeats
  CHECK(sim.carbon_kg_per_kwh_at(24 * 3600.0) == 0.4);
  // 100 kW bought by the four buildings for two hours: 40 kg then 80 kg of CO2.
  const std::vector<float> demand(4, 25e3f), pv(4, 0.0f);
  for (int step = 0; step < 120; ++step) sim.step(demand, pv);
  CHECK(sim.kpis().import_kwh == Approx(200.0));
  CHECK(sim.kpis().co2_kg == Approx(100.0 * 0.4 + 100.0 * 0.8));

  // A year's series: hour of the year from 1 January 00:00 local time (15 July 09:00 is hour
  // 195 * 24 + 9).
  EnergyConfig y = c;
  y.carbon_hourly_kg_per_kwh.assign(8760, 0.5);
  y.carbon_hourly_kg_per_kwh[195 * 24 + 9] = 1.5;
  const EnergySim year(a, t, y, 1);
  CHECK(year.carbon_kg_per_kwh_at(0.0) == 1.5);
  CHECK(year.carbon_kg_per_kwh_at(3600.0) == 0.5);

  EnergyConfig bad = c;
  bad.carbon_hourly_kg_per_kwh.assign(23, 0.5);
  CHECK_THROWS_WITH(EnergySim(a, t, bad, 1), Catch::Contains("wrong length"));
  bad.carbon_hourly_kg_per_kwh.assign(24, 0.5);
  bad.carbon_hourly_kg_per_kwh[3] = -1.0;
  CHECK_THROWS_WITH(EnergySim(a, t, bad, 1), Catch::Contains("carbon_hourly_kg_per_kwh[3]"));
}
