#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "engine/clock.h"
#include "engine/error.h"

using namespace parktwin;

TEST_CASE("time is step times dt, without drift", "[clock]") {
  SimClock clock(0.1, 100.0);
  for (int i = 0; i < 864'000; ++i) clock.advance();  // one day of 0.1 s steps
  // A running sum of 0.1 would be off by ~1e-6 s here; the product is exact to one rounding.
  CHECK(clock.time_s() == 100.0 + 86'400.0);
  CHECK(clock.step() == 864'000);
}

TEST_CASE("sub-sampled subsystems run on their own period", "[clock]") {
  SimClock clock(1.0);
  const Schedule buildings = clock.every(60.0);
  const Schedule offset = clock.every(60.0, 30.0);
  CHECK(buildings.period_steps == 60);
  CHECK(buildings.period_s == 60.0);
  int runs = 0, offset_runs = 0;
  for (std::int64_t s = 0; s < 3600; ++s) {
    runs += buildings.due(s);
    offset_runs += offset.due(s);
  }
  CHECK(runs == 60);
  CHECK(offset_runs == 60);
  CHECK(buildings.due(0));
  CHECK_FALSE(offset.due(0));
  CHECK(offset.due(30));
}

TEST_CASE("clock rejects steps and periods it cannot honour", "[clock]") {
  CHECK_THROWS_WITH(SimClock(0.0), Catch::Contains("step") && Catch::Contains("> 0"));
  CHECK_THROWS_AS(SimClock(-1.0), Error);
  CHECK_THROWS_AS(SimClock(std::numeric_limits<double>::quiet_NaN()), Error);
  SimClock clock(0.5);
  CHECK_THROWS_WITH(clock.every(0.75), Catch::Contains("not a whole number of time steps"));
  CHECK_THROWS_AS(clock.every(0.0), Error);
  CHECK_THROWS_AS(clock.every(-60.0), Error);
  CHECK_THROWS_AS(clock.steps_for(10.25), Error);
  CHECK(clock.steps_for(3600.0) == 7200);
  // 0.1 is not exact in binary, yet 60 s is 600 steps of it.
  CHECK(SimClock(0.1).every(60.0).period_steps == 600);
}

TEST_CASE("clock refuses spans of more steps than it counts, naming the longest", "[clock]") {
  const SimClock clock(1.0);
  // 1e19 steps would overflow the int64 step counter; it must not wrap to 0 steps.
  CHECK_THROWS_WITH(clock.steps_for(1e19),
                    Catch::Contains("duration: is more time steps than the clock can count") &&
                        Catch::Contains("at most 9007199254740992 s") &&
                        Catch::Contains("found 1e+19 s"));
  CHECK_THROWS_WITH(
      SimClock(1e-300).steps_for(3600.0),
      Catch::Contains("duration: is more time steps") && Catch::Contains("2^53 steps of 1e-300 s"));
  CHECK_THROWS_WITH(clock.every(1e300), Catch::Contains("period: is more time steps"));
  CHECK(clock.steps_for(9007199254740992.0) == 9007199254740992);
  // A duration shorter than one step is not rounded down to none.
  CHECK_THROWS_WITH(clock.steps_for(1e-12), Catch::Contains("duration: is shorter than one time "
                                                            "step") &&
                                                Catch::Contains("expected 0 or >= 1 s"));
  CHECK(clock.steps_for(0.0) == 0);
}

TEST_CASE("resume jumps the clock to a step", "[clock]") {
  SimClock clock(2.0);
  clock.set_step(1800);
  CHECK(clock.time_s() == 3600.0);
  CHECK_THROWS_AS(clock.set_step(-1), Error);
}
