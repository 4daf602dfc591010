// Irradiance on tilted surfaces: extraterrestrial irradiance, air mass and the isotropic,
// Hay-Davies and Perez transposition models. Sources are cited per function; see also the
// header. Cross-checked against pvlib-python (pvlib/irradiance.py), whose published test
// values are asserted in tests/sim/energy/test_solar.cpp.

#include "sim/energy/irradiance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "engine/assert.h"

namespace parktwin::energy {

namespace {

constexpr double deg2rad(double deg) { return deg * (std::numbers::pi / 180.0); }
double sind(double deg) { return std::sin(deg2rad(deg)); }
double cosd(double deg) { return std::cos(deg2rad(deg)); }

// Beam only while the sun is above the horizon: the weather file may carry a small DNI at
// twilight and a steep facade may "see" a sun that is below the horizon.
bool sun_up(const SunDirection& sun) { return sun.zenith_deg < 90.0; }

double beam_on_plane(const SurfaceOrientation& surface, const SunDirection& sun, double dni) {
  if (!sun_up(sun)) return 0.0;
  return std::max(dni, 0.0) * std::max(cos_incidence(surface, sun), 0.0);
}

// Perez et al. (1990), coefficients for the irradiance model fitted to all sites together
// ("allsitescomposite1990"), one row per clearness bin: f11, f12, f13, f21, f22, f23, with
// F1 = f11 + f12 delta + f13 Z and F2 = f21 + f22 delta + f23 Z (Z in radians). The values
// are those of the 1990 paper as tabulated in pvlib-python (_get_perez_coefficients).
struct PerezCoefficients {
  double f11, f12, f13, f21, f22, f23;
};
constexpr PerezCoefficients kPerez1990[8] = {
    {-0.0080, 0.5880, -0.0620, -0.0600, 0.0720, -0.0220},  // 1: overcast, eps < 1.065
    {0.1300, 0.6830, -0.1510, -0.0190, 0.0660, -0.0290},   // 2: eps < 1.230
    {0.3300, 0.4870, -0.2210, 0.0550, -0.0640, -0.0260},   // 3: eps < 1.500
    {0.5680, 0.1870, -0.2950, 0.1090, -0.1520, -0.0140},   // 4: eps < 1.950
    {0.8730, -0.3920, -0.3620, 0.2260, -0.4620, 0.0010},   // 5: eps < 2.800
    {1.1320, -1.2370, -0.4120, 0.2880, -0.8230, 0.0560},   // 6: eps < 4.500
    {1.0600, -1.6000, -0.3590, 0.2640, -1.1270, 0.1310},   // 7: eps < 6.200
    {0.6780, -0.3270, -0.2500, 0.1560, -1.3770, 0.2510},   // 8: clear, eps >= 6.2
};
// Upper clearness limits of bins 1..7 (Perez et al. 1990, discrete sky clearness categories).
constexpr double kPerezBinUpper[7] = {1.065, 1.23, 1.5, 1.95, 2.8, 4.5, 6.2};

}  // namespace

double extraterrestrial_normal_irradiance(double earth_sun_distance_au,
                                          double solar_constant_w_m2) noexcept {
  PT_ASSERT(earth_sun_distance_au > 0.0, "Sun-Earth distance must be positive");
  return solar_constant_w_m2 / (earth_sun_distance_au * earth_sun_distance_au);
}

double extraterrestrial_normal_irradiance_spencer(int day_of_year,
                                                  double solar_constant_w_m2) noexcept {
  // Spencer (1971) as in Iqbal (1983), section 1.2, with the day angle
  // Gamma = 2 pi (dn - 1) / 365.
  const double g = 2.0 * std::numbers::pi * (day_of_year - 1) / 365.0;
  const double e0 = 1.000110 + 0.034221 * std::cos(g) + 0.001280 * std::sin(g) +
                    0.000719 * std::cos(2.0 * g) + 0.000077 * std::sin(2.0 * g);
  return solar_constant_w_m2 * e0;
}

double relative_air_mass(double zenith_deg) noexcept {
  // Kasten & Young (1989): m = 1 / (cos z + a (b - z)^-c), z in degrees,
  // a = 0.50572, b = 96.07995, c = 1.6364; fitted to z <= 90 deg.
  if (!(zenith_deg <= 90.0)) return std::numeric_limits<double>::quiet_NaN();
  return 1.0 / (cosd(zenith_deg) + 0.50572 * std::pow(96.07995 - zenith_deg, -1.6364));
}

double absolute_air_mass(double relative, double pressure_hpa) noexcept {
  return relative * pressure_hpa / 1013.25;
}

double cos_incidence(const SurfaceOrientation& surface, const SunDirection& sun) noexcept {
  // Spherical law of cosines between the sun direction and the surface normal; the same
  // expression as the SPA's incidence angle (Reda & Andreas, report 3.16).
  return cosd(sun.zenith_deg) * cosd(surface.tilt_deg) +
         sind(sun.zenith_deg) * sind(surface.tilt_deg) *
             cosd(sun.azimuth_deg - surface.azimuth_deg);
}

double ground_reflected(double tilt_deg, double ghi_w_m2, double albedo) noexcept {
  // Liu & Jordan (1963): view factor of the ground from the plane is (1 - cos tilt) / 2.
  return albedo * ghi_w_m2 * (1.0 - cosd(tilt_deg)) / 2.0;
}

PlaneIrradiance plane_irradiance_isotropic(const SurfaceOrientation& surface,
                                           const SunDirection& sun,
                                           const HorizontalIrradiance& horizontal,
                                           double albedo) noexcept {
  // Liu & Jordan (1963): uniform sky radiance, view factor of the sky (1 + cos tilt) / 2.
  PlaneIrradiance p;
  p.beam_w_m2 = beam_on_plane(surface, sun, horizontal.dni_w_m2);
  p.sky_isotropic_w_m2 = horizontal.dhi_w_m2 * (1.0 + cosd(surface.tilt_deg)) / 2.0;
  p.ground_w_m2 = ground_reflected(surface.tilt_deg, horizontal.ghi_w_m2, albedo);
  return p;
}

PlaneIrradiance plane_irradiance_hay_davies(const SurfaceOrientation& surface,
                                            const SunDirection& sun,
                                            const HorizontalIrradiance& horizontal,
                                            double dni_extra_w_m2, double albedo) noexcept {
  PT_ASSERT(dni_extra_w_m2 > 0.0, "extraterrestrial irradiance must be positive");
  // Hay & Davies (1980): a fraction A_i = DNI / E0 (the anisotropy index) of the diffuse comes
  // from the sun's direction and is projected like beam, with Rb = cos(incidence) / cos(zenith);
  // the rest is isotropic. cos(zenith) is floored at cos 89 deg so that Rb stays finite near
  // the horizon (as pvlib, GH 432).
  PlaneIrradiance p;
  p.beam_w_m2 = beam_on_plane(surface, sun, horizontal.dni_w_m2);
  const double anisotropy =
      sun_up(sun) ? std::clamp(horizontal.dni_w_m2 / dni_extra_w_m2, 0.0, 1.0) : 0.0;
  const double rb = std::max(cos_incidence(surface, sun), 0.0) /
                    std::max(cosd(sun.zenith_deg), 0.017452406437283512);
  p.sky_isotropic_w_m2 =
      horizontal.dhi_w_m2 * (1.0 - anisotropy) * (1.0 + cosd(surface.tilt_deg)) / 2.0;
  p.sky_circumsolar_w_m2 = horizontal.dhi_w_m2 * anisotropy * rb;
  p.ground_w_m2 = ground_reflected(surface.tilt_deg, horizontal.ghi_w_m2, albedo);
  return p;
}

PerezSky perez_sky(double zenith_deg, double dhi_w_m2, double dni_w_m2, double dni_extra_w_m2,
                   double air_mass) noexcept {
  PerezSky s;
  if (!(dhi_w_m2 > 0.0) || !(zenith_deg < 90.0) || !std::isfinite(air_mass)) return s;
  PT_ASSERT(dni_extra_w_m2 > 0.0, "extraterrestrial irradiance must be positive");
  // Perez et al. (1990): clearness epsilon = ((DHI + DNI) / DHI + k Z^3) / (1 + k Z^3) with
  // k = 1.041 for Z in radians; brightness delta = DHI m / E0.
  const double z = deg2rad(zenith_deg);
  const double kz3 = 1.041 * z * z * z;
  s.clearness = ((dhi_w_m2 + std::max(dni_w_m2, 0.0)) / dhi_w_m2 + kz3) / (1.0 + kz3);
  s.brightness = dhi_w_m2 * air_mass / dni_extra_w_m2;
  int bin = 0;
  while (bin < 7 && s.clearness >= kPerezBinUpper[bin]) ++bin;
  s.clearness_bin = bin + 1;
  const PerezCoefficients& c = kPerez1990[bin];
  // F1 is floored at 0 (a negative circumsolar brightening has no physical meaning); F2 is
  // not, so the horizon band may darken (pvlib since 0.6, its test "negative horizon").
  s.f1 = std::max(c.f11 + c.f12 * s.brightness + c.f13 * z, 0.0);
  s.f2 = c.f21 + c.f22 * s.brightness + c.f23 * z;
  return s;
}

PlaneIrradiance plane_irradiance_perez(const SurfaceOrientation& surface, const SunDirection& sun,
                                       const HorizontalIrradiance& horizontal,
                                       double dni_extra_w_m2, double air_mass,
                                       double albedo) noexcept {
  const double dhi = horizontal.dhi_w_m2;
  if (!(dhi > 0.0) || !sun_up(sun) || !std::isfinite(air_mass)) {
    // No sky state to speak of (night, or no diffuse): keep the diffuse isotropic.
    return plane_irradiance_isotropic(surface, sun, horizontal, albedo);
  }
  const PerezSky s = perez_sky(sun.zenith_deg, dhi, horizontal.dni_w_m2, dni_extra_w_m2, air_mass);
  // Perez et al. (1987, Solar Energy 39(3) 221-232; 1990): the circumsolar region is a point
  // source projected with a / b, a = max(0, cos incidence), b = max(cos 85 deg, cos zenith);
  // the horizon band is a line source projected with sin(tilt).
  const double a = std::max(cos_incidence(surface, sun), 0.0);
  const double b = std::max(cosd(sun.zenith_deg), 0.08715574274765817);  // cos 85 deg
  const double isotropic = dhi * (1.0 - s.f1) * (1.0 + cosd(surface.tilt_deg)) / 2.0;
  const double circumsolar = dhi * s.f1 * a / b;
  const double horizon = dhi * s.f2 * sind(surface.tilt_deg);

  PlaneIrradiance p;
  p.beam_w_m2 = beam_on_plane(surface, sun, horizontal.dni_w_m2);
  // A negative total sky diffuse (strong horizon darkening on a steep plane) is not physical:
  // then the plane gets no sky diffuse at all, as in pvlib.
  if (isotropic + circumsolar + horizon > 0.0) {
    p.sky_isotropic_w_m2 = isotropic;
    p.sky_circumsolar_w_m2 = circumsolar;
    p.sky_horizon_w_m2 = horizon;
  }
  p.ground_w_m2 = ground_reflected(surface.tilt_deg, horizontal.ghi_w_m2, albedo);
  return p;
}

}  // namespace parktwin::energy
