#pragma once
// The buildings subsystem of the World: every building's zone stepped together under one
// weather and one sun (DESIGN.md, "One step of the World": exogenous inputs, controllers,
// then each building in parallel over its own slots, then the sums).
//
// A step of dt (60 s by default):
//   1. the site: the weather now (sim/energy/weather.h), the sun (NREL SPA) and the irradiance
//      on the eight facade directions and the roof, once;
//   2. each building: schedules at the local hour (weekday or weekend), internal and solar
//      gains, the ideal HVAC between its set-points (set back when unoccupied) within its
//      capacity, the zone's temperatures, the electricity of HVAC (temperature-dependent COP),
//      lighting and equipment, and the comfort KPI;
//      and its rooftop PV's output (sim/energy/pv.h; EnergySim balances the two);
//   3. the sums: site demand and PV now, and the demand's peak, in a fixed chunk order
//      (bit-identical results for any thread count).

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sim/buildings/building_stock.h"
#include "sim/buildings/shading.h"
#include "sim/buildings/solar_gains.h"
#include "sim/buildings/zone_5r1c.h"
#include "sim/energy/solar_position.h"
#include "sim/energy/weather.h"

namespace parktwin::buildings {

// A change of the offset added to the weather file's outdoor air temperature, from `step` (of
// the World) on: how a scenario's heat wave acts (0 again when it ends).
struct OutdoorOffset {
  std::int64_t step = 0;
  double offset_c = 0.0;
};

struct BuildingsConfig {
  double step_s = 60.0;
  // Local standard time of t = 0, in the weather file's time zone.
  int start_year = 2026, start_month = 1, start_day = 1, start_hour = 0, start_minute = 0;
  double delta_t_s = 69.0;  // TT - UT for the SPA (about 69 s in the 2020s)
  double initial_c = 20.0;  // every zone's temperature at the start of the warm-up
  // Days simulated before t = 0 under the same weather, so that t = 0 finds the buildings'
  // mass at the temperatures their recent past gave them rather than at initial_c (as
  // EnergyPlus's warm-up days do); KPIs count from t = 0.
  int warmup_days = 3;
  // Shading between buildings (sim/buildings/shading.h): the direct sun on walls, roofs and
  // PV only where no other building stands in its way.
  bool shading = false;
  // Set-points an agent may ask for (set_hvac_setpoints): heating within heating_range_c,
  // cooling within cooling_range_c. Defaults: the design ranges of China's code for heated
  // and cooled rooms (GB 50736-2012, 3.0.2: 18-24 C in winter, 24-28 C in summer; recalled,
  // not verified), widened by 2 K each way for set-back and pre-cooling.
  double agent_heating_min_c = 16.0, agent_heating_max_c = 26.0;
  double agent_cooling_min_c = 22.0, agent_cooling_max_c = 30.0;
};

// What changes (STYLE.md rule 1). Per building b: B entries each.
struct BuildingsState {
  std::int64_t step = 0;
  std::vector<double> mass_c;  // theta_m at the end of the last step
  // The last step: temperatures, heat delivered (+ heating, - cooling) and electricity.
  std::vector<float> air_c, operative_c, hvac_heat_w, electric_w;
  std::vector<float> pv_w;  // rooftop PV output (W)
  // Since t = 0 (kWh); comfort: operative temperature outside the band in occupied hours (Kh).
  std::vector<double> heating_kwh, cooling_kwh, hvac_electric_kwh, lighting_kwh, equipment_kwh;
  std::vector<double> discomfort_kh, unmet_heat_kwh;  // unmet: beyond the HVAC's capacity
  // PV produced (what is used in place, stored or sold is the energy module's: EnergySim).
  std::vector<double> pv_kwh;
  // The site: total electricity now and its peak so far.
  double site_electric_w = 0.0, peak_electric_w = 0.0, peak_time_s = 0.0;
  double site_pv_w = 0.0;
  double outdoor_offset_c = 0.0;       // added to the weather's outdoor temperature (heat waves)
  std::vector<std::uint8_t> hvac_off;  // per building: 1 while its feeder is out (free-floating)
  // The control surface: per building, an agent's heating and cooling set-points (C), used
  // occupied or not; NaN where the archetype's schedule (set-point, set-back) rules.
  std::vector<float> heating_ctrl_c, cooling_ctrl_c;
  // The last step's site conditions, for display and the run file's series (derived each
  // step; checkpointed so that a resumed run records them before its next building step).
  double sun_elevation_deg = 0.0, outdoor_c = 0.0;
};

struct BuildingsKpis {
  double time_s = 0.0;
  double heating_kwh = 0.0, cooling_kwh = 0.0;  // heat delivered and removed
  double hvac_electric_kwh = 0.0, lighting_kwh = 0.0, equipment_kwh = 0.0, electric_kwh = 0.0;
  double peak_electric_kw = 0.0, peak_time_s = 0.0;
  double discomfort_kh = 0.0;  // summed over buildings
  double unmet_heat_kwh = 0.0;
  double pv_kwh = 0.0;
  std::uint64_t building_steps = 0;
};

// Every KPI with its name, for files and tables: f(name, value).
template <class F>
void for_each_kpi(const BuildingsKpis& k, F&& f) {
  f("heating_kwh", k.heating_kwh);
  f("cooling_kwh", k.cooling_kwh);
  f("hvac_electric_kwh", k.hvac_electric_kwh);
  f("lighting_kwh", k.lighting_kwh);
  f("equipment_kwh", k.equipment_kwh);
  f("electric_kwh", k.electric_kwh);
  f("peak_electric_kw", k.peak_electric_kw);
  f("peak_time_s", k.peak_time_s);
  f("discomfort_kh", k.discomfort_kh);
  f("unmet_heat_kwh", k.unmet_heat_kwh);
  f("pv_kwh", k.pv_kwh);
  f("building_steps", k.building_steps);
}

class BuildingsSim {
 public:
  // The stock and weather must outlive the simulation. Throws parktwin::Error for a step that
  // is not positive or does not divide an hour, or a start date that does not exist.
  BuildingsSim(const BuildingStock& stock, const energy::WeatherSeries& weather,
               const BuildingsConfig& config);

  void step();
  // From the next step on, the outdoor air is the weather file's plus `offset_c` (K).
  void set_outdoor_offset(double offset_c) { state_.outdoor_offset_c = offset_c; }
  // From the next step on, building b's HVAC has no supply (its feeder is out) or has it again.
  void set_hvac_off(std::size_t b, bool off) { state_.hvac_off[b] = off ? 1 : 0; }
  // From the next step on, building b's HVAC holds heating_c..cooling_c (C) whether occupied
  // or not; both NaN hand it back to its schedule. Throws parktwin::Error naming the building
  // for one out of range, one NaN and not the other, heating above cooling, or a set-point
  // outside the config's agent ranges.
  void set_hvac_setpoints(std::size_t b, double heating_c, double cooling_c);
  // One pair per building, all checked before any is taken.
  void set_hvac_setpoints(std::span<const double> heating_c, std::span<const double> cooling_c);
  double time_s() const { return static_cast<double>(state_.step) * config_.step_s; }
  double time_step_s() const { return config_.step_s; }
  // What building b's schedule asks for at simulated time t_s (also ahead, for forecasts):
  // whether it is occupied, and its set-points then (C; set back when unoccupied).
  struct Schedule {
    bool occupied = false;
    double heating_c = 0.0, cooling_c = 0.0;
  };
  Schedule schedule_at(std::size_t b, double t_s) const;
  // The weather file's values at simulated time t_s (without a heat wave's offset).
  energy::WeatherNow weather_at(double t_s) const;
  const energy::WeatherSeries& weather() const { return weather_; }
  const BuildingsConfig& config() const { return config_; }
  const BuildingsState& state() const { return state_; }
  const BuildingStock& stock() const { return stock_; }
  // nullptr without shading.
  const SunShading* shading() const { return shading_.get(); }
  BuildingsKpis kpis() const;

  // Checkpoints, as TrafficSim's: f(name, value) for every part of the state the next steps
  // read (value: std::vector<T> or T of trivially copyable T).
  template <class F>
  void save_state(F&& f) const {
    visit_state(*this, f);
  }
  template <class F>
  void restore_state(F&& f) {
    visit_state(*this, f);
  }

 private:
  void check_hvac_setpoints(std::size_t b, double heating_c, double cooling_c) const;
  template <class Self, class F>
  static void visit_state(Self& self, F& f) {
    auto& s = self.state_;
    f("step", s.step);
    f("mass_c", s.mass_c);
    f("air_c", s.air_c);
    f("operative_c", s.operative_c);
    f("hvac_heat_w", s.hvac_heat_w);
    f("electric_w", s.electric_w);
    f("pv_w", s.pv_w);
    f("heating_kwh", s.heating_kwh);
    f("cooling_kwh", s.cooling_kwh);
    f("hvac_electric_kwh", s.hvac_electric_kwh);
    f("lighting_kwh", s.lighting_kwh);
    f("equipment_kwh", s.equipment_kwh);
    f("discomfort_kh", s.discomfort_kh);
    f("unmet_heat_kwh", s.unmet_heat_kwh);
    f("pv_kwh", s.pv_kwh);
    f("site_electric_w", s.site_electric_w);
    f("site_pv_w", s.site_pv_w);
    f("peak_electric_w", s.peak_electric_w);
    f("peak_time_s", s.peak_time_s);
    f("outdoor_offset_c", s.outdoor_offset_c);
    f("hvac_off", s.hvac_off);
    f("ctrl.heating_c", s.heating_ctrl_c);
    f("ctrl.cooling_c", s.cooling_ctrl_c);
    f("sun_elevation_deg", s.sun_elevation_deg);
    f("outdoor_c", s.outdoor_c);
  }

  const BuildingStock& stock_;
  const energy::WeatherSeries& weather_;
  BuildingsConfig config_;
  BuildingsState state_;
  // Per building, derived once: the step as a linear map, for occupied hours (full outdoor
  // air) and unoccupied ones (infiltration only), and the weights of its solar gains.
  std::vector<ZoneStepMap> occupied_map_, unoccupied_map_;
  std::vector<SolarWeights> solar_;
  std::unique_ptr<SunShading> shading_;
  energy::SolarSite site_;
  double start_julian_day_ = 0.0;  // UT, of t = 0
  double start_of_year_s_ = 0.0;   // t = 0 in seconds after Jan 1 00:00 local standard time
  int start_weekday_ = 0;          // 0 Monday .. 6 Sunday, of the start date
  double start_hour_s_ = 0.0;      // seconds after local midnight of t = 0
  std::vector<double> chunk_electric_w_, chunk_pv_w_;  // per chunk of buildings, reduced in order
};

}  // namespace parktwin::buildings
