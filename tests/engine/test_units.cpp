#include <catch2/catch.hpp>

#include "engine/units.h"

using namespace parktwin::units;
using namespace parktwin::units::literals;

TEST_CASE("unit conversions round-trip and match their definitions", "[units]") {
  STATIC_REQUIRE(kmh_to_mps(36.0) == 10.0);
  STATIC_REQUIRE(50.0_kmh == 50.0 / 3.6);
  STATIC_REQUIRE(15.0_min == 900.0);
  STATIC_REQUIRE(2.0_h == 7200.0);
  STATIC_REQUIRE(1.0_kWh == 3.6e6);
  STATIC_REQUIRE(7.4_kW == 7400.0);
  CHECK(mps_to_kmh(kmh_to_mps(123.4)) == Approx(123.4));
  CHECK(j_to_kwh(kwh_to_j(42.0)) == Approx(42.0));
  CHECK(kelvin_to_celsius(celsius_to_kelvin(-12.5)) == Approx(-12.5));
  CHECK(celsius_to_kelvin(0.0) == 273.15);
  CHECK(s_to_hours(5400.0) == 1.5);
  CHECK(w_to_kw(2500.0) == 2.5);
}
