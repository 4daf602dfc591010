#pragma once
// Sun position by the NREL Solar Position Algorithm (SPA):
//   I. Reda and A. Andreas, "Solar Position Algorithm for Solar Radiation Applications",
//   NREL/TP-560-34302, revised January 2008; also Solar Energy 76 (2004) 577-589,
//   doi:10.1016/j.solener.2003.12.003.
// Stated uncertainty +/-0.0003 deg for the years -2000..6000. Section numbers in comments
// ("report 3.12", "A.2") refer to that report; the worked example of its Appendix A.5 is the
// first test in tests/sim/energy/test_solar.cpp.
//
// Conventions (those of the report):
//  - angles in degrees, longitude positive east of Greenwich, latitude positive north;
//  - azimuth_deg is the navigators' azimuth: from north, eastward (N 0, E 90, S 180, W 270);
//  - a surface's azimuth_rotation_deg is the report's gamma: from SOUTH, positive toward WEST
//    (so -10 is a surface facing 10 deg east of south); slope_deg is its tilt from horizontal;
//  - zenith and elevation are topocentric and include atmospheric refraction.
//
// Two entry points:
//  - solar_position(): the whole algorithm with every intermediate value and sunrise/transit/
//    sunset, from a civil date and time; validates its input and throws parktwin::Error;
//  - sun_angles(): the per-step call of the simulation loop (one site, every step), from a
//    Julian day; no validation, no rise/set, no allocation, noexcept.

namespace parktwin::energy {

struct SpaInput {
  int year = 2000;                    // -2000..6000
  int month = 1;                      // 1..12
  int day = 1;                        // 1..31
  int hour = 0;                       // 0..24, local standard time of timezone_h
  int minute = 0;                     // 0..59
  double second = 0.0;                // [0, 60)
  double timezone_h = 0.0;            // local time minus UTC, hours, -18..18 (negative west)
  double delta_ut1_s = 0.0;           // UT1 - UTC, seconds, (-1, 1) (IERS Bulletin A)
  double delta_t_s = 0.0;             // TT - UT1, seconds, |.| <= 8000 (about 69 s in the 2020s)
  double latitude_deg = 0.0;          // -90..90
  double longitude_deg = 0.0;         // -180..180, east positive
  double elevation_m = 0.0;           // observer height above sea level, >= -6 500 000
  double pressure_hpa = 1013.25;      // annual mean local pressure, 0..5000 (refraction only)
  double temperature_c = 15.0;        // annual mean local temperature, -273..6000 (refraction)
  double slope_deg = 0.0;             // surface tilt from horizontal, |.| <= 360
  double azimuth_rotation_deg = 0.0;  // surface azimuth from south, west positive, |.| <= 360
  double atmos_refract_deg = 0.5667;  // refraction at sunrise/sunset, |.| <= 5
};

// Every intermediate of the report's procedure, named after its symbol there, and the results.
struct SunPosition {
  // 3.1 time scales
  double julian_day;                   // JD (UT)
  double julian_century;               // JC
  double julian_ephemeris_day;         // JDE
  double julian_ephemeris_century;     // JCE
  double julian_ephemeris_millennium;  // JME
  // 3.2-3.3 Earth heliocentric and geocentric coordinates
  double earth_heliocentric_longitude_deg;  // L
  double earth_heliocentric_latitude_deg;   // B
  double earth_radius_vector_au;            // R, Sun-Earth distance
  double geocentric_longitude_deg;          // Theta
  double geocentric_latitude_deg;           // beta
  // 3.4-3.8 nutation, obliquity, aberration, apparent longitude, sidereal time
  double nutation_longitude_deg;                // delta psi
  double nutation_obliquity_deg;                // delta epsilon
  double mean_obliquity_arcsec;                 // epsilon0
  double true_obliquity_deg;                    // epsilon
  double aberration_correction_deg;             // delta tau
  double apparent_sun_longitude_deg;            // lambda
  double greenwich_mean_sidereal_time_deg;      // nu0
  double greenwich_apparent_sidereal_time_deg;  // nu
  // 3.9-3.11 geocentric equatorial coordinates
  double right_ascension_deg;  // alpha
  double declination_deg;      // delta
  double hour_angle_deg;       // H, observer local hour angle
  // 3.12-3.13 topocentric (parallax-corrected) coordinates
  double equatorial_horizontal_parallax_deg;  // xi
  double parallax_right_ascension_deg;        // delta alpha
  double topocentric_right_ascension_deg;     // alpha'
  double topocentric_declination_deg;         // delta'
  double topocentric_hour_angle_deg;          // H'
  // 3.14-3.16 horizon coordinates and surface incidence
  double elevation_no_refraction_deg;  // e0
  double refraction_correction_deg;    // delta e (0 when the sun is below the horizon)
  double elevation_deg;                // e = e0 + delta e
  double zenith_deg;                   // theta = 90 - e
  double astronomers_azimuth_deg;      // Gamma, from south, westward, 0..360
  double azimuth_deg;                  // Phi, from north, eastward, 0..360
  double incidence_deg;                // I, on the surface (slope_deg, azimuth_rotation_deg)
  // A.1 and A.2
  double equation_of_time_min;    // E, apparent minus mean solar time, minutes
  double sunrise_h;               // local hours in [0, 24) of timezone_h; NaN: no sunrise
  double transit_h;               // local hours of the sun's meridian transit
  double sunset_h;                // local hours; NaN: no sunset (polar day or night)
  double sunrise_hour_angle_deg;  // H' at sunrise (NaN with no sunrise)
  double sunset_hour_angle_deg;   // H' at sunset
  double transit_elevation_deg;   // sun elevation at transit, without refraction
};

// The full algorithm. Throws parktwin::Error naming the offending SpaInput field when an input
// is outside the ranges noted above (those of NREL's reference implementation) or not finite.
SunPosition solar_position(const SpaInput& in);

// Julian day (UT) of a civil date and time, report 3.1.1: the Gregorian calendar from
// 1582-10-15 on, the Julian calendar before. second may be fractional.
double julian_day(int year, int month, int day, int hour, int minute, double second,
                  double delta_ut1_s, double timezone_h) noexcept;

// Julian day (UTC taken as UT) of a POSIX time: JD 2440587.5 is 1970-01-01T00:00:00Z. A double
// Julian day resolves about 40 microseconds today, far below the SPA's uncertainty.
constexpr double julian_day_from_unix(double unix_time_s) noexcept {
  return 2440587.5 + unix_time_s / 86400.0;
}

// What the step loop needs of one site: fixed with the scenario (STYLE.md rule 1).
struct SolarSite {
  double latitude_deg = 0.0;
  double longitude_deg = 0.0;  // east positive
  double elevation_m = 0.0;
  double atmos_refract_deg = 0.5667;  // refraction at sunrise/sunset (decides when to refract)
};

struct SunAngles {
  double zenith_deg;             // topocentric, refracted
  double azimuth_deg;            // from north, eastward
  double elevation_deg;          // 90 - zenith_deg
  double earth_sun_distance_au;  // R, for the extraterrestrial irradiance
  double declination_deg;        // topocentric delta'
};

// The SPA (report 3.1-3.15) for one instant and site, without the incidence angle, the
// equation of time and rise/set: the same zenith and azimuth as solar_position() for the same
// instant. julian_day_ut from julian_day() or julian_day_from_unix(); pressure and temperature
// of the current weather (they only scale the refraction). Inputs are not checked (callers
// inside the step assert); allocation-free, a few microseconds.
SunAngles sun_angles(const SolarSite& site, double julian_day_ut, double delta_t_s,
                     double pressure_hpa, double temperature_c) noexcept;

}  // namespace parktwin::energy
