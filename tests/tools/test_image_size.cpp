#include <catch2/catch.hpp>

#include <string>

#include "engine/error.h"
#include "tools/image_size.h"

using parktwin::cli::parse_image_size;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_image_size(text, 320, 240, 8192);
  } catch (const parktwin::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("The --size option reads WIDTHxHEIGHT within the bounds, the bounds included", "[cli]") {
  CHECK(parse_image_size("1280x720", 320, 240, 8192).width == 1280);
  CHECK(parse_image_size("1280x720", 320, 240, 8192).height == 720);
  CHECK(parse_image_size("320x240", 320, 240, 8192).width == 320);
  CHECK(parse_image_size("8192x8192", 320, 240, 8192).height == 8192);
}

TEST_CASE("A --size out of range or malformed names the flag, the range and the text", "[cli]") {
  for (const std::string bad : {"319x240", "320x239", "8193x600", "-5x400", "0x0"}) {
    const std::string e = error_of(bad);
    CHECK_THAT(e, Catch::Contains("--size") && Catch::Contains("out of range") &&
                      Catch::Contains("320x240 to 8192x8192") && Catch::Contains(bad));
  }
  for (const std::string bad : {"", "abc", "800", "800x", "800x600x", "800 600", "800x600px"}) {
    const std::string e = error_of(bad);
    CHECK_THAT(e, Catch::Contains("--size: bad size") && Catch::Contains("WIDTHxHEIGHT"));
  }
}
