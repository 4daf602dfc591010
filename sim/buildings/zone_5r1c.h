#pragma once
// One thermal zone as the 5R1C network of ISO 13790:2008, Annex C ("simple hourly method"):
// air node, surface node (star point) and one thermal mass node with capacity Cm, linked by
// the conductances Hve (ventilation), Htr,is (surfaces to air), Htr,w (windows), Htr,ms (mass
// to surfaces) and Htr,em (mass to outside). Solar and internal gains split between the
// nodes as in C.2; the mass temperature advances by Crank-Nicolson (C.4, eq. C.4), here over
// any step length dt (the standard writes it for dt = 3600 s).
//
// Heating and cooling follow C.4.2 (the "ideal" HVAC of the standard): the free-floating air
// temperature first; when it leaves the set-point band, the power that brings the air to the
// set-point, found from the linear response to a 10 W/m2 test load, and limited to the
// system's capacity (what the capacity cannot give is left unmet: the zone drifts, and the
// comfort KPI counts it).

namespace parktwin::buildings {

// What a zone is made of (its model), in SI units.
struct ZoneParams {
  double floor_area_m2 = 100.0;  // A_f, conditioned floor area
  double h_ve_w_k = 0.0;         // ventilation and infiltration, rho_a c_a q_ve
  double h_tr_w_w_k = 0.0;       // windows (glazing has no mass)
  double h_tr_op_w_k = 0.0;      // opaque elements: walls, roof, ground floor
  // ISO 13790 Table 12, "medium" class: A_m = 2.5 A_f, C_m = 165 000 J/K per m2 of floor.
  double mass_area_factor = 2.5;
  double heat_capacity_j_km2 = 165000.0;
};

// Conductances and factors derived once from ZoneParams (C.2, C.3), so that a step is a few
// multiplications.
struct ZoneCoefficients {
  double floor_area_m2 = 0.0;
  double h_ve = 0.0, h_tr_w = 0.0, h_tr_is = 0.0, h_tr_ms = 0.0, h_tr_em = 0.0;
  double h_tr_1 = 0.0, h_tr_2 = 0.0, h_tr_3 = 0.0;
  double c_m = 0.0;            // J/K
  double share_mass = 0.0;     // of 0.5 phi_int + phi_sol going to the mass node
  double share_surface = 0.0;  // ... to the surface node (the rest of it, C.2)
};

// Throws parktwin::Error for a non-positive area or capacity, a negative conductance, or
// opaque elements conducting more than the mass-to-surface link can carry (Htr,em would be
// negative: the model does not fit the building).
ZoneCoefficients zone_coefficients(const ZoneParams& p);

// Heat flows into the zone over one step (W, means over the step).
struct ZoneGains {
  double internal_w = 0.0;  // people, lighting, appliances
  double solar_w = 0.0;     // through windows
};

// Temperatures at the end of a step (theta_m_end) and over it (the others, C.4).
struct ZoneTemperatures {
  double mass_end_c = 0.0;   // theta_m,t
  double mass_c = 0.0;       // mean of the step's start and end
  double surface_c = 0.0;    // theta_s
  double air_c = 0.0;        // theta_air
  double operative_c = 0.0;  // theta_op = 0.3 theta_air + 0.7 theta_s (C.11)
};

// One step of `dt_s` from mass temperature `mass_start_c`, outdoor air `outdoor_c` (also the
// supply air: no heat recovery) and heating (+) or cooling (-) power `hvac_w` delivered to
// the air node.
ZoneTemperatures zone_step(const ZoneCoefficients& c, double mass_start_c, double outdoor_c,
                           const ZoneGains& gains, double hvac_w, double dt_s);

// Heat leaving the zone over the step (W): ventilation, windows and opaque elements at the
// step's temperatures, and the share H_tr,w / (9.1 A_t) of the radiant gains that C.3 gives
// to no node (what falls on the glazing and leaves through it). With the gains, the HVAC and
// the mass's change of heat it closes the balance:
//   internal + solar + hvac - loss = C_m (theta_m,t - theta_m,t-1) / dt.
double zone_heat_loss_w(const ZoneCoefficients& c, const ZoneTemperatures& t, double outdoor_c,
                        const ZoneGains& gains);

// The ideal HVAC's power for the step (C.4.2): 0 when the free-floating air stays within
// [heating_setpoint_c, cooling_setpoint_c]; else the power that holds the air at the set-point
// it crossed, limited to `heating_capacity_w` or `cooling_capacity_w` (both >= 0).
struct HvacDemand {
  double power_w = 0.0;     // + heating, - cooling, after the capacity limit
  double needed_w = 0.0;    // before it
  ZoneTemperatures result;  // the zone's temperatures with power_w
};
HvacDemand hvac_demand(const ZoneCoefficients& c, double mass_start_c, double outdoor_c,
                       const ZoneGains& gains, double dt_s, double heating_setpoint_c,
                       double cooling_setpoint_c, double heating_capacity_w,
                       double cooling_capacity_w);

// Every temperature of a step is affine in the HVAC power (the network is linear): the change
// per watt, which depends only on the zone and the step length. With it a step needs one
// free-floating zone_step and a few multiplications: what the stock's step loop uses
// (hvac_demand above is the standard's procedure, kept as the reference it is tested against).
struct ZoneHvacResponse {
  double mass_end = 0.0, mass = 0.0, surface = 0.0, air = 0.0, operative = 0.0;  // K per W
};
ZoneHvacResponse hvac_response(const ZoneCoefficients& c, double dt_s);

// The whole step as a linear map, for the step loop of many zones: with the supply air at the
// outdoor temperature, each temperature at the end of a step of dt is
//   T = mass_start m + outdoor e + internal i + solar s + hvac h
// (the network has no constant term), so five multiply-adds per temperature replace the
// step's divisions. Found, like hvac_response, from steps of unit inputs; equal to zone_step
// to rounding.
struct ZoneStepMap {
  struct Row {
    double mass = 0.0, outdoor = 0.0, internal = 0.0, solar = 0.0, hvac = 0.0;
    double at(double mass_start_c, double outdoor_c, double internal_w, double solar_w,
              double hvac_w) const {
      return mass * mass_start_c + outdoor * outdoor_c + internal * internal_w + solar * solar_w +
             hvac * hvac_w;
    }
  };
  Row mass_end, air, operative;
};
ZoneStepMap zone_step_map(const ZoneCoefficients& c, double dt_s);

// hvac_demand with a precomputed response: the same result to rounding.
HvacDemand hvac_demand_fast(const ZoneCoefficients& c, const ZoneHvacResponse& r,
                            double mass_start_c, double outdoor_c, const ZoneGains& gains,
                            double dt_s, double heating_setpoint_c, double cooling_setpoint_c,
                            double heating_capacity_w, double cooling_capacity_w);

}  // namespace parktwin::buildings
