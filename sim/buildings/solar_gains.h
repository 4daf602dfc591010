#pragma once
// Solar heat gains of the stock's buildings: irradiance on the eight facade directions and
// the roof, computed once per step for the whole site (sim/energy/irradiance.h, Perez 1990),
// then each building's gains as sums over its facades (ISO 13790:2008 11.3).

#include <array>

#include "sim/buildings/building_stock.h"
#include "sim/energy/irradiance.h"
#include "sim/energy/weather.h"

namespace parktwin::buildings {

// Total irradiance (W/m2) on vertical planes facing each facade bin, and on the roof.
// Of each, the direct part (beam and Perez's circumsolar sky, which come from the sun's
// direction): what other buildings can shade (sim/buildings/shading.h).
struct SiteIrradiance {
  std::array<double, kFacadeBins> facade_w_m2{};
  double roof_w_m2 = 0.0;
  double pv_plane_w_m2 = 0.0;  // on roof PV arrays (energy::kPvTiltDeg, kPvAzimuthDeg)
  std::array<double, kFacadeBins> facade_direct_w_m2{};
  double roof_direct_w_m2 = 0.0, pv_plane_direct_w_m2 = 0.0;
};

// From this step's weather and sun (zenith >= 90: night, all zero but the ground-reflected and
// diffuse parts that the weather still gives).
SiteIrradiance site_irradiance(const energy::WeatherNow& weather, const energy::SunDirection& sun,
                               double dni_extra_w_m2);

// Building b's solar gains (W) into its zone: through the glazing (g-value at normal incidence
// times 0.9 for the angular dependence, ISO 13790 11.4.2, times the glazed share of the window)
// and absorbed by the opaque walls and roof and conducted in (11.3.4: alpha R_se U A I), less
// the thermal radiation to the sky (11.3.5: F_r R_se U A h_r dtheta_er; F_r 1 for the roof,
// 0.5 for walls).
double solar_gain_w(const BuildingStock& stock, std::size_t b, const SiteIrradiance& irr);

// The same gains as a weighted sum of the site's irradiances, weights precomputed per
// building: what the step loop uses (equal to solar_gain_w to rounding).
struct SolarWeights {
  std::array<double, kFacadeBins> facade_m2{};  // effective area facing each bin
  double roof_m2 = 0.0;
  double sky_loss_w = 0.0;  // radiation to the sky, independent of the sun
  double gain_w(const SiteIrradiance& irr) const {
    double g = roof_m2 * irr.roof_w_m2 - sky_loss_w;
    for (std::size_t bin = 0; bin < kFacadeBins; ++bin) g += facade_m2[bin] * irr.facade_w_m2[bin];
    return g;
  }
  // With only `lit` shares of the direct parts reaching the facades and the roof.
  template <class Lit>
  double gain_w(const SiteIrradiance& irr, const Lit& lit) const {
    double g =
        roof_m2 * (irr.roof_w_m2 - (1.0 - static_cast<double>(lit.roof)) * irr.roof_direct_w_m2) -
        sky_loss_w;
    for (std::size_t bin = 0; bin < kFacadeBins; ++bin) {
      g += facade_m2[bin] * (irr.facade_w_m2[bin] - (1.0 - static_cast<double>(lit.facade[bin])) *
                                                        irr.facade_direct_w_m2[bin]);
    }
    return g;
  }
};
SolarWeights solar_weights(const BuildingStock& stock, std::size_t b);

}  // namespace parktwin::buildings
