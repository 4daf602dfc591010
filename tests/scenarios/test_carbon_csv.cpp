// The grid's hourly carbon intensity as a CSV file (scenarios/carbon_csv.h): a day or a year of
// hours read back, each malformed file refused naming the file, the line and the field, and the
// manifest's [energy] carbon_series carried into the World's energy model.

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <string>

#include "engine/error.h"
#include "scenarios/carbon_csv.h"
#include "scenarios/manifest.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

namespace {

using Catch::Matchers::Contains;
using parktwin::Error;
using parktwin::scenarios::read_carbon_csv;
using parktwin::test::TempDir;

// A day: 0.60 at night falling to 0.45 at noon (made-up values), a comment on line 1.
std::string day_csv() {
  std::string s = "# test day\nhour,kg_co2_per_kwh\n";
  for (int h = 0; h < 24; ++h) {
    s += fmt::format("{},{:.2f}\n", h, h >= 10 && h < 15 ? 0.45 : 0.60);
  }
  return s;
}

// The error reading `text`, which must be one.
Error error_reading(const std::string& text) {
  const TempDir dir;
  const std::string path = dir.write("carbon.csv", text);
  Error e = parktwin::test::error_of([&] { (void)read_carbon_csv(path); });
  CHECK(e.context().file == path);
  return e;
}

// `text` with its `line`-th line (1-based) replaced by `with` ("" drops it).
std::string with_line(const std::string& text, int line, const std::string& with) {
  std::string out;
  std::size_t start = 0;
  for (int n = 1; start < text.size(); ++n) {
    const std::size_t end = text.find('\n', start);
    const std::string l = text.substr(start, end - start);
    if (n != line) {
      out += l + "\n";
    } else if (!with.empty()) {
      out += with + "\n";
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("a day of hourly carbon intensity reads back", "[scenarios][energy][carbon]") {
  const TempDir dir;
  const std::vector<double> v = read_carbon_csv(dir.write("day.csv", day_csv()));
  REQUIRE(v.size() == 24);
  CHECK(v[0] == 0.60);
  CHECK(v[12] == 0.45);
  CHECK(v[23] == 0.60);
}

TEST_CASE("a year of hourly carbon intensity reads back", "[scenarios][energy][carbon]") {
  std::string s = "hour,kg_co2_per_kwh\n";
  for (int h = 0; h < 8760; ++h) s += fmt::format("{},{}\n", h, 0.5 + 1e-5 * h);
  const TempDir dir;
  const std::vector<double> v = read_carbon_csv(dir.write("year.csv", s));
  REQUIRE(v.size() == 8760);
  CHECK(v[8759] == Approx(0.5 + 0.08759));
}

TEST_CASE("carbon CSV: a gap, a repeat or a stray hour names its line",
          "[scenarios][energy][carbon]") {
  // Line 2 is the header, hour h on line h + 3.
  Error e = error_reading(with_line(day_csv(), 8, ""));  // hour 5 missing
  CHECK(e.context().line == 8);
  CHECK_THAT(std::string(e.what()), Contains("out of sequence") && Contains("hour 5"));
  e = error_reading(with_line(day_csv(), 8, "4,0.6"));  // hour 4 twice
  CHECK(e.context().line == 8);
  e = error_reading(with_line(day_csv(), 3, "0.5,0.6"));
  CHECK(e.context().line == 3);
  CHECK(e.context().field == "hour");
}

TEST_CASE("carbon CSV: the wrong number of hours", "[scenarios][energy][carbon]") {
  const Error e = error_reading(with_line(day_csv(), 26, ""));  // 23 hours
  CHECK_THAT(std::string(e.what()),
             Contains("wrong number of hours") && Contains("23") && Contains("8760"));
}

TEST_CASE("carbon CSV: values that are not numbers or out of range",
          "[scenarios][energy][carbon]") {
  Error e = error_reading(with_line(day_csv(), 10, "7,abc"));
  CHECK(e.context().line == 10);
  CHECK(e.context().field == "kg_co2_per_kwh");
  CHECK_THAT(std::string(e.what()), Contains("not a number"));
  e = error_reading(with_line(day_csv(), 10, "7,-0.1"));
  CHECK_THAT(std::string(e.what()), Contains("out of range"));
  e = error_reading(with_line(day_csv(), 10, "7,2.5"));
  CHECK(e.context().line == 10);
  e = error_reading(with_line(day_csv(), 10, "7,0.5,1"));
  CHECK_THAT(std::string(e.what()), Contains("wrong number of cells"));
}

TEST_CASE("carbon CSV: a missing header, an empty file, no file", "[scenarios][energy][carbon]") {
  Error e = error_reading(with_line(day_csv(), 2, "hour,co2"));
  CHECK(e.context().line == 2);
  CHECK_THAT(std::string(e.what()), Contains("hour,kg_co2_per_kwh"));
  e = error_reading("# nothing\n");
  CHECK_THAT(std::string(e.what()), Contains("no header"));
  e = parktwin::test::error_of([] { (void)read_carbon_csv("/nonexistent/carbon.csv"); });
  CHECK(e.context().file == "/nonexistent/carbon.csv");
}

TEST_CASE("the manifest's carbon_series is read relative to it and counts over carbon",
          "[scenarios][energy][carbon]") {
  const std::string base = std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/";
  const TempDir dir;
  const std::string csv = dir.write("grid_carbon.csv", day_csv());
  const std::string toml = dir.write(
      "what_if.toml", fmt::format("extends = \"{}scenario.toml\"\n[energy]\ncarbon_series = "
                                  "\"grid_carbon.csv\"\n",
                                  base));
  const parktwin::scenarios::Manifest m = parktwin::scenarios::load_manifest(toml);
  CHECK(m.carbon_series_path == csv);
  CHECK(m.carbon_kg_per_kwh == 0.5703);  // the base's, kept but not counted
  const std::string bad =
      dir.write("bad.toml", fmt::format("extends = \"{}scenario.toml\"\n[energy]\ncarbon_series = "
                                        "\"missing.csv\"\n",
                                        base));
  const Error e = parktwin::test::error_of([&] { (void)parktwin::scenarios::load_manifest(bad); });
  CHECK(e.context().line == 3);
  CHECK(e.context().field == "energy.carbon_series");
}
