#pragma once
// Solar irradiance on building surfaces (roofs, facades, PV planes) from horizontal weather
// data (GHI, DNI, DHI as in EPW files) and the sun position (sim/energy/solar_position.h).
//
// Models and sources (each function cites its equations in irradiance.cpp):
//  - extraterrestrial normal irradiance E0 = S / R^2 with R from the SPA, or Spencer (1971);
//    S = 1361 W/m2 (Kopp & Lean 2011);
//  - relative optical air mass: Kasten & Young (1989);
//  - plane-of-array transposition, beam + sky diffuse + ground-reflected:
//      isotropic sky (Liu & Jordan 1963), Hay & Davies (1980),
//      Perez et al. (1990) with the "allsitescomposite1990" coefficients.
//
// Conventions: angles in degrees; azimuths from north, eastward (S = 180), as the SPA's;
// surface tilt from horizontal: 0 = roof facing up, 90 = vertical facade; irradiance in W/m2.
// All functions are pure, noexcept and allocation-free: they are called inside the step.

namespace parktwin::energy {

// Total solar irradiance at 1 AU: G. Kopp and J. L. Lean, "A new, lower value of total solar
// irradiance: Evidence and climate significance", Geophys. Res. Lett. 38, L01706 (2011).
inline constexpr double kSolarConstant_w_m2 = 1361.0;

// Extraterrestrial irradiance on a plane normal to the sun: S / R^2 (inverse-square law), R the
// Sun-Earth distance in AU (SunAngles::earth_sun_distance_au, SPA report 3.2.7).
double extraterrestrial_normal_irradiance(
    double earth_sun_distance_au, double solar_constant_w_m2 = kSolarConstant_w_m2) noexcept;

// The same from the day of the year (1..366) by Spencer's Fourier series for (R0/R)^2:
// J. W. Spencer, "Fourier series representation of the position of the sun", Search 2(5), 172
// (1971), as given by M. Iqbal, "An Introduction to Solar Radiation" (1983), section 1.2.
// Within 0.1 % of the SPA value (tests/sim/energy); use when no sun position is at hand.
double extraterrestrial_normal_irradiance_spencer(
    int day_of_year, double solar_constant_w_m2 = kSolarConstant_w_m2) noexcept;

// Relative optical air mass at a (refracted, apparent) zenith angle: F. Kasten and
// A. T. Young, "Revised optical air mass tables and approximation formula", Applied Optics
// 28(22), 4735-4738 (1989). NaN for zenith > 90 deg (sun below the horizon).
double relative_air_mass(double zenith_deg) noexcept;

// Pressure-corrected (absolute) air mass: relative air mass times p / 1013.25 hPa.
double absolute_air_mass(double relative, double pressure_hpa) noexcept;

// What the weather file gives, on the horizontal plane.
struct HorizontalIrradiance {
  double ghi_w_m2 = 0.0;  // global horizontal
  double dni_w_m2 = 0.0;  // direct (beam) normal
  double dhi_w_m2 = 0.0;  // diffuse horizontal
};

struct SurfaceOrientation {
  double tilt_deg = 0.0;       // 0 horizontal (roof) .. 90 vertical (facade) .. 180 facing down
  double azimuth_deg = 180.0;  // direction the surface faces, from north eastward (180 = south)
};

struct SunDirection {
  double zenith_deg = 0.0;   // apparent (refracted) zenith, as SunAngles::zenith_deg
  double azimuth_deg = 0.0;  // from north, eastward
};

// Irradiance on a tilted plane, by component. The sky diffuse is split as the anisotropic
// models split it: an isotropic background, a circumsolar disc (reaching the plane as beam
// does) and a horizon band (Perez only; it may be negative: a darker horizon).
struct PlaneIrradiance {
  double beam_w_m2 = 0.0;  // DNI cos(incidence), 0 when the sun is behind or below
  double sky_isotropic_w_m2 = 0.0;
  double sky_circumsolar_w_m2 = 0.0;
  double sky_horizon_w_m2 = 0.0;
  double ground_w_m2 = 0.0;  // reflected by the ground in front of the plane

  double sky_diffuse_w_m2() const noexcept {
    return sky_isotropic_w_m2 + sky_circumsolar_w_m2 + sky_horizon_w_m2;
  }
  double total_w_m2() const noexcept { return beam_w_m2 + sky_diffuse_w_m2() + ground_w_m2; }
};

// Cosine of the angle of incidence of the sun's rays on the plane (negative: sun behind it);
// the SPA's Eq. for I (report 3.16) with azimuths from north.
double cos_incidence(const SurfaceOrientation& surface, const SunDirection& sun) noexcept;

// Ground-reflected irradiance on the plane from a horizontal, isotropically (Lambertian)
// reflecting ground: albedo * GHI * (1 - cos tilt) / 2 (Liu & Jordan 1963).
double ground_reflected(double tilt_deg, double ghi_w_m2, double albedo) noexcept;

// Isotropic sky: B. Y. H. Liu and R. C. Jordan, "The long-term average performance of
// flat-plate solar-energy collectors", Solar Energy 7(2), 53-74 (1963).
PlaneIrradiance plane_irradiance_isotropic(const SurfaceOrientation& surface,
                                           const SunDirection& sun,
                                           const HorizontalIrradiance& horizontal,
                                           double albedo) noexcept;

// Hay & Davies: J. E. Hay and J. A. Davies, "Calculation of the solar radiation incident on an
// inclined surface", Proc. First Canadian Solar Radiation Data Workshop (1980), 59-72.
// dni_extra_w_m2: extraterrestrial normal irradiance (above).
PlaneIrradiance plane_irradiance_hay_davies(const SurfaceOrientation& surface,
                                            const SunDirection& sun,
                                            const HorizontalIrradiance& horizontal,
                                            double dni_extra_w_m2, double albedo) noexcept;

// The Perez sky state behind plane_irradiance_perez, for inspection and tests.
struct PerezSky {
  double clearness = 0.0;   // sky clearness epsilon
  double brightness = 0.0;  // sky brightness delta
  int clearness_bin = 0;    // 1 (overcast) .. 8 (clear)
  double f1 = 0.0;          // circumsolar brightening coefficient (>= 0)
  double f2 = 0.0;          // horizon brightening coefficient (may be negative)
};

// Perez clearness, brightness and F1, F2 for the sun zenith and the horizontal diffuse and
// direct normal irradiance; air_mass is the relative air mass (relative_air_mass()). Needs
// dhi > 0 and the sun above the horizon (zenith < 90); otherwise every field is 0.
PerezSky perez_sky(double zenith_deg, double dhi_w_m2, double dni_w_m2, double dni_extra_w_m2,
                   double air_mass) noexcept;

// Perez: R. Perez, P. Ineichen, R. Seals, J. Michalsky and R. Stewart, "Modeling daylight
// availability and irradiance components from direct and global irradiance", Solar Energy
// 44(5), 271-289 (1990). With the sun at or below the horizon (no air mass), or dhi = 0, the
// sky is taken as isotropic. air_mass: relative air mass at sun.zenith_deg.
PlaneIrradiance plane_irradiance_perez(const SurfaceOrientation& surface, const SunDirection& sun,
                                       const HorizontalIrradiance& horizontal,
                                       double dni_extra_w_m2, double air_mass,
                                       double albedo) noexcept;

}  // namespace parktwin::energy
