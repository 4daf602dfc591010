// EV charging scheduled under the feeder's room (sim/energy/ev_charging.h): earliest deadline
// first and least laxity first as ACN-Sim evaluates them, against immediate charging.

#include <catch2/catch.hpp>

#include <limits>
#include <vector>

#include "sim/energy/energy_sim.h"

using namespace parktwin;
using namespace parktwin::energy;

namespace {

constexpr double kStep_s = 60.0;
constexpr double kCharger_w = 7000.0;
constexpr double kDemand_w = 90e3;

// One building with three 7 kW chargers on one feeder of `capacity_w`.
DistrictAssets one_car_park(double capacity_w) {
  DistrictAssets a;
  a.feeder = {0};
  a.battery.resize(1);
  a.chargers = {3};
  a.charger_w = {kCharger_w};
  a.feeder_name = {"f"};
  a.feeder_capacity_w = {capacity_w};
  a.feeder_substation = {0};
  a.substation_name = {"s"};
  a.substation_capacity_w = {std::numeric_limits<double>::infinity()};
  return a;
}

EnergyConfig config(ChargingPolicy charging) {
  EnergyConfig c;
  c.step_s = kStep_s;
  c.clock = LocalClock::at(2026, 7, 15, 9, 0);
  c.batteries = BatteryPolicy::idle;
  c.charging = charging;
  return c;
}

// kWh into the battery in one step at power w.
double kwh_in_one_step(double w) { return w / 3.6e6 * kChargingEfficiency * kStep_s; }

struct Session {
  double depart_s, need_kwh;
};

// Delivered energy per session after `steps` steps at a steady 90 kW demand.
std::vector<double> delivered_after(ChargingPolicy p, double capacity_w,
                                    const std::vector<Session>& sessions, int steps,
                                    EnergyKpis* kpis = nullptr) {
  const DistrictAssets a = one_car_park(capacity_w);
  const Tariff t = flat_tariff(0.5);
  EnergySim sim(a, t, config(p), sessions.size());
  for (const Session& s : sessions) sim.plug_in(0, 0.0, s.depart_s, s.need_kwh);
  const std::vector<float> demand{static_cast<float>(kDemand_w)}, pv{0.0f};
  for (int k = 0; k < steps; ++k) {
    sim.step(demand, pv);
    CHECK(sim.state().feeder_w[0] <= capacity_w * (1.0 + 1e-12));
  }
  if (kpis != nullptr) *kpis = sim.kpis();
  const ChargingSessions& c = sim.state().sessions;
  return {c.delivered_kwh.begin(), c.delivered_kwh.begin() + static_cast<long>(sessions.size())};
}

}  // namespace

TEST_CASE("earliest deadline first fills the feeder's room in order of departure",
          "[energy][charging]") {
  // 10 kW of room (less the margin): the car leaving first gets its charger's 7 kW, the next
  // the other 3 kW, the last none, though all three hold a charger.
  const std::vector<Session> s{{7200.0, 20.0}, {3600.0, 5.0}, {10800.0, 5.0}};
  const std::vector<double> d = delivered_after(ChargingPolicy::edf, kDemand_w + 10e3, s, 1);
  CHECK(d[1] == Approx(kwh_in_one_step(7000.0)));
  CHECK(d[0] == Approx(kwh_in_one_step(3000.0 - kScheduleMargin_w)));
  CHECK(d[2] == 0.0);
}

TEST_CASE("least laxity first serves the car with the least slack, not the first to leave",
          "[energy][charging]") {
  // Room for one charger. A leaves in 1 h needing 1 kWh (about 50 min of slack); B leaves in
  // 2 h needing 12 kWh, which takes its charger 1 h 54 min (6 min of slack).
  const std::vector<Session> s{{3600.0, 1.0}, {7200.0, 12.0}};
  const double room = kDemand_w + kCharger_w + kScheduleMargin_w;
  const std::vector<double> edf = delivered_after(ChargingPolicy::edf, room, s, 1);
  const std::vector<double> llf = delivered_after(ChargingPolicy::llf, room, s, 1);
  CHECK(edf[0] == Approx(kwh_in_one_step(kCharger_w)));
  CHECK(edf[1] == 0.0);
  CHECK(llf[0] == 0.0);
  CHECK(llf[1] == Approx(kwh_in_one_step(kCharger_w)));
  // Over the stay one charger's room gives 2 h x 6.3 kW = 12.6 kWh of the 13 wanted: both
  // rules, optimal on one resource, leave exactly the 0.4 kWh that cannot fit.
  EnergyKpis e{}, l{};
  delivered_after(ChargingPolicy::edf, room, s, 121, &e);
  delivered_after(ChargingPolicy::llf, room, s, 121, &l);
  CHECK(e.ev_unserved_kwh == Approx(0.4));
  CHECK(l.ev_unserved_kwh == Approx(0.4));
  CHECK(e.ev_delivered_kwh == Approx(12.6));
  CHECK(l.ev_delivered_kwh == Approx(12.6));
}

TEST_CASE("scheduled charging keeps a tight feeder within its capacity where immediate does not",
          "[energy][charging]") {
  // Three cars for 8 h, 10 kWh each; 10 kW of room above the demand. Immediate draws 21 kW
  // and overloads the feeder while they charge; edf and llf take turns within the room and
  // still fill all three (30 kWh at 9 kWh per hour: 3 h 20 min).
  const std::vector<Session> s{{28800.0, 10.0}, {28800.0, 10.0}, {28800.0, 10.0}};
  const double capacity = kDemand_w + 10e3;
  const DistrictAssets a = one_car_park(capacity);
  const Tariff t = flat_tariff(0.5);
  const auto run = [&](ChargingPolicy p) {
    EnergySim sim(a, t, config(p), s.size());
    for (const Session& x : s) sim.plug_in(0, 0.0, x.depart_s, x.need_kwh);
    const std::vector<float> demand{static_cast<float>(kDemand_w)}, pv{0.0f};
    for (int k = 0; k < 8 * 60; ++k) sim.step(demand, pv);
    return sim.kpis();
  };
  const EnergyKpis now = run(ChargingPolicy::immediate);
  for (const ChargingPolicy p : {ChargingPolicy::edf, ChargingPolicy::llf}) {
    const EnergyKpis k = run(p);
    CHECK(k.ev_sessions_full == 3.0);
    CHECK(k.ev_delivered_kwh == Approx(30.0));
    CHECK(k.feeder_overload_h == 0.0);
    CHECK(k.charging_kwh == Approx(now.charging_kwh));
  }
  CHECK(now.ev_sessions_full == 3.0);
  CHECK(now.feeder_overload_h > 1.0);  // 10 kWh at 6.3 kW into the battery: about 1.6 h
}

TEST_CASE("without a feeder limit scheduled charging is immediate charging", "[energy][charging]") {
  const std::vector<Session> s{{5400.0, 4.0}, {9000.0, 12.0}, {20000.0, 3.0}, {30000.0, 8.0}};
  const double inf = std::numeric_limits<double>::infinity();
  EnergyKpis now{}, edf{}, llf{};
  const std::vector<double> a = delivered_after(ChargingPolicy::immediate, inf, s, 600, &now);
  const std::vector<double> b = delivered_after(ChargingPolicy::edf, inf, s, 600, &edf);
  const std::vector<double> c = delivered_after(ChargingPolicy::llf, inf, s, 600, &llf);
  for (std::size_t i = 0; i < s.size(); ++i) {
    CHECK(b[i] == Approx(a[i]));
    CHECK(c[i] == Approx(a[i]));
  }
  CHECK(edf.ev_sessions_full == now.ev_sessions_full);
  CHECK(llf.ev_sessions_short == now.ev_sessions_short);
  CHECK(edf.charging_kwh == Approx(now.charging_kwh));
}

TEST_CASE("charging and battery policies have names both ways", "[energy][charging]") {
  for (const ChargingPolicy p : {ChargingPolicy::immediate, ChargingPolicy::delayed,
                                 ChargingPolicy::edf, ChargingPolicy::llf}) {
    ChargingPolicy back = ChargingPolicy::immediate;
    REQUIRE(parse_charging_policy(charging_policy_name(p), back));
    CHECK(back == p);
  }
  for (const BatteryPolicy p : {BatteryPolicy::idle, BatteryPolicy::self_consumption,
                                BatteryPolicy::time_of_use, BatteryPolicy::peak_shaving}) {
    BatteryPolicy back = BatteryPolicy::idle;
    REQUIRE(parse_battery_policy(battery_policy_name(p), back));
    CHECK(back == p);
  }
  // An unknown name leaves the policy as it was.
  ChargingPolicy x = ChargingPolicy::delayed;
  CHECK_FALSE(parse_charging_policy("fifo", x));
  CHECK(x == ChargingPolicy::delayed);
  BatteryPolicy y = BatteryPolicy::peak_shaving;
  CHECK_FALSE(parse_battery_policy("greedy", y));
  CHECK(y == BatteryPolicy::peak_shaving);
}
