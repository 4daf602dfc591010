#include "sim/buildings/zone_5r1c.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace parktwin::buildings {

namespace {

// ISO 13790:2008: heat transfer coefficients between the internal air and the surface node
// (7.2.2.2, h_is = 3.45 W/m2K) and between the mass and surface nodes (12.2.2, h_ms =
// 9.1 W/m2K); the area of all surfaces facing the zone per floor area (Lambda_at = 4.5).
constexpr double kHis = 3.45, kHms = 9.1, kLambdaAt = 4.5;

}  // namespace

ZoneCoefficients zone_coefficients(const ZoneParams& p) {
  const auto bad = [](const char* field, double v, const char* expected) {
    return Error("zone parameter out of range")
        .field(field)
        .expected(expected)
        .found(fmt::format("{}", v));
  };
  if (!(p.floor_area_m2 > 0.0)) throw bad("floor_area_m2", p.floor_area_m2, "> 0");
  if (!(p.h_ve_w_k > 0.0)) throw bad("h_ve_w_k", p.h_ve_w_k, "> 0 (some air always changes)");
  if (!(p.h_tr_w_w_k >= 0.0)) throw bad("h_tr_w_w_k", p.h_tr_w_w_k, ">= 0");
  if (!(p.h_tr_op_w_k > 0.0)) throw bad("h_tr_op_w_k", p.h_tr_op_w_k, "> 0");
  if (!(p.mass_area_factor > 0.0)) throw bad("mass_area_factor", p.mass_area_factor, "> 0");
  if (!(p.heat_capacity_j_km2 > 0.0)) {
    throw bad("heat_capacity_j_km2", p.heat_capacity_j_km2, "> 0");
  }
  ZoneCoefficients c;
  c.floor_area_m2 = p.floor_area_m2;
  const double a_m = p.mass_area_factor * p.floor_area_m2;  // effective mass area (12.2.2)
  const double a_t = kLambdaAt * p.floor_area_m2;           // all internal surfaces (7.2.2.2)
  c.h_ve = p.h_ve_w_k;
  c.h_tr_w = p.h_tr_w_w_k;
  c.h_tr_is = kHis * a_t;
  c.h_tr_ms = kHms * a_m;
  // Htr,op splits into Htr,em and Htr,ms in series (12.2.2): 1/Htr,em = 1/Htr,op - 1/Htr,ms.
  const double inv_em = 1.0 / p.h_tr_op_w_k - 1.0 / c.h_tr_ms;
  if (!(inv_em > 0.0)) {
    throw bad("h_tr_op_w_k", p.h_tr_op_w_k,
              fmt::format("< h_ms A_m = {:.0f} W/K (else H_tr,em < 0)", c.h_tr_ms).c_str());
  }
  c.h_tr_em = 1.0 / inv_em;
  c.h_tr_1 = 1.0 / (1.0 / c.h_ve + 1.0 / c.h_tr_is);    // C.6
  c.h_tr_2 = c.h_tr_1 + c.h_tr_w;                       // C.7
  c.h_tr_3 = 1.0 / (1.0 / c.h_tr_2 + 1.0 / c.h_tr_ms);  // C.8
  c.c_m = p.heat_capacity_j_km2 * p.floor_area_m2;
  // C.2 and C.3: phi_m = A_m/A_t (0.5 phi_int + phi_sol);
  // phi_st = (1 - A_m/A_t - H_tr,w/(9.1 A_t)) (0.5 phi_int + phi_sol).
  c.share_mass = a_m / a_t;
  c.share_surface = 1.0 - a_m / a_t - c.h_tr_w / (kHms * a_t);
  return c;
}

ZoneTemperatures zone_step(const ZoneCoefficients& c, double mass_start_c, double outdoor_c,
                           const ZoneGains& gains, double hvac_w, double dt_s) {
  const double theta_sup = outdoor_c;
  const double split = 0.5 * gains.internal_w + gains.solar_w;
  const double phi_ia = 0.5 * gains.internal_w + hvac_w;  // C.1, with the HVAC at the air node
  const double phi_m = c.share_mass * split;
  const double phi_st = c.share_surface * split;
  // C.5: all that drives the mass node.
  const double phi_m_tot =
      phi_m + c.h_tr_em * outdoor_c +
      c.h_tr_3 * (phi_st + c.h_tr_w * outdoor_c + c.h_tr_1 * (phi_ia / c.h_ve + theta_sup)) /
          c.h_tr_2;
  // C.4 with dt for 3600 s.
  const double k = c.c_m / dt_s, half = 0.5 * (c.h_tr_3 + c.h_tr_em);
  ZoneTemperatures t;
  t.mass_end_c = (mass_start_c * (k - half) + phi_m_tot) / (k + half);
  t.mass_c = 0.5 * (t.mass_end_c + mass_start_c);  // C.9
  // C.10, C.11: surface and air nodes.
  t.surface_c = (c.h_tr_ms * t.mass_c + phi_st + c.h_tr_w * outdoor_c +
                 c.h_tr_1 * (theta_sup + phi_ia / c.h_ve)) /
                (c.h_tr_ms + c.h_tr_w + c.h_tr_1);
  t.air_c = (c.h_tr_is * t.surface_c + c.h_ve * theta_sup + phi_ia) / (c.h_tr_is + c.h_ve);
  t.operative_c = 0.3 * t.air_c + 0.7 * t.surface_c;
  return t;
}

double zone_heat_loss_w(const ZoneCoefficients& c, const ZoneTemperatures& t, double outdoor_c,
                        const ZoneGains& gains) {
  const double unassigned = 1.0 - c.share_mass - c.share_surface;
  return c.h_ve * (t.air_c - outdoor_c) + c.h_tr_w * (t.surface_c - outdoor_c) +
         c.h_tr_em * (t.mass_c - outdoor_c) + unassigned * (0.5 * gains.internal_w + gains.solar_w);
}

HvacDemand hvac_demand(const ZoneCoefficients& c, double mass_start_c, double outdoor_c,
                       const ZoneGains& gains, double dt_s, double heating_setpoint_c,
                       double cooling_setpoint_c, double heating_capacity_w,
                       double cooling_capacity_w) {
  HvacDemand d;
  const ZoneTemperatures free = zone_step(c, mass_start_c, outdoor_c, gains, 0.0, dt_s);
  double target = 0.0;
  if (free.air_c < heating_setpoint_c) {
    target = heating_setpoint_c;
  } else if (free.air_c > cooling_setpoint_c) {
    target = cooling_setpoint_c;
  } else {
    d.result = free;
    return d;
  }
  // The air temperature is linear in the HVAC power (C.4.2 step 2, a 10 W/m2 test load).
  const double test_w = 10.0 * c.floor_area_m2;
  const ZoneTemperatures tested = zone_step(c, mass_start_c, outdoor_c, gains, test_w, dt_s);
  d.needed_w = test_w * (target - free.air_c) / (tested.air_c - free.air_c);
  d.power_w = std::clamp(d.needed_w, -cooling_capacity_w, heating_capacity_w);
  d.result = zone_step(c, mass_start_c, outdoor_c, gains, d.power_w, dt_s);
  return d;
}

ZoneHvacResponse hvac_response(const ZoneCoefficients& c, double dt_s) {
  // The difference of two steps from the same state, 1 W apart: exact, the model is linear.
  const ZoneTemperatures off = zone_step(c, 0.0, 0.0, {}, 0.0, dt_s);
  const ZoneTemperatures on = zone_step(c, 0.0, 0.0, {}, 1.0, dt_s);
  return {on.mass_end_c - off.mass_end_c, on.mass_c - off.mass_c, on.surface_c - off.surface_c,
          on.air_c - off.air_c, on.operative_c - off.operative_c};
}

ZoneStepMap zone_step_map(const ZoneCoefficients& c, double dt_s) {
  const ZoneTemperatures m = zone_step(c, 1.0, 0.0, {}, 0.0, dt_s);
  const ZoneTemperatures e = zone_step(c, 0.0, 1.0, {}, 0.0, dt_s);
  const ZoneTemperatures i = zone_step(c, 0.0, 0.0, {1.0, 0.0}, 0.0, dt_s);
  const ZoneTemperatures s = zone_step(c, 0.0, 0.0, {0.0, 1.0}, 0.0, dt_s);
  const ZoneTemperatures h = zone_step(c, 0.0, 0.0, {}, 1.0, dt_s);
  ZoneStepMap map;
  map.mass_end = {m.mass_end_c, e.mass_end_c, i.mass_end_c, s.mass_end_c, h.mass_end_c};
  map.air = {m.air_c, e.air_c, i.air_c, s.air_c, h.air_c};
  map.operative = {m.operative_c, e.operative_c, i.operative_c, s.operative_c, h.operative_c};
  return map;
}

HvacDemand hvac_demand_fast(const ZoneCoefficients& c, const ZoneHvacResponse& r,
                            double mass_start_c, double outdoor_c, const ZoneGains& gains,
                            double dt_s, double heating_setpoint_c, double cooling_setpoint_c,
                            double heating_capacity_w, double cooling_capacity_w) {
  HvacDemand d;
  d.result = zone_step(c, mass_start_c, outdoor_c, gains, 0.0, dt_s);
  const double air = d.result.air_c;
  if (air < heating_setpoint_c) {
    d.needed_w = (heating_setpoint_c - air) / r.air;
  } else if (air > cooling_setpoint_c) {
    d.needed_w = (cooling_setpoint_c - air) / r.air;
  } else {
    return d;
  }
  d.power_w = std::clamp(d.needed_w, -cooling_capacity_w, heating_capacity_w);
  ZoneTemperatures& t = d.result;
  t.mass_end_c += r.mass_end * d.power_w;
  t.mass_c += r.mass * d.power_w;
  t.surface_c += r.surface * d.power_w;
  t.air_c += r.air * d.power_w;
  t.operative_c += r.operative * d.power_w;
  return d;
}

}  // namespace parktwin::buildings
