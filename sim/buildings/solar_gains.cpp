#include "sim/buildings/solar_gains.h"

#include <algorithm>

#include "sim/energy/pv.h"

namespace parktwin::buildings {

namespace {

// ISO 13790:2008: F_w, the ratio of the total solar energy transmittance averaged over the
// angles of incidence to that at normal incidence (11.4.2); solar absorptance of opaque
// surfaces (a mid-grey, 11.3.4 note); external surface resistance R_se (ISO 6946: 0.04 m2K/W);
// external radiative coefficient h_r = 5 eps with eps = 0.9, and the average difference
// between air and apparent sky temperature, 11 K (11.4.6).
constexpr double kFw = 0.9, kAbsorptance = 0.6, kRse = 0.04, kHr = 4.5, kSkyDeltaK = 11.0;

}  // namespace

SiteIrradiance site_irradiance(const energy::WeatherNow& weather, const energy::SunDirection& sun,
                               double dni_extra_w_m2) {
  SiteIrradiance out;
  const energy::HorizontalIrradiance h{weather.ghi_wm2, weather.dni_wm2, weather.dhi_wm2};
  const double air_mass = sun.zenith_deg < 90.0 ? energy::relative_air_mass(sun.zenith_deg) : 0.0;
  for (std::size_t bin = 0; bin < kFacadeBins; ++bin) {
    const energy::SurfaceOrientation facade{90.0, 45.0 * static_cast<double>(bin)};
    const energy::PlaneIrradiance p =
        energy::plane_irradiance_perez(facade, sun, h, dni_extra_w_m2, air_mass, weather.albedo);
    out.facade_w_m2[bin] = p.total_w_m2();
    out.facade_direct_w_m2[bin] = p.beam_w_m2 + p.sky_circumsolar_w_m2;
  }
  out.roof_w_m2 = weather.ghi_wm2;  // a flat roof sees the global horizontal irradiance
  const energy::PlaneIrradiance roof = energy::plane_irradiance_perez(
      {0.0, 180.0}, sun, h, dni_extra_w_m2, air_mass, weather.albedo);
  out.roof_direct_w_m2 = std::min(roof.beam_w_m2 + roof.sky_circumsolar_w_m2, out.roof_w_m2);
  const energy::PlaneIrradiance pv =
      energy::plane_irradiance_perez({energy::kPvTiltDeg, energy::kPvAzimuthDeg}, sun, h,
                                     dni_extra_w_m2, air_mass, weather.albedo);
  out.pv_plane_w_m2 = pv.total_w_m2();
  out.pv_plane_direct_w_m2 = pv.beam_w_m2 + pv.sky_circumsolar_w_m2;
  return out;
}

double solar_gain_w(const BuildingStock& stock, std::size_t b, const SiteIrradiance& irr) {
  const double glazing = kFw * static_cast<double>(stock.g_value[b]) *
                         (1.0 - static_cast<double>(stock.frame_factor[b]));
  double windows = 0.0, walls_i = 0.0, walls_a = 0.0;
  for (std::size_t bin = 0; bin < kFacadeBins; ++bin) {
    windows += static_cast<double>(stock.window_area_m2[b][bin]) * irr.facade_w_m2[bin];
    walls_i += static_cast<double>(stock.wall_area_m2[b][bin]) * irr.facade_w_m2[bin];
    walls_a += static_cast<double>(stock.wall_area_m2[b][bin]);
  }
  const double u_wall = static_cast<double>(stock.u_wall[b]);
  const double u_roof = static_cast<double>(stock.u_roof[b]);
  const double roof_a = stock.roof_area_m2[b];
  const double opaque = kAbsorptance * kRse * (u_wall * walls_i + u_roof * roof_a * irr.roof_w_m2);
  const double sky = kRse * kHr * kSkyDeltaK * (u_roof * roof_a + 0.5 * u_wall * walls_a);
  return glazing * windows + opaque - sky;
}

SolarWeights solar_weights(const BuildingStock& stock, std::size_t b) {
  const double glazing = kFw * static_cast<double>(stock.g_value[b]) *
                         (1.0 - static_cast<double>(stock.frame_factor[b]));
  const double u_wall = static_cast<double>(stock.u_wall[b]);
  const double u_roof = static_cast<double>(stock.u_roof[b]);
  SolarWeights w;
  double walls_a = 0.0;
  for (std::size_t bin = 0; bin < kFacadeBins; ++bin) {
    const double wall = static_cast<double>(stock.wall_area_m2[b][bin]);
    w.facade_m2[bin] = glazing * static_cast<double>(stock.window_area_m2[b][bin]) +
                       kAbsorptance * kRse * u_wall * wall;
    walls_a += wall;
  }
  w.roof_m2 = kAbsorptance * kRse * u_roof * stock.roof_area_m2[b];
  w.sky_loss_w =
      kRse * kHr * kSkyDeltaK * (u_roof * stock.roof_area_m2[b] + 0.5 * u_wall * walls_a);
  return w;
}

}  // namespace parktwin::buildings
