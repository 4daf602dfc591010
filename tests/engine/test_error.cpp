#include <catch2/catch.hpp>

#include <string>

#include "engine/error.h"

using namespace parktwin;

TEST_CASE("error names file, line, field, expected and found", "[error]") {
  const Error e = Error("negative lane width")
                      .in_file("roadnet.json")
                      .at_line(812)
                      .field("roads[3].lanes[0].width")
                      .expected("> 0")
                      .found("-2.0");
  CHECK(
      std::string(e.what()) ==
      "roadnet.json:812: roads[3].lanes[0].width: negative lane width (expected > 0, found -2.0)");
  CHECK(e.message() == "negative lane width");
  CHECK(e.context().line == 812);
}

TEST_CASE("error formatting leaves out what is unknown", "[error]") {
  CHECK(format_error("bad", {}) == "bad");
  CHECK(format_error("bad", {.file = "a.toml"}) == "a.toml: bad");
  CHECK(format_error("bad", {.file = "a.toml", .line = 3, .column = 7}) == "a.toml:3:7: bad");
  CHECK(format_error("bad", {.line = 3, .field = "seed"}) == "seed: bad");
  CHECK(format_error("bad", {.expected = "an integer"}) == "bad (expected an integer)");
  CHECK(format_error("bad", {.found = "\"x\""}) == "bad (found \"x\")");
}

TEST_CASE("error context can be added while the error travels up", "[error]") {
  // A parser throws without knowing the file; the loader adds it and rethrows.
  try {
    try {
      throw Error("unknown key").at_line(4).field("sceanrio.seed");
    } catch (Error& inner) {
      inner.in_file("park.toml");
      throw;
    }
  } catch (const Error& outer) {
    CHECK(std::string(outer.what()) == "park.toml:4: sceanrio.seed: unknown key");
  }
}

TEST_CASE("errors are std::exceptions", "[error]") {
  CHECK_THROWS_AS(throw Error("x"), std::exception);
  CHECK_THROWS_WITH(throw Error("x").in_file("f"), "f: x");
}
