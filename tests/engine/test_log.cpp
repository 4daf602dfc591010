#include <catch2/catch.hpp>

#include "engine/error.h"
#include "engine/log.h"

using namespace parktwin;

TEST_CASE("log levels parse by name and reject others with the list", "[log]") {
  CHECK(log::parse_level("debug") == log::Level::debug);
  CHECK(log::parse_level("off") == log::Level::off);
  CHECK(log::level_names().size() == 6);
  CHECK_THROWS_WITH(log::parse_level("loud"), Catch::Contains("log-level") &&
                                                  Catch::Contains("trace, debug, info") &&
                                                  Catch::Contains("found loud"));
  log::init(log::Level::warn);
  log::init(log::Level::info);  // a second init reuses the logger
}
