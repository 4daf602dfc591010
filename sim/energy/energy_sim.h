#pragma once
// The electricity of a district, each building step (DESIGN.md, "One step of the World",
// 2-4): every building's demand (HVAC, lighting, equipment: BuildingsSim) plus its EV
// chargers meets its rooftop PV and its battery; what is left is bought from or sold to the
// grid through the building's feeder; feeders sum onto substations. The tariff prices what is
// bought and sold, the grid's carbon factor counts the CO2 of what is bought.
//
// Per building and step, with every term >= 0 (W):
//   pv + import + discharge + unserved = load + charge + export + curtailed
// where load = demand + chargers; unserved and curtailed are nonzero only while the building's
// feeder is out (islanded: PV and battery serve the load, the rest goes unserved, and PV
// nobody can take is curtailed). A feeder's flow is the sum of its buildings' import - export;
// it is overloaded while |flow| exceeds its capacity.
//
// Battery policies (controllers, one per scenario):
//   idle:             the battery does nothing;
//   self_consumption: stores PV beyond the load, gives it back when the load exceeds PV;
//   time_of_use:      charges at full power in the valley period, discharges to cover the
//                     load in the peak period, stores PV surplus in the flat period;
//   peak_shaving:     keeps each feeder at kPeakShavingThreshold of its capacity: its
//                     batteries discharge what the feeder would carry beyond that and
//                     recharge with the room below it, each in proportion to its own limit
//                     (the threshold rule of Oudalov, Cherkaoui and Beguin, "Sizing and optimal
//                     operation of battery energy storage system for peak shaving
//                     application", IEEE PowerTech 2007; recalled, not verified). On a feeder
//                     without a capacity there is no peak to shave: its batteries stay idle.
// Outages override the policy with self-consumption (the battery keeps the lights on).
//
// The control surface for agents (docs/ai.md, "Energy control"), per building, read each step:
//   battery_ctrl_w: the battery's AC power (W, + charging); NaN: the scenario's policy. The
//     request must lie within the battery's rating (set_battery_power refuses more); the
//     state of charge limits it further within the step, as a battery management system does
//     (battery_limits_w says by how much, for the next step).
//   charging_cap_w: the most the car park's chargers draw together (W); NaN: the scenario's
//     charging policy. Sessions share the cap least laxity first, each up to its charger.
// A ctrl value stands until changed; an outage still overrides the battery.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/calendar.h"
#include "sim/energy/battery.h"
#include "sim/energy/ev_charging.h"
#include "sim/energy/tariff.h"

namespace parktwin::energy {

enum class BatteryPolicy : std::uint8_t { idle, self_consumption, time_of_use, peak_shaving };
const char* battery_policy_name(BatteryPolicy p);
// The policy of a manifest's name ("idle", "self_consumption", "time_of_use",
// "peak_shaving"); false if unknown.
bool parse_battery_policy(std::string_view name, BatteryPolicy& out);

// peak_shaving: the share of its feeder's capacity above which a feeder's batteries discharge
// and below which they recharge (an assumption: a tenth kept in reserve for what the
// batteries cannot shave).
inline constexpr double kPeakShavingThreshold = 0.9;

// The district's electrical assets (the model, built once: sim/coupling/district.h builds it
// from the buildings and the grid file). Per building b, feeder f, substation s.
struct DistrictAssets {
  std::vector<std::uint32_t> feeder;    // per building: its feeder
  std::vector<BatterySpec> battery;     // capacity 0: none
  std::vector<std::uint16_t> chargers;  // EV charging points at its car park
  std::vector<double> charger_w;        // power of each
  std::vector<std::string> feeder_name;
  std::vector<double> feeder_capacity_w;  // +inf: not limited (no grid file)
  std::vector<std::uint32_t> feeder_substation;
  std::vector<std::string> substation_name;
  std::vector<double> substation_capacity_w;

  std::size_t buildings() const { return feeder.size(); }
  std::size_t feeders() const { return feeder_name.size(); }
  std::size_t substations() const { return substation_name.size(); }
};

// Carbon factor of bought electricity (kg CO2 per kWh): the national grid average of 2022
// that Chinese enterprise carbon accounting used for 2023-2025, 0.5703 t/MWh (Ministry of
// Ecology and Environment; assets/reference/REFERENCE.md section B, which recommends it as the
// default; East China's regional 0.5617 and the national 0.5366 of 2022 are the alternatives).
inline constexpr double kGridCarbonKgPerKwh = 0.5703;

struct EnergyConfig {
  double step_s = 60.0;
  LocalClock clock;  // local time of t = 0, for the tariff's periods
  double carbon_kg_per_kwh = kGridCarbonKgPerKwh;
  // Hour by hour instead (scenarios/carbon_csv.h): 24 values (a day, every day) or 8760 / 8784
  // (a year from 1 January 00:00, local time); empty: the constant above.
  std::vector<double> carbon_hourly_kg_per_kwh;
  BatteryPolicy batteries = BatteryPolicy::time_of_use;
  ChargingPolicy charging = ChargingPolicy::immediate;
};

// A feeder going out (or back in) from `step` (of the World) on: a scenario's feeder_outage.
struct FeederOutage {
  std::int64_t step = 0;
  std::uint32_t feeder = 0;
  bool out = true;
};

// What changes (STYLE.md rule 1).
struct EnergyState {
  std::int64_t step = 0;
  // Per building: the battery's energy, and the last step's flows (W; battery + charging).
  std::vector<double> stored_kwh;
  std::vector<float> load_w, charger_w, battery_w, import_w, export_w, unserved_w, curtailed_w;
  // Per building since t = 0 (kWh).
  std::vector<double> pv_used_kwh, import_kwh, export_kwh, charger_kwh, battery_in_kwh,
      battery_out_kwh, unserved_kwh, curtailed_kwh, cost, co2_kg;
  // Per feeder and substation: the last step's flow (W, + towards the buildings), its peak
  // |flow| and the time overloaded since t = 0; whether the feeder is out now.
  std::vector<double> feeder_w, feeder_peak_w, feeder_overload_s;
  std::vector<std::uint8_t> feeder_out;
  std::vector<double> substation_w, substation_peak_w, substation_overload_s;
  // The site: bought minus sold now, the peak bought and when.
  double site_import_w = 0.0, peak_import_w = 0.0, peak_time_s = 0.0;
  // EV sessions and their sums (kWh into the batteries).
  ChargingSessions sessions;
  double ev_delivered_kwh = 0.0, ev_unserved_kwh = 0.0;
  std::uint64_t sessions_full = 0, sessions_short = 0;  // reached the target; left short of it
  TouPeriod period = TouPeriod::flat;                   // of the last step
  // The control surface (above): per building, NaN where the scenario's policy rules.
  std::vector<double> battery_ctrl_w, charging_cap_w;
};

struct FeederKpis {
  std::string name;
  double capacity_kw = 0.0, peak_kw = 0.0, overload_h = 0.0;
};

struct EnergyKpis {
  double time_s = 0.0;
  double demand_kwh = 0.0;    // the buildings' own (HVAC, lighting, equipment)
  double charging_kwh = 0.0;  // at the chargers
  double pv_kwh = 0.0, pv_used_kwh = 0.0, pv_self_consumption = 0.0;
  double battery_in_kwh = 0.0, battery_out_kwh = 0.0, battery_stored_kwh = 0.0;
  // peak_import_kw: the site's peak net draw from the grid (its buildings' imports less their
  // exports, as the substations see it).
  double import_kwh = 0.0, export_kwh = 0.0, peak_import_kw = 0.0, peak_time_s = 0.0;
  double cost = 0.0;  // bought at the tariff minus sold at its export price
  double co2_kg = 0.0;
  double unserved_kwh = 0.0, curtailed_kwh = 0.0;  // feeder outages
  // Sessions: all, those that reached their target, those whose car left short of it, and
  // those still charging or waiting at the end (the three add up to all).
  double ev_sessions = 0.0, ev_sessions_full = 0.0, ev_sessions_short = 0.0;
  double ev_sessions_plugged = 0.0;
  double ev_delivered_kwh = 0.0, ev_unserved_kwh = 0.0;
  double feeder_overload_h = 0.0;  // summed over feeders
  double substation_overload_h = 0.0;
  std::vector<FeederKpis> feeders;
};

// Every scalar KPI with its name: f(name, value).
template <class F>
void for_each_kpi(const EnergyKpis& k, F&& f) {
  f("demand_kwh", k.demand_kwh);
  f("charging_kwh", k.charging_kwh);
  f("pv_kwh", k.pv_kwh);
  f("pv_used_kwh", k.pv_used_kwh);
  f("pv_self_consumption", k.pv_self_consumption);
  f("battery_in_kwh", k.battery_in_kwh);
  f("battery_out_kwh", k.battery_out_kwh);
  f("battery_stored_kwh", k.battery_stored_kwh);
  f("import_kwh", k.import_kwh);
  f("export_kwh", k.export_kwh);
  f("peak_import_kw", k.peak_import_kw);
  f("peak_time_s", k.peak_time_s);
  f("cost", k.cost);
  f("co2_kg", k.co2_kg);
  f("unserved_kwh", k.unserved_kwh);
  f("curtailed_kwh", k.curtailed_kwh);
  f("ev_sessions", k.ev_sessions);
  f("ev_sessions_full", k.ev_sessions_full);
  f("ev_sessions_short", k.ev_sessions_short);
  f("ev_sessions_plugged", k.ev_sessions_plugged);
  f("ev_delivered_kwh", k.ev_delivered_kwh);
  f("ev_unserved_kwh", k.ev_unserved_kwh);
  f("feeder_overload_h", k.feeder_overload_h);
  f("substation_overload_h", k.substation_overload_h);
}

class EnergySim {
 public:
  // The assets and tariff must outlive the simulation. `session_capacity`: the most EV
  // sessions the run can have (its EV trips). Throws parktwin::Error for a step that is not
  // positive, a carbon factor outside 0..2 kg/kWh, or assets of inconsistent sizes.
  EnergySim(const DistrictAssets& assets, const Tariff& tariff, const EnergyConfig& config,
            std::size_t session_capacity);

  // One step [t, t + dt) with each building's demand and PV output over it (W, B entries).
  void step(std::span<const float> demand_w, std::span<const float> pv_w);
  // An EV arriving now at building b, staying until depart_s, needing need_kwh into its
  // battery. Throws parktwin::Error beyond the session capacity (a bug of the caller).
  void plug_in(std::uint32_t building, double now_s, double depart_s, double need_kwh);
  void set_feeder_out(std::uint32_t feeder, bool out);

  // --- the control surface (above). Each throws parktwin::Error naming the building for a
  // building out of range, a building without the asset, or a value outside its bounds.
  // Battery power of building b from the next step on (W, + charging), within +-its rating;
  // NaN hands the battery back to the scenario's policy.
  void set_battery_power(std::uint32_t b, double power_w);
  // The power building b's battery could give (lo <= 0) and take (hi >= 0) in the next step
  // at its state of charge now (W); 0, 0 without a battery.
  std::pair<double, double> battery_limits_w(std::uint32_t b) const;
  // Building b's car park may draw at most cap_w (0..charging_cap_max_w(b)) from the next
  // step on; NaN hands it back to the scenario's charging policy.
  void set_charging_cap(std::uint32_t b, double cap_w);
  double charging_cap_max_w(std::uint32_t b) const {
    return static_cast<double>(assets_.chargers[b]) * assets_.charger_w[b];
  }
  // One value per building, all checked before any is taken.
  void set_battery_powers(std::span<const double> power_w);
  void set_charging_caps(std::span<const double> cap_w);

  double time_s() const { return static_cast<double>(state_.step) * config_.step_s; }
  // The grid's carbon intensity at simulated time t_s (kg CO2 per kWh): the hourly series'
  // value of that local hour, or the constant factor; also for hours ahead (a forecast).
  double carbon_kg_per_kwh_at(double t_s) const;
  const EnergyState& state() const { return state_; }
  const DistrictAssets& assets() const { return assets_; }
  const Tariff& tariff() const { return tariff_; }
  const EnergyConfig& config() const { return config_; }
  EnergyKpis kpis() const;

  template <class F>
  void save_state(F&& f) const {
    visit_state(*this, f);
  }
  template <class F>
  void restore_state(F&& f) {
    visit_state(*this, f);
  }

 private:
  void step_charging(double now_s, double dt_s, TouPeriod period, std::span<const float> demand_w,
                     std::span<const float> pv_w);
  // Energy into session i's battery over here_s at charger power w (bounded by its need);
  // returns it (kWh).
  double charge(std::uint32_t i, double w, double here_s, double dt_s);
  // Building b's battery power (W, + charging) this step at this load and PV: the agent's
  // request within the battery's limits, or the scenario's rule (self-consumption when out).
  double battery_decision_w(std::size_t b, double load_w, double pv_w, TouPeriod period,
                            bool out) const;
  // peak_shaving: each feeder's excess over its threshold with its batteries idle.
  void plan_peak_shaving(std::span<const float> demand_w, std::span<const float> pv_w);
  // edf, llf: the sessions on chargers in order of priority share their feeder's room.
  void schedule_charging(double now_s, double dt_s, std::span<const float> demand_w,
                         std::span<const float> pv_w);
  void check_battery_power(std::uint32_t b, double power_w) const;
  void check_charging_cap(std::uint32_t b, double cap_w) const;
  void check_per_building(std::size_t n, const char* what) const;

  template <class Self, class F>
  static void visit_state(Self& self, F& f) {
    auto& s = self.state_;
    f("step", s.step);
    f("stored_kwh", s.stored_kwh);
    f("load_w", s.load_w);
    f("charger_w", s.charger_w);
    f("battery_w", s.battery_w);
    f("import_w", s.import_w);
    f("export_w", s.export_w);
    f("unserved_w", s.unserved_w);
    f("curtailed_w", s.curtailed_w);
    f("pv_used_kwh", s.pv_used_kwh);
    f("import_kwh", s.import_kwh);
    f("export_kwh", s.export_kwh);
    f("charger_kwh", s.charger_kwh);
    f("battery_in_kwh", s.battery_in_kwh);
    f("battery_out_kwh", s.battery_out_kwh);
    f("unserved_kwh", s.unserved_kwh);
    f("curtailed_kwh", s.curtailed_kwh);
    f("cost", s.cost);
    f("co2_kg", s.co2_kg);
    f("feeder_w", s.feeder_w);
    f("feeder_peak_w", s.feeder_peak_w);
    f("feeder_overload_s", s.feeder_overload_s);
    f("feeder_out", s.feeder_out);
    f("substation_w", s.substation_w);
    f("substation_peak_w", s.substation_peak_w);
    f("substation_overload_s", s.substation_overload_s);
    f("site_import_w", s.site_import_w);
    f("peak_import_w", s.peak_import_w);
    f("peak_time_s", s.peak_time_s);
    f("sessions.building", s.sessions.building);
    f("sessions.arrive_s", s.sessions.arrive_s);
    f("sessions.depart_s", s.sessions.depart_s);
    f("sessions.need_kwh", s.sessions.need_kwh);
    f("sessions.delivered_kwh", s.sessions.delivered_kwh);
    f("sessions.active", s.sessions.active);
    f("sessions.count", s.sessions.count);
    f("sessions.active_count", s.sessions.active_count);
    f("ev_delivered_kwh", s.ev_delivered_kwh);
    f("ev_unserved_kwh", s.ev_unserved_kwh);
    f("sessions_full", s.sessions_full);
    f("sessions_short", s.sessions_short);
    f("period", s.period);
    f("ctrl.battery_w", s.battery_ctrl_w);
    f("ctrl.charging_cap_w", s.charging_cap_w);
    f("pv_kwh", self.pv_kwh_);
    f("demand_kwh", self.demand_kwh_);
  }

  const DistrictAssets& assets_;
  const Tariff& tariff_;
  EnergyConfig config_;
  EnergyState state_;
  double pv_kwh_ = 0.0, demand_kwh_ = 0.0;    // site sums since t = 0
  std::vector<std::uint16_t> chargers_busy_;  // scratch per step, per building
  std::vector<double> cap_left_w_;            // scratch per step, per building
  std::vector<double> feeder_room_w_;         // scratch per step, per feeder (edf, llf)
  // Scratch per step, per feeder (peak_shaving): what its batteries should discharge (> 0)
  // or may recharge (< 0), and the sums of their discharge and charge limits.
  std::vector<double> feeder_shave_w_, feeder_discharge_max_w_, feeder_charge_max_w_;
  // Scratch per step (edf, llf): (priority key, session) of the sessions on chargers.
  std::vector<std::pair<double, std::uint32_t>> scheduled_;
  std::vector<std::pair<double, std::uint32_t>> capped_;  // (laxity, session) under a cap
  void share_caps(double now_s, double dt_s);
  // Session i charges at up to w for the step, no more than what finishes it.
  struct Charged {
    double used_w, here_s;  // the power it took; the seconds of the step it was here
  };
  Charged charge_up_to(std::uint32_t i, double w, double now_s, double dt_s);
  void release_full_sessions();
  std::vector<double> chunk_feeder_w_;  // per chunk x feeder, reduced in chunk order
  std::vector<double> chunk_sums_;      // per chunk: import, pv, demand (W)
};

}  // namespace parktwin::energy
