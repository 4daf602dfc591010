// The 5R1C zone of ISO 13790 Annex C (sim/buildings/zone_5r1c.h) against analytic solutions:
// the steady heating load of its resistance network, the lag and damping of a free-floating
// zone under a daily temperature swing, and the energy balance of every step.

#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <numbers>

#include "engine/error.h"
#include "engine/rng.h"
#include "sim/buildings/zone_5r1c.h"

using namespace parktwin;
using buildings::ZoneCoefficients;
using buildings::ZoneGains;
using buildings::ZoneParams;

namespace {

// A 1000 m2 office floor plate: envelope values of the order of buildings.md's HSCW limits.
ZoneParams office() {
  ZoneParams p;
  p.floor_area_m2 = 1000.0;
  p.h_ve_w_k = 1200.0 * 1000.0 * 3.0 * 0.5 / 3600.0;  // 0.5 air changes per hour, 3 m high
  p.h_tr_w_w_k = 2.4 * 240.0;                         // 240 m2 of windows at 2.4 W/m2K
  p.h_tr_op_w_k = 0.6 * 560.0 + 0.4 * 1000.0;         // walls and roof
  return p;
}

}  // namespace

TEST_CASE("steady heating load equals the network's conductance times the difference",
          "[buildings][zone]") {
  const ZoneCoefficients c = buildings::zone_coefficients(office());
  // Air to outside: ventilation in parallel with (surfaces to air) in series with (windows in
  // parallel with the opaque path, mass to surface in series with mass to outside).
  const double h_op = 1.0 / (1.0 / c.h_tr_ms + 1.0 / c.h_tr_em);
  const double h_total = c.h_ve + 1.0 / (1.0 / c.h_tr_is + 1.0 / (c.h_tr_w + h_op));
  CHECK(h_op == Approx(office().h_tr_op_w_k).epsilon(1e-12));
  const double outdoor = -2.5, setpoint = 20.0;  // the file's 99.6% heating design day
  double mass = 10.0, power = 0.0;
  for (int step = 0; step < 24 * 60 * 30; ++step) {  // 30 days of minutes: the mass settles
    const buildings::HvacDemand d =
        buildings::hvac_demand(c, mass, outdoor, {}, 60.0, setpoint, 26.0, 1e9, 1e9);
    mass = d.result.mass_end_c;
    power = d.power_w;
    CHECK(d.result.air_c == Approx(setpoint).margin(1e-9));
  }
  CHECK(power == Approx(h_total * (setpoint - outdoor)).epsilon(1e-6));
}

TEST_CASE("a free-floating zone follows the outdoor swing with the lag of its mass",
          "[buildings][zone]") {
  const ZoneCoefficients c = buildings::zone_coefficients(office());
  // No gains, no HVAC: C_m dtheta_m/dt = (H_tr,em + H_tr,3) (theta_e - theta_m), and the air
  // is a fixed mix alpha theta_m + (1 - alpha) theta_e of mass and outdoor air (C.10, C.11).
  const double tau = c.c_m / (c.h_tr_em + c.h_tr_3);
  const double alpha =
      c.h_tr_ms / (c.h_tr_ms + c.h_tr_w + c.h_tr_1) * c.h_tr_is / (c.h_tr_is + c.h_ve);
  const double omega = 2.0 * std::numbers::pi / 86400.0;
  const std::complex<double> mass_response = 1.0 / std::complex<double>(1.0, omega * tau);
  const std::complex<double> air_response = alpha * mass_response + (1.0 - alpha);
  INFO("tau " << tau / 3600.0 << " h, alpha " << alpha);
  // Outdoor 25 +- 5 C over a day; ten days to forget the start, then measure the last one.
  const double dt = 60.0;
  double mass = 25.0;
  double sin_mass = 0.0, cos_mass = 0.0, sin_air = 0.0, cos_air = 0.0;
  const int per_day = 1440;
  for (int step = 0; step < 11 * per_day; ++step) {
    const double t_mid = (step + 0.5) * dt;  // temperatures are means over the step
    const double outdoor = 25.0 + 5.0 * std::sin(omega * t_mid);
    const buildings::ZoneTemperatures z = buildings::zone_step(c, mass, outdoor, {}, 0.0, dt);
    mass = z.mass_end_c;
    if (step >= 10 * per_day) {
      sin_mass += (z.mass_c - 25.0) * std::sin(omega * t_mid);
      cos_mass += (z.mass_c - 25.0) * std::cos(omega * t_mid);
      sin_air += (z.air_c - 25.0) * std::sin(omega * t_mid);
      cos_air += (z.air_c - 25.0) * std::cos(omega * t_mid);
    }
  }
  // Fourier coefficients of the last day: amplitude and phase of the response.
  const auto measured = [&](double s, double co) {
    return std::complex<double>(s, co) * (2.0 / per_day) / 5.0;
  };
  const std::complex<double> m = measured(sin_mass, cos_mass), a = measured(sin_air, cos_air);
  CHECK(std::abs(m) == Approx(std::abs(mass_response)).epsilon(0.01));
  CHECK(std::arg(m) == Approx(std::arg(mass_response)).epsilon(0.01));
  CHECK(std::abs(a) == Approx(std::abs(air_response)).epsilon(0.01));
  CHECK(std::arg(a) == Approx(std::arg(air_response)).epsilon(0.01));
  // In hours, as docs/buildings-energy.md quotes them: a time constant of 26 h, the mass 5.4 h
  // behind the outdoor air, the room air 3.7 h behind at 16% of the swing.
  CHECK(tau / 3600.0 == Approx(25.8).margin(0.1));
  CHECK(-std::arg(m) / omega / 3600.0 == Approx(5.4).margin(0.1));
  CHECK(-std::arg(a) / omega / 3600.0 == Approx(3.7).margin(0.1));
  CHECK(std::abs(a) == Approx(0.16).margin(0.01));
}

TEST_CASE("every step's energy balance closes", "[buildings][zone]") {
  const ZoneCoefficients c = buildings::zone_coefficients(office());
  double mass = 18.0;
  for (std::uint64_t step = 0; step < 5000; ++step) {
    const double u = rng::uniform(42, 1u, 0u, step), v = rng::uniform(42, 2u, 0u, step);
    const double outdoor = -5.0 + 40.0 * u;
    const ZoneGains gains{20000.0 * v, 30000.0 * rng::uniform(42, 3u, 0u, step)};
    const double dt = step % 3 == 0 ? 3600.0 : 60.0;
    const buildings::HvacDemand d =
        buildings::hvac_demand(c, mass, outdoor, gains, dt, 20.0, 26.0, 40000.0, 60000.0);
    const double stored_w = c.c_m * (d.result.mass_end_c - mass) / dt;
    const double in_w = gains.internal_w + gains.solar_w + d.power_w;
    const double out_w = buildings::zone_heat_loss_w(c, d.result, outdoor, gains);
    CHECK(in_w - out_w == Approx(stored_w).margin(1e-6 * (std::abs(in_w) + std::abs(out_w))));
    mass = d.result.mass_end_c;
  }
}

TEST_CASE("HVAC holds the set-points within its capacity and no further", "[buildings][zone]") {
  const ZoneCoefficients c = buildings::zone_coefficients(office());
  // Mild: free-floating within the band, no HVAC.
  const buildings::HvacDemand idle =
      buildings::hvac_demand(c, 22.0, 22.0, {}, 60.0, 20.0, 26.0, 1e5, 1e5);
  CHECK(idle.power_w == 0.0);
  // Cold with ample heating: the air at 20 C exactly.
  const buildings::HvacDemand warm =
      buildings::hvac_demand(c, 15.0, 0.0, {}, 60.0, 20.0, 26.0, 1e6, 1e6);
  CHECK(warm.power_w > 0.0);
  CHECK(warm.result.air_c == Approx(20.0).margin(1e-9));
  // Hot with a small chiller: it runs flat out and the air stays above 26 C.
  const buildings::HvacDemand hot =
      buildings::hvac_demand(c, 30.0, 36.0, {30000.0, 40000.0}, 60.0, 20.0, 26.0, 1e6, 5000.0);
  CHECK(hot.needed_w < -5000.0);
  CHECK(hot.power_w == -5000.0);
  CHECK(hot.result.air_c > 26.0);
}

TEST_CASE("the precomputed HVAC response gives the standard's procedure's result",
          "[buildings][zone]") {
  const ZoneCoefficients c = buildings::zone_coefficients(office());
  for (const double dt : {60.0, 900.0, 3600.0}) {
    const buildings::ZoneHvacResponse r = buildings::hvac_response(c, dt);
    double mass = 18.0;
    for (std::uint64_t step = 0; step < 2000; ++step) {
      const double outdoor = -5.0 + 40.0 * rng::uniform(7, 1u, 0u, step);
      const ZoneGains gains{15000.0 * rng::uniform(7, 2u, 0u, step),
                            25000.0 * rng::uniform(7, 3u, 0u, step)};
      const buildings::HvacDemand a =
          buildings::hvac_demand(c, mass, outdoor, gains, dt, 20.0, 26.0, 30000.0, 50000.0);
      const buildings::HvacDemand b =
          buildings::hvac_demand_fast(c, r, mass, outdoor, gains, dt, 20.0, 26.0, 30000.0, 50000.0);
      CHECK(b.power_w == Approx(a.power_w).margin(1e-6));
      CHECK(b.result.air_c == Approx(a.result.air_c).margin(1e-9));
      CHECK(b.result.operative_c == Approx(a.result.operative_c).margin(1e-9));
      CHECK(b.result.mass_end_c == Approx(a.result.mass_end_c).margin(1e-9));
      mass = a.result.mass_end_c;
    }
  }
}

TEST_CASE("the step as a linear map equals the step", "[buildings][zone]") {
  const ZoneCoefficients c = buildings::zone_coefficients(office());
  const buildings::ZoneStepMap map = buildings::zone_step_map(c, 60.0);
  for (std::uint64_t k = 0; k < 1000; ++k) {
    const double mass = 10.0 + 20.0 * rng::uniform(9, 1u, 0u, k);
    const double outdoor = -5.0 + 40.0 * rng::uniform(9, 2u, 0u, k);
    const ZoneGains gains{20000.0 * rng::uniform(9, 3u, 0u, k),
                          30000.0 * rng::uniform(9, 4u, 0u, k)};
    const double hvac = -40000.0 + 80000.0 * rng::uniform(9, 5u, 0u, k);
    const buildings::ZoneTemperatures t = buildings::zone_step(c, mass, outdoor, gains, hvac, 60.0);
    CHECK(map.mass_end.at(mass, outdoor, gains.internal_w, gains.solar_w, hvac) ==
          Approx(t.mass_end_c).margin(1e-9));
    CHECK(map.air.at(mass, outdoor, gains.internal_w, gains.solar_w, hvac) ==
          Approx(t.air_c).margin(1e-9));
    CHECK(map.operative.at(mass, outdoor, gains.internal_w, gains.solar_w, hvac) ==
          Approx(t.operative_c).margin(1e-9));
  }
}

TEST_CASE("a zone that does not fit the model is refused naming the parameter",
          "[buildings][zone][errors]") {
  ZoneParams p = office();
  p.floor_area_m2 = 0.0;
  CHECK_THROWS_WITH(buildings::zone_coefficients(p), Catch::Contains("floor_area_m2"));
  p = office();
  p.h_tr_op_w_k = 1e7;  // more than the mass-to-surface link: H_tr,em would be negative
  CHECK_THROWS_WITH(buildings::zone_coefficients(p),
                    Catch::Contains("h_tr_op_w_k") && Catch::Contains("H_tr,em"));
  p = office();
  p.h_ve_w_k = -1.0;
  CHECK_THROWS_WITH(buildings::zone_coefficients(p), Catch::Contains("h_ve_w_k"));
}
