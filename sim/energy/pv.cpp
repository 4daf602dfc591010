#include "sim/energy/pv.h"

#include <algorithm>

namespace parktwin::energy {

namespace {

constexpr double kGamma = -0.0037;                    // per K, PVWatts "standard" module
constexpr double kSystemLosses = 0.14;                // PVWatts default
constexpr double kInverterEfficiency = 0.96;          // PVWatts nominal
constexpr double kFaimanU0 = 25.0, kFaimanU1 = 6.84;  // W/m2K, W s/m3K

}  // namespace

double pv_cell_temperature_c(double poa_w_m2, double air_c, double wind_mps) {
  return air_c + std::max(poa_w_m2, 0.0) / (kFaimanU0 + kFaimanU1 * std::max(wind_mps, 0.0));
}

double pv_output_w_per_kwp(double poa_w_m2, double air_c, double wind_mps) {
  const double g = std::max(poa_w_m2, 0.0);
  const double t_cell = pv_cell_temperature_c(g, air_c, wind_mps);
  const double dc = 1000.0 * (g / 1000.0) * (1.0 + kGamma * (t_cell - 25.0));
  return std::max(dc, 0.0) * (1.0 - kSystemLosses) * kInverterEfficiency;
}

}  // namespace parktwin::energy
