#include "sim/buildings/buildings_sim.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "engine/calendar.h"
#include "engine/error.h"
#include "engine/parallel.h"
#include "sim/buildings/hvac_efficiency.h"
#include "sim/buildings/solar_gains.h"
#include "sim/energy/irradiance.h"
#include "sim/energy/pv.h"

namespace parktwin::buildings {

namespace {

constexpr std::size_t kBuildingsPerChunk = 256;
constexpr double kJoulesPerKwh = 3.6e6;
// Below this share of full occupancy a building counts as unoccupied: set-points set back,
// no comfort counted.
constexpr float kOccupiedShare = 0.05f;

// Schedules of every use type at one local hour.
struct Fractions {
  std::array<float, kUseTypes> occupancy{}, lighting{}, equipment{};
};

// Every per-building quantity summed since t = 0 (zeroed after the warm-up).
std::array<std::vector<double>*, 8> accumulators(BuildingsState& s) {
  return {&s.heating_kwh,   &s.cooling_kwh,   &s.hvac_electric_kwh, &s.lighting_kwh,
          &s.equipment_kwh, &s.discomfort_kh, &s.unmet_heat_kwh,    &s.pv_kwh};
}

Fractions fractions_at(int hour, bool weekend) {
  Fractions f;
  for (std::size_t u = 0; u < kUseTypes; ++u) {
    const Archetype& a = archetype(static_cast<UseType>(u));
    const auto h = static_cast<std::size_t>(hour);
    f.occupancy[u] = (weekend ? a.occupancy_weekend : a.occupancy_weekday)[h];
    f.lighting[u] = (weekend ? a.lighting_weekend : a.lighting_weekday)[h];
    f.equipment[u] = (weekend ? a.equipment_weekend : a.equipment_weekday)[h];
  }
  return f;
}

}  // namespace

BuildingsSim::BuildingsSim(const BuildingStock& stock, const energy::WeatherSeries& weather,
                           const BuildingsConfig& config)
    : stock_(stock), weather_(weather), config_(config) {
  if (!(config.step_s > 0.0) || std::fmod(3600.0, config.step_s) != 0.0) {
    throw Error("buildings step out of range")
        .field("step_s")
        .expected("> 0 s and a divisor of an hour (60, 300, 900, 3600 ...)")
        .found(fmt::format("{} s", config.step_s));
  }
  const int y = config.start_year, m = config.start_month, d = config.start_day;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) || config.start_hour < 0 ||
      config.start_hour > 23 || config.start_minute < 0 || config.start_minute > 59) {
    throw Error("no such start time")
        .field("start")
        .expected("a date and time of the calendar")
        .found(fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}", y, m, d, config.start_hour,
                           config.start_minute));
  }
  const long long day = days_from_civil(y, m, d);
  start_weekday_ = static_cast<int>(((day + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
  start_hour_s_ = config.start_hour * 3600.0 + config.start_minute * 60.0;
  start_of_year_s_ = static_cast<double>(day - days_from_civil(y, 1, 1)) * 86400.0 + start_hour_s_;
  start_julian_day_ = energy::julian_day(y, m, d, config.start_hour, config.start_minute, 0.0, 0.0,
                                         weather.site.timezone_h);
  site_ = {weather.site.latitude_deg, weather.site.longitude_deg, weather.site.elevation_m, 0.5667};

  const std::size_t n = stock.size();
  BuildingsState& s = state_;
  s.mass_c.assign(n, config.initial_c);
  s.air_c.assign(n, static_cast<float>(config.initial_c));
  s.operative_c.assign(n, static_cast<float>(config.initial_c));
  s.hvac_heat_w.assign(n, 0.0f);
  s.electric_w.assign(n, 0.0f);
  s.pv_w.assign(n, 0.0f);
  s.hvac_off.assign(n, 0);
  s.heating_ctrl_c.assign(n, std::numeric_limits<float>::quiet_NaN());
  s.cooling_ctrl_c.assign(n, std::numeric_limits<float>::quiet_NaN());
  for (auto* v : accumulators(s)) v->assign(n, 0.0);
  occupied_map_.resize(n);
  unoccupied_map_.resize(n);
  solar_.resize(n);
  for (std::size_t b = 0; b < n; ++b) {
    occupied_map_[b] = zone_step_map(stock.zone[b], config.step_s);
    unoccupied_map_[b] = zone_step_map(stock.zone_unoccupied[b], config.step_s);
    solar_[b] = solar_weights(stock, b);
  }
  if (config.shading) shading_ = std::make_unique<SunShading>(stock);
  chunk_electric_w_.assign(par::ChunkPlan{n, kBuildingsPerChunk}.chunks(), 0.0);
  chunk_pv_w_.assign(chunk_electric_w_.size(), 0.0);
  if (config.warmup_days < 0 || config.warmup_days > 366) {
    throw Error("warm-up out of range")
        .field("warmup_days")
        .expected("0..366 days")
        .found(std::to_string(config.warmup_days));
  }
  // The warm-up runs at negative times, then everything but the temperatures starts over.
  const auto warmup_steps =
      static_cast<std::int64_t>(std::llround(config.warmup_days * 86400.0 / config.step_s));
  s.step = -warmup_steps;
  while (s.step < 0) step();
  for (auto* v : accumulators(s)) std::fill(v->begin(), v->end(), 0.0);
  s.peak_electric_w = 0.0;
  s.peak_time_s = 0.0;
}

void BuildingsSim::set_hvac_setpoints(std::size_t b, double heating_c, double cooling_c) {
  check_hvac_setpoints(b, heating_c, cooling_c);
  state_.heating_ctrl_c[b] = static_cast<float>(heating_c);
  state_.cooling_ctrl_c[b] = static_cast<float>(cooling_c);
}

void BuildingsSim::set_hvac_setpoints(std::span<const double> heating_c,
                                      std::span<const double> cooling_c) {
  if (heating_c.size() != stock_.size() || cooling_c.size() != stock_.size()) {
    throw Error("HVAC set-points: one pair per building")
        .expected(std::to_string(stock_.size()))
        .found(fmt::format("{} heating, {} cooling", heating_c.size(), cooling_c.size()));
  }
  for (std::size_t b = 0; b < heating_c.size(); ++b) {
    check_hvac_setpoints(b, heating_c[b], cooling_c[b]);
  }
  for (std::size_t b = 0; b < heating_c.size(); ++b) {
    state_.heating_ctrl_c[b] = static_cast<float>(heating_c[b]);
    state_.cooling_ctrl_c[b] = static_cast<float>(cooling_c[b]);
  }
}

void BuildingsSim::check_hvac_setpoints(std::size_t b, double heating_c, double cooling_c) const {
  const auto error = [&](const char* what) {
    return Error(what).field(fmt::format("building {}", b));
  };
  if (b >= stock_.size()) {
    throw error("HVAC set-points for no such building")
        .expected(fmt::format("a building index < {}", stock_.size()));
  }
  const auto found = fmt::format("heating {} C, cooling {} C", heating_c, cooling_c);
  if (std::isnan(heating_c) != std::isnan(cooling_c)) {
    throw error("HVAC set-points: one NaN and not the other")
        .expected("two set-points, or two NaN for the building's schedule")
        .found(found);
  }
  if (!std::isnan(heating_c)) {
    const BuildingsConfig& c = config_;
    if (!(heating_c >= c.agent_heating_min_c && heating_c <= c.agent_heating_max_c &&
          cooling_c >= c.agent_cooling_min_c && cooling_c <= c.agent_cooling_max_c &&
          heating_c <= cooling_c)) {
      throw error("HVAC set-points outside the range agents may ask for")
          .expected(fmt::format("heating {}..{} C, cooling {}..{} C, heating <= cooling",
                                c.agent_heating_min_c, c.agent_heating_max_c, c.agent_cooling_min_c,
                                c.agent_cooling_max_c))
          .found(found);
    }
  }
}

BuildingsSim::Schedule BuildingsSim::schedule_at(std::size_t b, double t_s) const {
  const double local_s = start_hour_s_ + t_s;
  const auto day = static_cast<long long>(std::floor(local_s / 86400.0));
  const int hour =
      std::clamp(static_cast<int>((local_s - static_cast<double>(day) * 86400.0) / 3600.0), 0, 23);
  const bool weekend = ((start_weekday_ + day) % 7 + 7) % 7 >= 5;
  const Archetype& a = archetype(stock_.use[b]);
  const auto h = static_cast<std::size_t>(hour);
  Schedule out;
  out.occupied = (weekend ? a.occupancy_weekend : a.occupancy_weekday)[h] >= kOccupiedShare;
  const BuildingStock& k = stock_;
  out.heating_c = out.occupied ? k.heating_setpoint_c[b] : k.heating_setback_c[b];
  out.cooling_c = out.occupied ? k.cooling_setpoint_c[b] : k.cooling_setback_c[b];
  return out;
}

energy::WeatherNow BuildingsSim::weather_at(double t_s) const {
  return energy::weather_at(weather_, start_of_year_s_ + t_s);
}

void BuildingsSim::step() {
  const double dt = config_.step_s;
  // Inputs for the middle of the step [t, t + dt).
  const double t_mid = time_s() + 0.5 * dt;
  const energy::WeatherNow w = energy::weather_at(weather_, start_of_year_s_ + t_mid);
  const energy::SunAngles sun =
      energy::sun_angles(site_, start_julian_day_ + t_mid / 86400.0, config_.delta_t_s,
                         w.pressure_pa / 100.0, w.dry_bulb_c);
  const SiteIrradiance irr =
      site_irradiance(w, {sun.zenith_deg, sun.azimuth_deg},
                      energy::extraterrestrial_normal_irradiance(sun.earth_sun_distance_au));
  const double local_s = start_hour_s_ + t_mid;
  const auto day = static_cast<long long>(std::floor(local_s / 86400.0));
  const int hour =
      std::clamp(static_cast<int>((local_s - static_cast<double>(day) * 86400.0) / 3600.0), 0, 23);
  const bool weekend = ((start_weekday_ + day) % 7 + 7) % 7 >= 5;  // day < 0 in the warm-up
  const Fractions f = fractions_at(hour, weekend);
  const double outdoor = w.dry_bulb_c + state_.outdoor_offset_c;
  const double per_cop_heat = 1.0 / heating_cop(outdoor), per_cop_cool = 1.0 / cooling_cop(outdoor);
  const double pv_per_kwp =
      energy::pv_output_w_per_kwp(irr.pv_plane_w_m2, outdoor, w.wind_speed_mps);

  // The shares of direct sun each building gets, cast here, before the parallel loop, when
  // the sun enters a new bin.
  const std::span<const LitShares> lit =
      shading_ ? shading_->at(sun.azimuth_deg, sun.elevation_deg) : std::span<const LitShares>{};
  BuildingsState& s = state_;
  s.sun_elevation_deg = sun.elevation_deg;
  s.outdoor_c = outdoor;
  const BuildingStock& k = stock_;
  // Two instances of the loop, with and without shading, so that the common unshaded one
  // carries none of its code (it measured 8 % slower with the checks inline).
  const auto step_all = [&](auto shaded) {
    par::parallel_for(
        k.size(), kBuildingsPerChunk, [&](std::size_t b0, std::size_t b1, std::size_t chunk) {
          double chunk_w = 0.0, chunk_pv_w = 0.0;
          for (std::size_t b = b0; b < b1; ++b) {
            const auto u = static_cast<std::size_t>(k.use[b]);
            const float occupancy = f.occupancy[u];
            const bool occupied = occupancy >= kOccupiedShare;
            const double lighting_w = static_cast<double>(k.lighting_w[b] * f.lighting[u]);
            const double equipment_w = static_cast<double>(k.equipment_w[b] * f.equipment[u]);
            const double internal_w =
                static_cast<double>(k.people_w[b] * occupancy) + lighting_w + equipment_w;
            double solar_w = 0.0;
            if constexpr (decltype(shaded)::value) {
              solar_w = solar_[b].gain_w(irr, lit[b]);
            } else {
              solar_w = solar_[b].gain_w(irr);
            }
            const bool agent = !std::isnan(s.heating_ctrl_c[b]);
            const double heat_sp = agent      ? s.heating_ctrl_c[b]
                                   : occupied ? k.heating_setpoint_c[b]
                                              : k.heating_setback_c[b];
            const double cool_sp = agent      ? s.cooling_ctrl_c[b]
                                   : occupied ? k.cooling_setpoint_c[b]
                                              : k.cooling_setback_c[b];
            // The ideal HVAC of ISO 13790 C.4.2 on the step's linear map: the free-floating air,
            // then the power that brings it to the set-point it crossed, within capacity.
            const ZoneStepMap& map = occupied ? occupied_map_[b] : unoccupied_map_[b];
            const double mass0 = s.mass_c[b];
            const double air_free = map.air.at(mass0, outdoor, internal_w, solar_w, 0.0);
            double needed_w = 0.0;
            if (air_free < heat_sp) needed_w = (heat_sp - air_free) / map.air.hvac;
            if (air_free > cool_sp) needed_w = (cool_sp - air_free) / map.air.hvac;
            const double power_w =
                s.hvac_off[b] != 0
                    ? 0.0
                    : std::clamp(needed_w, -static_cast<double>(k.cooling_capacity_w[b]),
                                 static_cast<double>(k.heating_capacity_w[b]));
            const double operative = map.operative.at(mass0, outdoor, internal_w, solar_w, power_w);
            s.mass_c[b] = map.mass_end.at(mass0, outdoor, internal_w, solar_w, power_w);
            s.air_c[b] = static_cast<float>(air_free + map.air.hvac * power_w);
            s.operative_c[b] = static_cast<float>(operative);
            s.hvac_heat_w[b] = static_cast<float>(power_w);
            const double hvac_electric_w =
                power_w > 0.0 ? power_w * per_cop_heat : -power_w * per_cop_cool;
            const double electric_w = hvac_electric_w + lighting_w + equipment_w;
            s.electric_w[b] = static_cast<float>(electric_w);
            chunk_w += electric_w;
            double pv_w = static_cast<double>(k.pv_kwp[b]) * pv_per_kwp;
            if (decltype(shaded)::value && lit[b].roof < 1.0f && k.pv_kwp[b] > 0.0f) {
              // Part of the roof in another building's shadow: the array's share of direct sun.
              const double plane = irr.pv_plane_w_m2 - (1.0 - static_cast<double>(lit[b].roof)) *
                                                           irr.pv_plane_direct_w_m2;
              pv_w = static_cast<double>(k.pv_kwp[b]) *
                     energy::pv_output_w_per_kwp(plane, outdoor, w.wind_speed_mps);
            }
            s.pv_w[b] = static_cast<float>(pv_w);
            chunk_pv_w += pv_w;
            const double to_kwh = dt / kJoulesPerKwh;
            s.pv_kwh[b] += pv_w * to_kwh;
            s.heating_kwh[b] += std::max(power_w, 0.0) * to_kwh;
            s.cooling_kwh[b] += std::max(-power_w, 0.0) * to_kwh;
            s.hvac_electric_kwh[b] += hvac_electric_w * to_kwh;
            s.lighting_kwh[b] += lighting_w * to_kwh;
            s.equipment_kwh[b] += equipment_w * to_kwh;
            s.unmet_heat_kwh[b] += std::abs(needed_w - power_w) * to_kwh;
            if (occupied) {
              const double op = operative;
              const double out_of_band =
                  std::max(0.0, static_cast<double>(k.comfort_low_c[b]) - op) +
                  std::max(0.0, op - static_cast<double>(k.comfort_high_c[b]));
              s.discomfort_kh[b] += out_of_band * dt / 3600.0;
            }
          }
          chunk_electric_w_[chunk] = chunk_w;
          chunk_pv_w_[chunk] = chunk_pv_w;
        });
  };
  if (lit.empty()) {
    step_all(std::false_type{});
  } else {
    step_all(std::true_type{});
  }
  double site_w = 0.0, site_pv_w = 0.0;
  for (std::size_t c = 0; c < chunk_electric_w_.size(); ++c) {  // in chunk order: deterministic
    site_w += chunk_electric_w_[c];
    site_pv_w += chunk_pv_w_[c];
  }
  s.site_electric_w = site_w;
  s.site_pv_w = site_pv_w;
  if (site_w > s.peak_electric_w) {
    s.peak_electric_w = site_w;
    s.peak_time_s = time_s();
  }
  ++s.step;
}

BuildingsKpis BuildingsSim::kpis() const {
  BuildingsKpis k;
  const BuildingsState& s = state_;
  k.time_s = time_s();
  for (std::size_t b = 0; b < stock_.size(); ++b) {
    k.heating_kwh += s.heating_kwh[b];
    k.cooling_kwh += s.cooling_kwh[b];
    k.hvac_electric_kwh += s.hvac_electric_kwh[b];
    k.lighting_kwh += s.lighting_kwh[b];
    k.equipment_kwh += s.equipment_kwh[b];
    k.discomfort_kh += s.discomfort_kh[b];
    k.unmet_heat_kwh += s.unmet_heat_kwh[b];
    k.pv_kwh += s.pv_kwh[b];
  }
  k.electric_kwh = k.hvac_electric_kwh + k.lighting_kwh + k.equipment_kwh;
  k.peak_electric_kw = s.peak_electric_w / 1000.0;
  k.peak_time_s = s.peak_time_s;
  k.building_steps = static_cast<std::uint64_t>(s.step) * stock_.size();
  return k;
}

}  // namespace parktwin::buildings
