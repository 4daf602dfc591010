// NREL Solar Position Algorithm: I. Reda and A. Andreas, NREL/TP-560-34302 (rev. January 2008)
// = Solar Energy 76 (2004) 577-589. Section numbers below are those of the report; the
// periodic-term tables are its Appendix A.4 (Earth periodic terms after VSOP87 as abridged by
// J. Meeus, "Astronomical Algorithms", 1998; nutation terms of the 1980 IAU theory).
//
// Where NREL's reference implementation spa.c (revised 08-SEP-2014) makes a choice the report
// leaves open, we make the same one so that results agree with the published reference data
// to its printed precision; each such place is marked "as spa.c".

#include "sim/energy/solar_position.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numbers>
#include <span>
#include <string>

#include "engine/error.h"

namespace parktwin::energy {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kSunRadiusDeg = 0.26667;  // apparent solar radius, A.2 (h0' = -0.8333 deg)

constexpr double deg2rad(double deg) { return deg * (std::numbers::pi / 180.0); }
constexpr double rad2deg(double rad) { return rad * (180.0 / std::numbers::pi); }
double sind(double deg) { return std::sin(deg2rad(deg)); }
double cosd(double deg) { return std::cos(deg2rad(deg)); }

// Reduce to [0, 360) and [0, 1): the report's "limit to the range" steps.
double limit_degrees(double deg) {
  const double turns = deg / 360.0;
  double limited = 360.0 * (turns - std::floor(turns));
  if (limited < 0.0) limited += 360.0;
  return limited;
}
double limit_degrees_pm180(double deg) {
  double limited = limit_degrees(deg);
  if (limited > 180.0) limited -= 360.0;
  return limited;
}
double limit_zero_to_one(double value) {
  double limited = value - std::floor(value);
  if (limited < 0.0) limited += 1.0;
  return limited;
}

// ---------------------------------------------------------------------------------------------
// Appendix A.4: Earth periodic terms. Each term is A cos(B + C * JME); A is in 1e-8 rad (L, B)
// or 1e-8 AU (R), B in rad, C in rad per Julian millennium.
struct PeriodicTerm {
  double a, b, c;
};

constexpr PeriodicTerm kL0[] = {
    {175347046.0, 0.0, 0.0},       {3341656.0, 4.6692568, 6283.07585},
    {34894.0, 4.6261, 12566.1517}, {3497.0, 2.7441, 5753.3849},
    {3418.0, 2.8289, 3.5231},      {3136.0, 3.6277, 77713.7715},
    {2676.0, 4.4181, 7860.4194},   {2343.0, 6.1352, 3930.2097},
    {1324.0, 0.7425, 11506.7698},  {1273.0, 2.0371, 529.691},
    {1199.0, 1.1096, 1577.3435},   {990.0, 5.233, 5884.927},
    {902.0, 2.045, 26.298},        {857.0, 3.508, 398.149},
    {780.0, 1.179, 5223.694},      {753.0, 2.533, 5507.553},
    {505.0, 4.583, 18849.228},     {492.0, 4.205, 775.523},
    {357.0, 2.92, 0.067},          {317.0, 5.849, 11790.629},
    {284.0, 1.899, 796.298},       {271.0, 0.315, 10977.079},
    {243.0, 0.345, 5486.778},      {206.0, 4.806, 2544.314},
    {205.0, 1.869, 5573.143},      {202.0, 2.458, 6069.777},
    {156.0, 0.833, 213.299},       {132.0, 3.411, 2942.463},
    {126.0, 1.083, 20.775},        {115.0, 0.645, 0.98},
    {103.0, 0.636, 4694.003},      {102.0, 0.976, 15720.839},
    {102.0, 4.267, 7.114},         {99.0, 6.21, 2146.17},
    {98.0, 0.68, 155.42},          {86.0, 5.98, 161000.69},
    {85.0, 1.3, 6275.96},          {85.0, 3.67, 71430.7},
    {80.0, 1.81, 17260.15},        {79.0, 3.04, 12036.46},
    {75.0, 1.76, 5088.63},         {74.0, 3.5, 3154.69},
    {74.0, 4.68, 801.82},          {70.0, 0.83, 9437.76},
    {62.0, 3.98, 8827.39},         {61.0, 1.82, 7084.9},
    {57.0, 2.78, 6286.6},          {56.0, 4.39, 14143.5},
    {56.0, 3.47, 6279.55},         {52.0, 0.19, 12139.55},
    {52.0, 1.33, 1748.02},         {51.0, 0.28, 5856.48},
    {49.0, 0.49, 1194.45},         {41.0, 5.37, 8429.24},
    {41.0, 2.4, 19651.05},         {39.0, 6.17, 10447.39},
    {37.0, 6.04, 10213.29},        {37.0, 2.57, 1059.38},
    {36.0, 1.71, 2352.87},         {36.0, 1.78, 6812.77},
    {33.0, 0.59, 17789.85},        {30.0, 0.44, 83996.85},
    {30.0, 2.74, 1349.87},         {25.0, 3.16, 4690.48},
};
constexpr PeriodicTerm kL1[] = {
    {628331966747.0, 0.0, 0.0},   {206059.0, 2.678235, 6283.07585},
    {4303.0, 2.6351, 12566.1517}, {425.0, 1.59, 3.523},
    {119.0, 5.796, 26.298},       {109.0, 2.966, 1577.344},
    {93.0, 2.59, 18849.23},       {72.0, 1.14, 529.69},
    {68.0, 1.87, 398.15},         {67.0, 4.41, 5507.55},
    {59.0, 2.89, 5223.69},        {56.0, 2.17, 155.42},
    {45.0, 0.4, 796.3},           {36.0, 0.47, 775.52},
    {29.0, 2.65, 7.11},           {21.0, 5.34, 0.98},
    {19.0, 1.85, 5486.78},        {19.0, 4.97, 213.3},
    {17.0, 2.99, 6275.96},        {16.0, 0.03, 2544.31},
    {16.0, 1.43, 2146.17},        {15.0, 1.21, 10977.08},
    {12.0, 2.83, 1748.02},        {12.0, 3.26, 5088.63},
    {12.0, 5.27, 1194.45},        {12.0, 2.08, 4694.0},
    {11.0, 0.77, 553.57},         {10.0, 1.3, 6286.6},
    {10.0, 4.24, 1349.87},        {9.0, 2.7, 242.73},
    {9.0, 5.64, 951.72},          {8.0, 5.3, 2352.87},
    {6.0, 2.65, 9437.76},         {6.0, 4.67, 4690.48},
};
constexpr PeriodicTerm kL2[] = {
    {52919.0, 0.0, 0.0},    {8720.0, 1.0721, 6283.0758}, {309.0, 0.867, 12566.152},
    {27.0, 0.05, 3.52},     {16.0, 5.19, 26.3},          {16.0, 3.68, 155.42},
    {10.0, 0.76, 18849.23}, {9.0, 2.06, 77713.77},       {7.0, 0.83, 775.52},
    {5.0, 4.66, 1577.34},   {4.0, 1.03, 7.11},           {4.0, 3.44, 5573.14},
    {3.0, 5.14, 796.3},     {3.0, 6.05, 5507.55},        {3.0, 1.19, 242.73},
    {3.0, 6.12, 529.69},    {3.0, 0.31, 398.15},         {3.0, 2.28, 553.57},
    {2.0, 4.38, 5223.69},   {2.0, 3.75, 0.98},
};
constexpr PeriodicTerm kL3[] = {
    {289.0, 5.844, 6283.076}, {35.0, 0.0, 0.0},     {17.0, 5.49, 12566.15}, {3.0, 5.2, 155.42},
    {1.0, 4.72, 3.52},        {1.0, 5.3, 18849.23}, {1.0, 5.97, 242.73},
};
constexpr PeriodicTerm kL4[] = {
    {114.0, 3.142, 0.0},
    {8.0, 4.13, 6283.08},
    {1.0, 3.84, 12566.15},
};
constexpr PeriodicTerm kL5[] = {
    {1.0, 3.14, 0.0},
};

constexpr PeriodicTerm kB0[] = {
    {280.0, 3.199, 84334.662}, {102.0, 5.422, 5507.553}, {80.0, 3.88, 5223.69},
    {44.0, 3.7, 2352.87},      {32.0, 4.0, 1577.34},
};
constexpr PeriodicTerm kB1[] = {
    {9.0, 3.9, 5507.55},
    {6.0, 1.73, 5223.69},
};

constexpr PeriodicTerm kR0[] = {
    {100013989.0, 0.0, 0.0},        {1670700.0, 3.0984635, 6283.07585},
    {13956.0, 3.05525, 12566.1517}, {3084.0, 5.1985, 77713.7715},
    {1628.0, 1.1739, 5753.3849},    {1576.0, 2.8469, 7860.4194},
    {925.0, 5.453, 11506.77},       {542.0, 4.564, 3930.21},
    {472.0, 3.661, 5884.927},       {346.0, 0.964, 5507.553},
    {329.0, 5.9, 5223.694},         {307.0, 0.299, 5573.143},
    {243.0, 4.273, 11790.629},      {212.0, 5.847, 1577.344},
    {186.0, 5.022, 10977.079},      {175.0, 3.012, 18849.228},
    {110.0, 5.055, 5486.778},       {98.0, 0.89, 6069.78},
    {86.0, 5.69, 15720.84},         {86.0, 1.27, 161000.69},
    {65.0, 0.27, 17260.15},         {63.0, 0.92, 529.69},
    {57.0, 2.01, 83996.85},         {56.0, 5.24, 71430.7},
    {49.0, 3.25, 2544.31},          {47.0, 2.58, 775.52},
    {45.0, 5.54, 9437.76},          {43.0, 6.01, 6275.96},
    {39.0, 5.36, 4694.0},           {38.0, 2.39, 8827.39},
    {37.0, 0.83, 19651.05},         {37.0, 4.9, 12139.55},
    {36.0, 1.67, 12036.46},         {35.0, 1.84, 2942.46},
    {33.0, 0.24, 7084.9},           {32.0, 0.18, 5088.63},
    {32.0, 1.78, 398.15},           {28.0, 1.21, 6286.6},
    {28.0, 1.9, 6279.55},           {26.0, 4.59, 10447.39},
};
constexpr PeriodicTerm kR1[] = {
    {103019.0, 1.10749, 6283.07585},
    {1721.0, 1.0644, 12566.1517},
    {702.0, 3.142, 0.0},
    {32.0, 1.02, 18849.23},
    {31.0, 2.84, 5507.55},
    {25.0, 1.32, 5223.69},
    {18.0, 1.42, 1577.34},
    {10.0, 5.91, 10977.08},
    {9.0, 1.42, 6275.96},
    {9.0, 0.27, 5486.78},
};
constexpr PeriodicTerm kR2[] = {
    {4359.0, 5.7846, 6283.0758}, {124.0, 5.579, 12566.152}, {12.0, 3.14, 0.0},
    {9.0, 3.63, 77713.77},       {6.0, 1.87, 5573.14},      {3.0, 5.47, 18849.23},
};
constexpr PeriodicTerm kR3[] = {
    {145.0, 4.273, 6283.076},
    {7.0, 3.92, 12566.15},
};
constexpr PeriodicTerm kR4[] = {
    {4.0, 2.56, 6283.08},
};

using Series = std::span<const PeriodicTerm>;
constexpr std::array<Series, 6> kL = {kL0, kL1, kL2, kL3, kL4, kL5};
constexpr std::array<Series, 2> kB = {kB0, kB1};
constexpr std::array<Series, 5> kR = {kR0, kR1, kR2, kR3, kR4};

// Report 3.2.1-3.2.4: X = (X0 + X1 JME + X2 JME^2 + ...) / 1e8 with Xi = sum A cos(B + C JME).
double earth_value(std::span<const Series> series, double jme) {
  double sum = 0.0;
  double power = 1.0;
  for (const Series terms : series) {
    double partial = 0.0;
    for (const PeriodicTerm& t : terms) partial += t.a * std::cos(t.b + t.c * jme);
    sum += partial * power;
    power *= jme;
  }
  return sum / 1e8;
}

// ---------------------------------------------------------------------------------------------
// Appendix A.4: periodic terms for the nutation in longitude and obliquity (63 terms). The
// argument of term i is sum_j Y_ij X_j with X_0..X_4 = D, M, M', F, Omega (report 3.4.1-3.4.5);
// delta psi_i = (a + b JCE) sin(arg), delta epsilon_i = (c + d JCE) cos(arg), in 0.0001".
struct NutationTerm {
  std::int8_t y[5];
  double a, b, c, d;
};

constexpr NutationTerm kNutation[] = {
    {{0, 0, 0, 0, 1}, -171996.0, -174.2, 92025.0, 8.9},
    {{-2, 0, 0, 2, 2}, -13187.0, -1.6, 5736.0, -3.1},
    {{0, 0, 0, 2, 2}, -2274.0, -0.2, 977.0, -0.5},
    {{0, 0, 0, 0, 2}, 2062.0, 0.2, -895.0, 0.5},
    {{0, 1, 0, 0, 0}, 1426.0, -3.4, 54.0, -0.1},
    {{0, 0, 1, 0, 0}, 712.0, 0.1, -7.0, 0.0},
    {{-2, 1, 0, 2, 2}, -517.0, 1.2, 224.0, -0.6},
    {{0, 0, 0, 2, 1}, -386.0, -0.4, 200.0, 0.0},
    {{0, 0, 1, 2, 2}, -301.0, 0.0, 129.0, -0.1},
    {{-2, -1, 0, 2, 2}, 217.0, -0.5, -95.0, 0.3},
    {{-2, 0, 1, 0, 0}, -158.0, 0.0, 0.0, 0.0},
    {{-2, 0, 0, 2, 1}, 129.0, 0.1, -70.0, 0.0},
    {{0, 0, -1, 2, 2}, 123.0, 0.0, -53.0, 0.0},
    {{2, 0, 0, 0, 0}, 63.0, 0.0, 0.0, 0.0},
    {{0, 0, 1, 0, 1}, 63.0, 0.1, -33.0, 0.0},
    {{2, 0, -1, 2, 2}, -59.0, 0.0, 26.0, 0.0},
    {{0, 0, -1, 0, 1}, -58.0, -0.1, 32.0, 0.0},
    {{0, 0, 1, 2, 1}, -51.0, 0.0, 27.0, 0.0},
    {{-2, 0, 2, 0, 0}, 48.0, 0.0, 0.0, 0.0},
    {{0, 0, -2, 2, 1}, 46.0, 0.0, -24.0, 0.0},
    {{2, 0, 0, 2, 2}, -38.0, 0.0, 16.0, 0.0},
    {{0, 0, 2, 2, 2}, -31.0, 0.0, 13.0, 0.0},
    {{0, 0, 2, 0, 0}, 29.0, 0.0, 0.0, 0.0},
    {{-2, 0, 1, 2, 2}, 29.0, 0.0, -12.0, 0.0},
    {{0, 0, 0, 2, 0}, 26.0, 0.0, 0.0, 0.0},
    {{-2, 0, 0, 2, 0}, -22.0, 0.0, 0.0, 0.0},
    {{0, 0, -1, 2, 1}, 21.0, 0.0, -10.0, 0.0},
    {{0, 2, 0, 0, 0}, 17.0, -0.1, 0.0, 0.0},
    {{2, 0, -1, 0, 1}, 16.0, 0.0, -8.0, 0.0},
    {{-2, 2, 0, 2, 2}, -16.0, 0.1, 7.0, 0.0},
    {{0, 1, 0, 0, 1}, -15.0, 0.0, 9.0, 0.0},
    {{-2, 0, 1, 0, 1}, -13.0, 0.0, 7.0, 0.0},
    {{0, -1, 0, 0, 1}, -12.0, 0.0, 6.0, 0.0},
    {{0, 0, 2, -2, 0}, 11.0, 0.0, 0.0, 0.0},
    {{2, 0, -1, 2, 1}, -10.0, 0.0, 5.0, 0.0},
    {{2, 0, 1, 2, 2}, -8.0, 0.0, 3.0, 0.0},
    {{0, 1, 0, 2, 2}, 7.0, 0.0, -3.0, 0.0},
    {{-2, 1, 1, 0, 0}, -7.0, 0.0, 0.0, 0.0},
    {{0, -1, 0, 2, 2}, -7.0, 0.0, 3.0, 0.0},
    {{2, 0, 0, 2, 1}, -7.0, 0.0, 3.0, 0.0},
    {{2, 0, 1, 0, 0}, 6.0, 0.0, 0.0, 0.0},
    {{-2, 0, 2, 2, 2}, 6.0, 0.0, -3.0, 0.0},
    {{-2, 0, 1, 2, 1}, 6.0, 0.0, -3.0, 0.0},
    {{2, 0, -2, 0, 1}, -6.0, 0.0, 3.0, 0.0},
    {{2, 0, 0, 0, 1}, -6.0, 0.0, 3.0, 0.0},
    {{0, -1, 1, 0, 0}, 5.0, 0.0, 0.0, 0.0},
    {{-2, -1, 0, 2, 1}, -5.0, 0.0, 3.0, 0.0},
    {{-2, 0, 0, 0, 1}, -5.0, 0.0, 3.0, 0.0},
    {{0, 0, 2, 2, 1}, -5.0, 0.0, 3.0, 0.0},
    {{-2, 0, 2, 0, 1}, 4.0, 0.0, 0.0, 0.0},
    {{-2, 1, 0, 2, 1}, 4.0, 0.0, 0.0, 0.0},
    {{0, 0, 1, -2, 0}, 4.0, 0.0, 0.0, 0.0},
    {{-1, 0, 1, 0, 0}, -4.0, 0.0, 0.0, 0.0},
    {{-2, 1, 0, 0, 0}, -4.0, 0.0, 0.0, 0.0},
    {{1, 0, 0, 0, 0}, -4.0, 0.0, 0.0, 0.0},
    {{0, 0, 1, 2, 0}, 3.0, 0.0, 0.0, 0.0},
    {{0, 0, -2, 2, 2}, -3.0, 0.0, 0.0, 0.0},
    {{-1, -1, 1, 0, 0}, -3.0, 0.0, 0.0, 0.0},
    {{0, 1, 1, 0, 0}, -3.0, 0.0, 0.0, 0.0},
    {{0, -1, 1, 2, 2}, -3.0, 0.0, 0.0, 0.0},
    {{2, -1, -1, 2, 2}, -3.0, 0.0, 0.0, 0.0},
    {{0, 0, 3, 2, 2}, -3.0, 0.0, 0.0, 0.0},
    {{2, -1, 0, 2, 2}, -3.0, 0.0, 0.0, 0.0},
};
static_assert(std::size(kNutation) == 63, "report A.4: 63 nutation terms");

double cubic(double a, double b, double c, double d, double x) {
  return ((a * x + b) * x + c) * x + d;
}

// ---------------------------------------------------------------------------------------------
// Report 3.1-3.10: everything that depends on time only (no observer).
struct Geocentric {
  double jd, jc, jde, jce, jme;
  double l_deg, b_deg, r_au, theta_deg, beta_deg;
  double del_psi_deg, del_epsilon_deg, epsilon0_arcsec, epsilon_deg;
  double del_tau_deg, lambda_deg, nu0_deg, nu_deg;
  double alpha_deg, delta_deg;
};

Geocentric geocentric(double jd, double delta_t_s) {
  Geocentric g{};
  // 3.1: Julian century, ephemeris day/century/millennium.
  g.jd = jd;
  g.jc = (jd - 2451545.0) / 36525.0;
  g.jde = jd + delta_t_s / 86400.0;
  g.jce = (g.jde - 2451545.0) / 36525.0;
  g.jme = g.jce / 10.0;

  // 3.2: heliocentric longitude, latitude (degrees) and radius vector (AU).
  g.l_deg = limit_degrees(rad2deg(earth_value(kL, g.jme)));
  g.b_deg = rad2deg(earth_value(kB, g.jme));
  g.r_au = earth_value(kR, g.jme);

  // 3.3: geocentric longitude and latitude.
  g.theta_deg = g.l_deg + 180.0;
  if (g.theta_deg >= 360.0) g.theta_deg -= 360.0;
  g.beta_deg = -g.b_deg;

  // 3.4: nutation. Fundamental arguments in degrees: mean elongation of the Moon from the Sun
  // (D), mean anomaly of the Sun (M) and of the Moon (M'), Moon's argument of latitude (F),
  // longitude of the Moon's ascending node (Omega).
  const double jce = g.jce;
  const double x[5] = {
      cubic(1.0 / 189474.0, -0.0019142, 445267.11148, 297.85036, jce),
      cubic(-1.0 / 300000.0, -0.0001603, 35999.05034, 357.52772, jce),
      cubic(1.0 / 56250.0, 0.0086972, 477198.867398, 134.96298, jce),
      cubic(1.0 / 327270.0, -0.0036825, 483202.017538, 93.27191, jce),
      cubic(1.0 / 450000.0, 0.0020708, -1934.136261, 125.04452, jce),
  };
  double sum_psi = 0.0;
  double sum_epsilon = 0.0;
  for (const NutationTerm& t : kNutation) {
    double arg_deg = 0.0;
    for (int j = 0; j < 5; ++j) arg_deg += x[j] * t.y[j];
    const double arg = deg2rad(arg_deg);
    sum_psi += (t.a + t.b * jce) * std::sin(arg);
    sum_epsilon += (t.c + t.d * jce) * std::cos(arg);
  }
  g.del_psi_deg = sum_psi / 36000000.0;  // 0.0001 arcsec -> degrees
  g.del_epsilon_deg = sum_epsilon / 36000000.0;

  // 3.5: mean obliquity of the ecliptic (Laskar's polynomial, U = JME / 10), in arcseconds.
  const double u = g.jme / 10.0;
  g.epsilon0_arcsec =
      84381.448 +
      u * (-4680.93 +
           u * (-1.55 +
                u * (1999.25 +
                     u * (-51.38 +
                          u * (-249.67 +
                               u * (-39.05 + u * (7.12 + u * (27.87 + u * (5.79 + u * 2.45)))))))));
  g.epsilon_deg = g.epsilon0_arcsec / 3600.0 + g.del_epsilon_deg;

  // 3.6-3.7: aberration (20.4898" at 1 AU) and apparent sun longitude.
  g.del_tau_deg = -20.4898 / (3600.0 * g.r_au);
  g.lambda_deg = g.theta_deg + g.del_psi_deg + g.del_tau_deg;

  // 3.8: Greenwich mean and apparent sidereal time (of UT, hence jd and jc, not jde).
  g.nu0_deg = limit_degrees(280.46061837 + 360.98564736629 * (jd - 2451545.0) +
                            g.jc * g.jc * (0.000387933 - g.jc / 38710000.0));
  g.nu_deg = g.nu0_deg + g.del_psi_deg * cosd(g.epsilon_deg);

  // 3.9-3.10: geocentric right ascension and declination.
  const double lambda = deg2rad(g.lambda_deg);
  const double epsilon = deg2rad(g.epsilon_deg);
  const double beta = deg2rad(g.beta_deg);
  g.alpha_deg = limit_degrees(
      rad2deg(std::atan2(std::sin(lambda) * std::cos(epsilon) - std::tan(beta) * std::sin(epsilon),
                         std::cos(lambda))));
  g.delta_deg = rad2deg(std::asin(std::sin(beta) * std::cos(epsilon) +
                                  std::cos(beta) * std::sin(epsilon) * std::sin(lambda)));
  return g;
}

// Report 3.11-3.15: the observer's view.
struct Topocentric {
  double h_deg, xi_deg, del_alpha_deg, delta_prime_deg, alpha_prime_deg, h_prime_deg;
  double e0_deg, del_e_deg, e_deg, zenith_deg, azimuth_astro_deg, azimuth_deg;
};

Topocentric topocentric(const Geocentric& g, double latitude_deg, double longitude_deg,
                        double elevation_m, double pressure_hpa, double temperature_c,
                        double atmos_refract_deg) {
  Topocentric t{};
  // 3.11: observer local hour angle.
  t.h_deg = limit_degrees(g.nu_deg + longitude_deg - g.alpha_deg);

  // 3.12: parallax. xi = 8.794" / R; u, x, y place the observer on the reference ellipsoid
  // (flattening factor 0.99664719, equatorial radius 6378140 m).
  t.xi_deg = 8.794 / (3600.0 * g.r_au);
  const double lat = deg2rad(latitude_deg);
  const double xi = deg2rad(t.xi_deg);
  const double h = deg2rad(t.h_deg);
  const double delta = deg2rad(g.delta_deg);
  const double u = std::atan(0.99664719 * std::tan(lat));
  const double y = 0.99664719 * std::sin(u) + elevation_m / 6378140.0 * std::sin(lat);
  const double x = std::cos(u) + elevation_m / 6378140.0 * std::cos(lat);
  const double denom = std::cos(delta) - x * std::sin(xi) * std::cos(h);
  const double del_alpha = std::atan2(-x * std::sin(xi) * std::sin(h), denom);
  t.del_alpha_deg = rad2deg(del_alpha);
  t.delta_prime_deg =
      rad2deg(std::atan2((std::sin(delta) - y * std::sin(xi)) * std::cos(del_alpha), denom));
  t.alpha_prime_deg = g.alpha_deg + t.del_alpha_deg;

  // 3.13: topocentric local hour angle.
  t.h_prime_deg = t.h_deg - t.del_alpha_deg;

  // 3.14: elevation, refraction (Bennett-type formula scaled by pressure and temperature) and
  // zenith. As spa.c, refraction is applied only while the sun's upper limb is above the
  // horizon it refracts to (e0 >= -(sun radius + refraction at rise/set)).
  const double h_prime = deg2rad(t.h_prime_deg);
  const double delta_prime = deg2rad(t.delta_prime_deg);
  t.e0_deg = rad2deg(std::asin(std::sin(lat) * std::sin(delta_prime) +
                               std::cos(lat) * std::cos(delta_prime) * std::cos(h_prime)));
  t.del_e_deg = 0.0;
  if (t.e0_deg >= -(kSunRadiusDeg + atmos_refract_deg)) {
    t.del_e_deg = (pressure_hpa / 1010.0) * (283.0 / (273.0 + temperature_c)) * 1.02 /
                  (60.0 * std::tan(deg2rad(t.e0_deg + 10.3 / (t.e0_deg + 5.11))));
  }
  t.e_deg = t.e0_deg + t.del_e_deg;
  t.zenith_deg = 90.0 - t.e_deg;

  // 3.15: astronomers' azimuth (from south, westward; as spa.c 2014, in 0..360) and the
  // navigators' azimuth from north.
  t.azimuth_astro_deg = limit_degrees(
      rad2deg(std::atan2(std::sin(h_prime), std::cos(h_prime) * std::sin(lat) -
                                                std::tan(delta_prime) * std::cos(lat))));
  t.azimuth_deg = limit_degrees(t.azimuth_astro_deg + 180.0);
  return t;
}

// Report 3.16: incidence angle on a surface of slope omega and azimuth rotation gamma.
double incidence_deg(double zenith_deg, double azimuth_astro_deg, double slope_deg,
                     double azimuth_rotation_deg) {
  return rad2deg(std::acos(cosd(zenith_deg) * cosd(slope_deg) +
                           sind(slope_deg) * sind(zenith_deg) *
                               cosd(azimuth_astro_deg - azimuth_rotation_deg)));
}

// Appendix A.1: equation of time in minutes from the sun's mean longitude M (degrees).
double equation_of_time_min(const Geocentric& g) {
  const double jme = g.jme;
  const double m = limit_degrees(
      280.4664567 +
      jme * (360007.6982779 +
             jme * (0.03032028 +
                    jme * (1.0 / 49931.0 + jme * (-1.0 / 15300.0 + jme * (-1.0 / 2000000.0))))));
  double e = 4.0 * (m - 0.0057183 - g.alpha_deg + g.del_psi_deg * cosd(g.epsilon_deg));  // minutes
  // M and alpha are each reduced to [0, 360), so E may come out a full day (1440 min) off.
  if (e < -20.0) {
    e += 1440.0;
  } else if (e > 20.0) {
    e -= 1440.0;
  }
  return e;
}

// Appendix A.2: sunrise, sun transit and sunset of the local calendar date in.year/month/day.
struct RiseTransitSet {
  double sunrise_h, transit_h, sunset_h;
  double sunrise_hour_angle_deg, sunset_hour_angle_deg, transit_elevation_deg;
};

// A.2.8: interpolate alpha or delta of the days before, of and after (values[0..2]) at n.
// As spa.c and the report, a day-to-day difference above 2 deg (only the 360 -> 0 wrap of
// the right ascension) is reduced to its fractional part.
double interpolate_day(const double (&values)[3], double n) {
  double a = values[1] - values[0];
  double b = values[2] - values[1];
  if (std::abs(a) >= 2.0) a = limit_zero_to_one(a);
  if (std::abs(b) >= 2.0) b = limit_zero_to_one(b);
  return values[1] + n * (a + b + (b - a) * n) / 2.0;
}

RiseTransitSet rise_transit_set(const SpaInput& in) {
  enum { kTransit, kRise, kSet };
  const double h0_prime_deg = -(kSunRadiusDeg + in.atmos_refract_deg);

  // A.2.1: apparent sidereal time at Greenwich at 0 UT of the date (as spa.c, with the
  // caller's delta T for the nutation; it moves nu by far less than a millisecond).
  const double jd0 = julian_day(in.year, in.month, in.day, 0, 0, 0.0, 0.0, 0.0);
  const double nu_deg = geocentric(jd0, in.delta_t_s).nu_deg;

  // A.2.2: geocentric alpha and delta at 0 TT of the days before, of and after (delta T = 0).
  double alpha[3];
  double delta[3];
  for (int i = 0; i < 3; ++i) {
    const Geocentric g = geocentric(jd0 + (i - 1), 0.0);
    alpha[i] = g.alpha_deg;
    delta[i] = g.delta_deg;
  }

  // A.2.3: approximate transit as a fraction of the day.
  double m[3];
  m[kTransit] = (alpha[1] - in.longitude_deg - nu_deg) / 360.0;

  // A.2.4: local hour angle at sunrise/sunset; none when the sun stays above or below h0'.
  const double lat = deg2rad(in.latitude_deg);
  const double cos_h0 =
      (sind(h0_prime_deg) - std::sin(lat) * sind(delta[1])) / (std::cos(lat) * cosd(delta[1]));
  const bool rises_and_sets = std::abs(cos_h0) <= 1.0;
  const double h0_deg = rises_and_sets ? rad2deg(std::acos(cos_h0)) : 0.0;  // in [0, 180]

  // A.2.5-A.2.6: approximate sunrise and sunset, all three limited to [0, 1).
  m[kRise] = limit_zero_to_one(m[kTransit] - h0_deg / 360.0);
  m[kSet] = limit_zero_to_one(m[kTransit] + h0_deg / 360.0);
  m[kTransit] = limit_zero_to_one(m[kTransit]);

  // A.2.7-A.2.12: sidereal time, interpolated alpha'/delta', local hour angle and elevation
  // at each of the three events.
  double h_prime[3];
  double delta_prime[3];
  double h_elev[3];
  for (int i = 0; i < 3; ++i) {
    const double nu_i = nu_deg + 360.985647 * m[i];
    const double n = m[i] + in.delta_t_s / 86400.0;
    const double alpha_prime = interpolate_day(alpha, n);
    delta_prime[i] = interpolate_day(delta, n);
    h_prime[i] = limit_degrees_pm180(nu_i + in.longitude_deg - alpha_prime);
    h_elev[i] = rad2deg(std::asin(std::sin(lat) * sind(delta_prime[i]) +
                                  std::cos(lat) * cosd(delta_prime[i]) * cosd(h_prime[i])));
  }

  // A.2.13-A.2.15: transit, sunrise and sunset as local hours.
  const auto local_hours = [&](double day_fraction) {
    return 24.0 * limit_zero_to_one(day_fraction + in.timezone_h / 24.0);
  };
  const auto rise_or_set = [&](int i) {
    return m[i] + (h_elev[i] - h0_prime_deg) /
                      (360.0 * cosd(delta_prime[i]) * std::cos(lat) * sind(h_prime[i]));
  };
  RiseTransitSet out{};
  // Transit exists even on polar days and nights (spa.c reports none there; we keep it, the
  // sun still crosses the meridian).
  out.transit_h = local_hours(m[kTransit] - h_prime[kTransit] / 360.0);
  out.transit_elevation_deg = h_elev[kTransit];
  if (rises_and_sets) {
    out.sunrise_h = local_hours(rise_or_set(kRise));
    out.sunset_h = local_hours(rise_or_set(kSet));
    out.sunrise_hour_angle_deg = h_prime[kRise];
    out.sunset_hour_angle_deg = h_prime[kSet];
  } else {
    out.sunrise_h = out.sunset_h = kNaN;
    out.sunrise_hour_angle_deg = out.sunset_hour_angle_deg = kNaN;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Input checks: the ranges of spa.c's validate_inputs, written so that NaN fails them too.
std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

void require(bool ok, const char* field, const char* expected, double found) {
  if (!ok) {
    throw Error("solar position input out of range")
        .field(std::string("SpaInput.") + field)
        .expected(expected)
        .found(number_text(found));
  }
}

bool within(double v, double lo, double hi) { return v >= lo && v <= hi; }

void validate(const SpaInput& in) {
  require(in.year >= -2000 && in.year <= 6000, "year", "-2000..6000", in.year);
  require(in.month >= 1 && in.month <= 12, "month", "1..12", in.month);
  require(in.day >= 1 && in.day <= 31, "day", "1..31", in.day);
  require(in.hour >= 0 && in.hour <= 24, "hour", "0..24", in.hour);
  require(in.minute >= 0 && in.minute <= 59, "minute", "0..59", in.minute);
  require(in.second >= 0.0 && in.second < 60.0, "second", "0 <= second < 60", in.second);
  require(in.hour < 24 || in.minute == 0, "minute", "0 when hour is 24", in.minute);
  require(in.hour < 24 || in.second == 0.0, "second", "0 when hour is 24", in.second);
  require(within(in.timezone_h, -18.0, 18.0), "timezone_h", "-18..18", in.timezone_h);
  require(in.delta_ut1_s > -1.0 && in.delta_ut1_s < 1.0, "delta_ut1_s", "-1 < delta_ut1_s < 1",
          in.delta_ut1_s);
  require(within(in.delta_t_s, -8000.0, 8000.0), "delta_t_s", "-8000..8000", in.delta_t_s);
  require(within(in.latitude_deg, -90.0, 90.0), "latitude_deg", "-90..90", in.latitude_deg);
  require(within(in.longitude_deg, -180.0, 180.0), "longitude_deg", "-180..180", in.longitude_deg);
  require(in.elevation_m >= -6500000.0 && std::isfinite(in.elevation_m), "elevation_m",
          ">= -6500000", in.elevation_m);
  require(within(in.pressure_hpa, 0.0, 5000.0), "pressure_hpa", "0..5000", in.pressure_hpa);
  require(in.temperature_c > -273.0 && in.temperature_c <= 6000.0, "temperature_c",
          "-273 < temperature_c <= 6000", in.temperature_c);
  require(within(in.slope_deg, -360.0, 360.0), "slope_deg", "-360..360", in.slope_deg);
  require(within(in.azimuth_rotation_deg, -360.0, 360.0), "azimuth_rotation_deg", "-360..360",
          in.azimuth_rotation_deg);
  require(within(in.atmos_refract_deg, -5.0, 5.0), "atmos_refract_deg", "-5..5",
          in.atmos_refract_deg);
}

}  // namespace

// Report 3.1.1 (Meeus, "Astronomical Algorithms", ch. 7). INT is truncation toward zero, as
// in the report and spa.c (equal to floor for the supported years).
double julian_day(int year, int month, int day, int hour, int minute, double second,
                  double delta_ut1_s, double timezone_h) noexcept {
  const double day_decimal =
      day + (hour - timezone_h + (minute + (second + delta_ut1_s) / 60.0) / 60.0) / 24.0;
  if (month < 3) {
    month += 12;
    --year;
  }
  double jd = std::trunc(365.25 * (year + 4716.0)) + std::trunc(30.6001 * (month + 1)) +
              day_decimal - 1524.5;
  if (jd > 2299160.0) {  // Gregorian calendar correction
    const int a = year / 100;
    jd += 2 - a + a / 4;
  }
  return jd;
}

SunPosition solar_position(const SpaInput& in) {
  validate(in);
  const double jd = julian_day(in.year, in.month, in.day, in.hour, in.minute, in.second,
                               in.delta_ut1_s, in.timezone_h);
  const Geocentric g = geocentric(jd, in.delta_t_s);
  const Topocentric t = topocentric(g, in.latitude_deg, in.longitude_deg, in.elevation_m,
                                    in.pressure_hpa, in.temperature_c, in.atmos_refract_deg);
  const RiseTransitSet rts = rise_transit_set(in);

  SunPosition p{};
  p.julian_day = g.jd;
  p.julian_century = g.jc;
  p.julian_ephemeris_day = g.jde;
  p.julian_ephemeris_century = g.jce;
  p.julian_ephemeris_millennium = g.jme;
  p.earth_heliocentric_longitude_deg = g.l_deg;
  p.earth_heliocentric_latitude_deg = g.b_deg;
  p.earth_radius_vector_au = g.r_au;
  p.geocentric_longitude_deg = g.theta_deg;
  p.geocentric_latitude_deg = g.beta_deg;
  p.nutation_longitude_deg = g.del_psi_deg;
  p.nutation_obliquity_deg = g.del_epsilon_deg;
  p.mean_obliquity_arcsec = g.epsilon0_arcsec;
  p.true_obliquity_deg = g.epsilon_deg;
  p.aberration_correction_deg = g.del_tau_deg;
  p.apparent_sun_longitude_deg = g.lambda_deg;
  p.greenwich_mean_sidereal_time_deg = g.nu0_deg;
  p.greenwich_apparent_sidereal_time_deg = g.nu_deg;
  p.right_ascension_deg = g.alpha_deg;
  p.declination_deg = g.delta_deg;
  p.hour_angle_deg = t.h_deg;
  p.equatorial_horizontal_parallax_deg = t.xi_deg;
  p.parallax_right_ascension_deg = t.del_alpha_deg;
  p.topocentric_right_ascension_deg = t.alpha_prime_deg;
  p.topocentric_declination_deg = t.delta_prime_deg;
  p.topocentric_hour_angle_deg = t.h_prime_deg;
  p.elevation_no_refraction_deg = t.e0_deg;
  p.refraction_correction_deg = t.del_e_deg;
  p.elevation_deg = t.e_deg;
  p.zenith_deg = t.zenith_deg;
  p.astronomers_azimuth_deg = t.azimuth_astro_deg;
  p.azimuth_deg = t.azimuth_deg;
  p.incidence_deg =
      incidence_deg(t.zenith_deg, t.azimuth_astro_deg, in.slope_deg, in.azimuth_rotation_deg);
  p.equation_of_time_min = equation_of_time_min(g);
  p.sunrise_h = rts.sunrise_h;
  p.transit_h = rts.transit_h;
  p.sunset_h = rts.sunset_h;
  p.sunrise_hour_angle_deg = rts.sunrise_hour_angle_deg;
  p.sunset_hour_angle_deg = rts.sunset_hour_angle_deg;
  p.transit_elevation_deg = rts.transit_elevation_deg;
  return p;
}

SunAngles sun_angles(const SolarSite& site, double julian_day_ut, double delta_t_s,
                     double pressure_hpa, double temperature_c) noexcept {
  const Geocentric g = geocentric(julian_day_ut, delta_t_s);
  const Topocentric t = topocentric(g, site.latitude_deg, site.longitude_deg, site.elevation_m,
                                    pressure_hpa, temperature_c, site.atmos_refract_deg);
  return SunAngles{.zenith_deg = t.zenith_deg,
                   .azimuth_deg = t.azimuth_deg,
                   .elevation_deg = t.e_deg,
                   .earth_sun_distance_au = g.r_au,
                   .declination_deg = t.delta_prime_deg};
}

}  // namespace parktwin::energy
