// The energy inputs of a scenario: the time-of-use tariff (scenarios/tariff_toml.h) and the
// distribution grid (scenarios/grid_toml.h). The shipped Jiangsu tariff gives the periods of
// Su Fa Gai Jia Ge [2025] 426 (assets/reference/REFERENCE.md, section C) minute by minute; each
// malformed file is rejected with an error naming the file, the line and the key.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <string>

#include "engine/error.h"
#include "scenarios/grid_toml.h"
#include "scenarios/tariff_toml.h"
#include "sim/energy/grid_spec.h"
#include "sim/energy/tariff.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using parktwin::Error;
using parktwin::energy::GridSpec;
using parktwin::energy::Tariff;
using parktwin::energy::TouPeriod;
using parktwin::scenarios::load_grid;
using parktwin::scenarios::load_tariff;
using parktwin::test::TempDir;

int minute(int hour, int min = 0) { return hour * 60 + min; }

// Minutes of each period (valley, flat, peak) in a season's day.
std::array<int, 3> minutes_by_period(const Tariff& t, std::size_t season) {
  std::array<int, 3> n{};
  for (const TouPeriod p : t.seasons[season]) ++n[static_cast<std::size_t>(p)];
  return n;
}

// Line numbers on the right; the Jiangsu periods without the optional flat lists.
const std::string kTariff = R"(name = "test"
currency = "CNY"
export_price = 0.391
[prices]
peak = 1.0358
flat = 0.739
valley = 0.4634
[[seasons]]
name = "summer and winter"
months = [6, 7, 8, 12, 1, 2]
peak = ["14:00-22:00"]
valley = ["00:00-06:00", "11:00-13:00"]
[[seasons]]
name = "spring and autumn"
months = [3, 4, 5, 9, 10, 11]
peak = ["15:00-22:00"]
valley = ["02:00-06:00", "10:00-14:00"]
)";
//  1 name  2 currency  3 export_price  4 [prices]  5 peak  6 flat  7 valley
//  8 [[seasons]]  9 name  10 months  11 peak  12 valley
// 13 [[seasons]] 14 name  15 months  16 peak  17 valley

// `text` with the one occurrence of `from` replaced by `to`.
std::string with(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(from, at + 1) == std::string::npos);
  return text.replace(at, from.size(), to);
}

// Writes `text` as `name`, loads it with `load` and returns the error, checked to name the
// file, `line` and `key` (in the message too).
template <class Load>
Error load_error(Load load, const std::string& name, const std::string& text, int line,
                 const std::string& key) {
  TempDir dir;
  const std::string path = dir.write(name, text);
  const Error e = parktwin::test::error_of([&] { load(path); });
  CHECK(e.context().file == path);
  CHECK(e.context().line == line);
  CHECK(e.context().field == key);
  CHECK_THAT(e.what(), StartsWith(path + ":" + std::to_string(line) + ":"));
  if (!key.empty()) CHECK_THAT(e.what(), Contains(": " + key + ": "));
  return e;
}

Error tariff_error(const std::string& text, int line, const std::string& key) {
  return load_error([](const std::string& p) { load_tariff(p); }, "tariff.toml", text, line, key);
}

Tariff tariff_of(const std::string& text) {
  TempDir dir;
  return load_tariff(dir.write("tariff.toml", text));
}

}  // namespace

// ---- the shipped tariff -------------------------------------------------------------------

TEST_CASE("the shipped Jiangsu tariff gives the periods of REFERENCE.md section C",
          "[scenarios][energy][tariff]") {
  const Tariff t =
      load_tariff(std::string(PARKTWIN_SOURCE_DIR) + "/assets/tariffs/jiangsu_tou_2025.toml");
  CHECK(t.currency == "CNY");
  CHECK_THAT(t.name, Contains("[2025] 426"));
  REQUIRE(t.seasons.size() == 2);
  CHECK(t.season_name[0] == "summer and winter");
  CHECK(t.season_name[1] == "spring and autumn");
  for (const int m : {6, 7, 8, 12, 1, 2}) CHECK(t.season_of_month[m - 1] == 0);
  for (const int m : {3, 4, 5, 9, 10, 11}) CHECK(t.season_of_month[m - 1] == 1);

  // July: summer and winter.
  CHECK(t.period(7, minute(15)) == TouPeriod::peak);
  CHECK(t.period(7, minute(12, 30)) == TouPeriod::valley);
  CHECK(t.period(7, minute(3)) == TouPeriod::valley);
  CHECK(t.period(7, minute(23)) == TouPeriod::flat);
  CHECK(t.period(7, minute(10)) == TouPeriod::flat);
  CHECK(t.period(7, minute(14)) == TouPeriod::peak);      // start inclusive
  CHECK(t.period(7, minute(21, 59)) == TouPeriod::peak);  // end exclusive
  CHECK(t.period(7, minute(22)) == TouPeriod::flat);
  CHECK(t.period(7, minute(23, 59)) == TouPeriod::flat);
  CHECK(t.period(7, 0) == TouPeriod::valley);
  // April: spring and autumn; its flat 22:00-02:00 wraps midnight.
  CHECK(t.period(4, minute(12)) == TouPeriod::valley);
  CHECK(t.period(4, minute(1)) == TouPeriod::flat);
  CHECK(t.period(4, minute(3)) == TouPeriod::valley);
  CHECK(t.period(4, minute(16)) == TouPeriod::peak);
  CHECK(t.period(4, minute(14, 30)) == TouPeriod::flat);

  // Minutes per period (valley, flat, peak): 8/8/8 h and 8/9/7 h.
  CHECK(minutes_by_period(t, 0) == std::array<int, 3>{480, 480, 480});
  CHECK(minutes_by_period(t, 1) == std::array<int, 3>{480, 540, 420});

  CHECK(t.price(TouPeriod::peak) == 1.0358);
  CHECK(t.price(TouPeriod::flat) == 0.739);
  CHECK(t.price(TouPeriod::valley) == 0.4634);
  CHECK(t.export_price_per_kwh == 0.391);
}

TEST_CASE("a tariff's defaults, zero prices and intervals that wrap or end at 24:00",
          "[scenarios][energy][tariff]") {
  const Tariff t = tariff_of(R"([prices]
peak = 2
flat = 1
valley = 0
[[seasons]]
months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
valley = ["22:30-06:00"]
peak = ["18:00-22:30"]
flat = ["06:00-7:00", " 07:00 - 18:00 "]
)");
  CHECK(t.name == "tariff");  // the file's stem
  CHECK(t.currency == "CNY");
  CHECK(t.export_price_per_kwh == 0.0);
  CHECK(t.season_name == std::vector<std::string>{"season 1"});
  CHECK(t.price(TouPeriod::valley) == 0.0);
  CHECK(t.price(TouPeriod::peak) == 2.0);
  CHECK(t.period(1, minute(22, 29)) == TouPeriod::peak);
  CHECK(t.period(1, minute(22, 30)) == TouPeriod::valley);
  CHECK(t.period(12, minute(3)) == TouPeriod::valley);
  CHECK(t.period(12, minute(6)) == TouPeriod::flat);
  CHECK(minutes_by_period(t, 0) == std::array<int, 3>{450, 720, 270});

  const Tariff all_day = tariff_of(with(kTariff, R"(peak = ["15:00-22:00"]
valley = ["02:00-06:00", "10:00-14:00"])",
                                        "valley = [\"00:00-24:00\"]\npeak = []"));
  CHECK(minutes_by_period(all_day, 1) == std::array<int, 3>{1440, 0, 0});
}

// ---- malformed tariffs --------------------------------------------------------------------

TEST_CASE("tariff: a TOML syntax error gives toml++'s line", "[scenarios][energy][tariff]") {
  const Error e = tariff_error(with(kTariff, "flat = 0.739", "flat = 0.739 0.1"), 6, "");
  CHECK(e.context().column > 0);
}

TEST_CASE("tariff: a missing file", "[scenarios][energy][tariff]") {
  const Error e = parktwin::test::error_of([] { load_tariff("/nonexistent/tariff.toml"); });
  CHECK(e.context().file == "/nonexistent/tariff.toml");
  CHECK_THAT(e.message(), Contains("cannot open"));
}

TEST_CASE("tariff: unknown keys anywhere", "[scenarios][energy][tariff]") {
  SECTION("at the top") {
    const Error e = tariff_error(with(kTariff, "currency =", "curency ="), 2, "curency");
    CHECK_THAT(e.message(), Contains("unknown key"));
    CHECK_THAT(e.context().expected, Contains("name, currency, export_price, prices, seasons"));
  }
  SECTION("in prices") {
    const Error e =
        tariff_error(with(kTariff, "flat = 0.739", "shoulder = 0.739"), 6, "prices.shoulder");
    CHECK_THAT(e.message(), Contains("unknown key"));
  }
  SECTION("in a season") {
    const Error e = tariff_error(with(kTariff, "name = \"spring and autumn\"", "nmae = \"spring\""),
                                 14, "seasons[1].nmae");
    CHECK_THAT(e.context().expected, Contains("months, peak, flat, valley"));
  }
}

TEST_CASE("tariff: wrong types", "[scenarios][energy][tariff]") {
  SECTION("a quoted export price") {
    const Error e = tariff_error(with(kTariff, "export_price = 0.391", "export_price = \"0.391\""),
                                 3, "export_price");
    CHECK(e.context().found == "\"0.391\"");
  }
  SECTION("a name that is not a string") {
    tariff_error(with(kTariff, "name = \"test\"", "name = 5"), 1, "name");
  }
  SECTION("months as a string") {
    tariff_error(with(kTariff, "months = [3, 4, 5, 9, 10, 11]", "months = \"3\""), 15,
                 "seasons[1].months");
  }
  SECTION("a fractional month") {
    const Error e = tariff_error(with(kTariff, "[3, 4, 5, 9, 10, 11]", "[3, 4.0, 5, 9, 10, 11]"),
                                 15, "seasons[1].months[1]");
    CHECK(e.context().found == "4.0");
  }
  SECTION("peak as one string, not a list") {
    tariff_error(with(kTariff, "peak = [\"15:00-22:00\"]", "peak = \"15:00-22:00\""), 16,
                 "seasons[1].peak");
  }
  SECTION("an interval as a number") {
    tariff_error(with(kTariff, "[\"02:00-06:00\", \"10:00-14:00\"]", "[\"02:00-06:00\", 10]"), 17,
                 "seasons[1].valley[1]");
  }
  SECTION("prices as a number") {
    const std::string text = with(
        kTariff, "[prices]\npeak = 1.0358\nflat = 0.739\nvalley = 0.4634\n", "prices = 1\n\n\n\n");
    tariff_error(text, 4, "prices");
  }
}

TEST_CASE("tariff: a seasons key that is not [[seasons]] tables", "[scenarios][energy][tariff]") {
  const std::size_t from = kTariff.find("[prices]");
  const std::string prices = kTariff.substr(from, kTariff.find("[[seasons]]") - from);
  tariff_error("seasons = 3\n" + prices, 1, "seasons");
  tariff_error("seasons = []\n" + prices, 1, "seasons");
  tariff_error("seasons = [1, 2]\n" + prices, 1, "seasons");
}

TEST_CASE("tariff: missing required keys", "[scenarios][energy][tariff]") {
  SECTION("prices.flat, at the [prices] line") {
    const Error e = tariff_error(with(kTariff, "flat = 0.739", "# flat"), 4, "prices.flat");
    CHECK_THAT(e.message(), Contains("missing"));
  }
  SECTION("prices.peak") { tariff_error(with(kTariff, "peak = 1.0358", ""), 4, "prices.peak"); }
  SECTION("prices.valley") {
    tariff_error(with(kTariff, "valley = 0.4634", ""), 4, "prices.valley");
  }
  SECTION("the [prices] table, at the top of the file") {
    tariff_error(with(kTariff, "[prices]\npeak = 1.0358\nflat = 0.739\nvalley = 0.4634\n", ""), 1,
                 "prices");
  }
  SECTION("seasons") {
    const std::size_t at = kTariff.find("[[seasons]]");
    tariff_error(kTariff.substr(0, at), 1, "seasons");
  }
  SECTION("months, at the season's line") {
    tariff_error(with(kTariff, "months = [3, 4, 5, 9, 10, 11]", "# all year?"), 13,
                 "seasons[1].months");
  }
  SECTION("both peak and valley") {
    const Error e = tariff_error(
        with(kTariff, "peak = [\"15:00-22:00\"]\nvalley = [\"02:00-06:00\", \"10:00-14:00\"]",
             "flat = [\"00:00-24:00\"]"),
        13, "seasons[1].peak");
    CHECK_THAT(e.context().expected, Contains("valley"));
  }
}

TEST_CASE("tariff: negative or non-finite prices", "[scenarios][energy][tariff]") {
  SECTION("negative") {
    const Error e =
        tariff_error(with(kTariff, "valley = 0.4634", "valley = -0.1"), 7, "prices.valley");
    CHECK(e.context().found == "-0.1");
  }
  SECTION("infinite") {
    tariff_error(with(kTariff, "peak = 1.0358", "peak = inf"), 5, "prices.peak");
  }
  SECTION("not a number") {
    tariff_error(with(kTariff, "flat = 0.739", "flat = nan"), 6, "prices.flat");
  }
  SECTION("zero is allowed") {
    const Tariff t = tariff_of(with(kTariff, "valley = 0.4634", "valley = 0"));
    CHECK(t.price(TouPeriod::valley) == 0.0);
  }
}

TEST_CASE("tariff: a negative export price", "[scenarios][energy][tariff]") {
  tariff_error(with(kTariff, "export_price = 0.391", "export_price = -0.391"), 3, "export_price");
}

TEST_CASE("tariff: a month outside 1..12", "[scenarios][energy][tariff]") {
  const Error e = tariff_error(with(kTariff, "[3, 4, 5, 9, 10, 11]", "[3, 4, 5, 9, 10, 13]"), 15,
                               "seasons[1].months[5]");
  CHECK(e.context().found == "13");
  tariff_error(with(kTariff, "[6, 7, 8, 12, 1, 2]", "[6, 7, 8, 12, 1, 0]"), 10,
               "seasons[0].months[5]");
}

TEST_CASE("tariff: a month in two seasons names both", "[scenarios][energy][tariff]") {
  const Error e = tariff_error(with(kTariff, "[3, 4, 5, 9, 10, 11]", "[3, 4, 5, 9, 10, 11, 6]"), 15,
                               "seasons[1].months[6]");
  CHECK_THAT(e.context().found, Contains("seasons[0].months[0]"));
  CHECK_THAT(e.context().found, Contains("line 10"));
  // Twice in one season.
  tariff_error(with(kTariff, "[3, 4, 5, 9, 10, 11]", "[3, 4, 5, 9, 10, 11, 4]"), 15,
               "seasons[1].months[6]");
}

TEST_CASE("tariff: months in no season are named", "[scenarios][energy][tariff]") {
  const Error e =
      tariff_error(with(kTariff, "[3, 4, 5, 9, 10, 11]", "[3, 4, 5, 11]"), 8, "seasons");
  CHECK(e.context().found == "no season for months 9, 10");
}

TEST_CASE("tariff: malformed intervals and times", "[scenarios][energy][tariff]") {
  const std::string bad = GENERATE(as<std::string>{}, "25:00-02:00", "14:60-22:00", "14-22",
                                   "10:00-10:00", "14:00:30-22:00", "24:00-02:00", "14:00", "",
                                   "14:00-22:00-23:00", "1400-2200", "a4:00-22:00", "14:00-24:01");
  INFO(bad);
  const Error e =
      tariff_error(with(kTariff, "peak = [\"15:00-22:00\"]", "peak = [\"" + bad + "\"]"), 16,
                   "seasons[1].peak[0]");
  CHECK(e.context().found == "\"" + bad + "\"");
  CHECK_THAT(e.context().expected, Contains("HH:MM") || Contains("00:00"));
}

TEST_CASE("tariff: overlapping intervals name both", "[scenarios][energy][tariff]") {
  SECTION("peak and valley") {
    const Error e = tariff_error(with(kTariff, "\"10:00-14:00\"]\n", "\"10:00-16:00\"]\n"), 17,
                                 "seasons[1].valley[1]");
    CHECK_THAT(e.message(), Contains("overlap"));
    CHECK_THAT(e.context().found, Contains("seasons[1].peak[0] \"15:00-22:00\" (line 16)"));
    CHECK_THAT(e.context().found, Contains("from 15:00 to 16:00"));
  }
  SECTION("two valley entries") {
    const Error e = tariff_error(
        with(kTariff, "[\"02:00-06:00\", \"10:00-14:00\"]", "[\"02:00-06:00\", \"05:00-14:00\"]"),
        17, "seasons[1].valley[1]");
    CHECK_THAT(e.context().found, Contains("seasons[1].valley[0] \"02:00-06:00\" (line 17)"));
    CHECK_THAT(e.context().found, Contains("from 05:00 to 06:00"));
  }
  SECTION("across midnight") {
    const Error e =
        tariff_error(with(kTariff, "[\"14:00-22:00\"]", "[\"14:00-22:00\", \"23:00-01:00\"]"), 12,
                     "seasons[0].valley[0]");
    CHECK_THAT(e.context().found, Contains("seasons[0].peak[1] \"23:00-01:00\" (line 11)"));
    CHECK_THAT(e.context().found, Contains("from 00:00 to 01:00"));
  }
  SECTION("a flat check that lists a valley minute") {
    const Error e = tariff_error(kTariff + "flat = [\"22:00-02:00\", \"05:00-07:00\"]\n", 18,
                                 "seasons[1].flat[1]");
    CHECK_THAT(e.context().found, Contains("seasons[1].valley[0]"));
    CHECK_THAT(e.context().found, Contains("from 05:00 to 06:00"));
  }
  SECTION("the later one in the file is the one reported") {
    const Error e = tariff_error(
        with(kTariff, "peak = [\"14:00-22:00\"]\nvalley = [\"00:00-06:00\", \"11:00-13:00\"]",
             "valley = [\"00:00-06:00\", \"11:00-13:00\"]\npeak = [\"12:00-22:00\"]"),
        12, "seasons[0].peak[0]");
    CHECK_THAT(e.context().found, Contains("seasons[0].valley[1] \"11:00-13:00\" (line 11)"));
    CHECK_THAT(e.context().found, Contains("from 12:00 to 13:00"));
  }
}

// ---- the grid -----------------------------------------------------------------------------

namespace {

const std::string kGrid = R"([[substations]]
name = "sip_110kv_east"
capacity_kw = 40000

[[feeders]]
name = "feeder_north"
capacity_kw = 6000
substation = "sip_110kv_east"

[[feeders]]
name = "feeder_south"
capacity_kw = 4500.5
substation = "sip_110kv_east"
)";
//  1 [[substations]]  2 name  3 capacity_kw
//  5 [[feeders]]  6 name  7 capacity_kw  8 substation
// 10 [[feeders]] 11 name 12 capacity_kw 13 substation

Error grid_error(const std::string& text, int line, const std::string& key) {
  return load_error([](const std::string& p) { load_grid(p); }, "grid.toml", text, line, key);
}

}  // namespace

TEST_CASE("a grid file reads back with its lines", "[scenarios][energy][grid]") {
  TempDir dir;
  const std::string path = dir.write("grid.toml", kGrid);
  const GridSpec g = load_grid(path);
  CHECK(g.file == path);
  REQUIRE(g.substations.size() == 1);
  CHECK(g.substations[0].name == "sip_110kv_east");
  CHECK(g.substations[0].capacity_kw == 40000.0);
  CHECK(g.substations[0].line == 1);
  REQUIRE(g.feeders.size() == 2);
  CHECK(g.feeders[0].name == "feeder_north");
  CHECK(g.feeders[0].capacity_kw == 6000.0);
  CHECK(g.feeders[0].substation == "sip_110kv_east");
  CHECK(g.feeders[0].line == 5);
  CHECK(g.feeders[1].name == "feeder_south");
  CHECK(g.feeders[1].capacity_kw == 4500.5);
  CHECK(g.feeders[1].line == 10);
}

TEST_CASE("grid: a TOML syntax error gives toml++'s line", "[scenarios][energy][grid]") {
  grid_error(with(kGrid, "capacity_kw = 6000", "capacity_kw = 6000 kW"), 7, "");
}

TEST_CASE("grid: unknown keys", "[scenarios][energy][grid]") {
  SECTION("at the top") { grid_error("voltage_kv = 10\n" + kGrid, 1, "voltage_kv"); }
  SECTION("in a feeder") {
    const Error e = grid_error(with(kGrid, "capacity_kw = 4500.5", "capacity = 4500.5"), 12,
                               "feeders[1].capacity");
    CHECK_THAT(e.context().expected, Contains("name, capacity_kw, substation"));
  }
  SECTION("in a substation") {
    grid_error(with(kGrid, "capacity_kw = 40000", "capacity_kw = 40000\nvoltage_kv = 110"), 4,
               "substations[0].voltage_kv");
  }
}

TEST_CASE("grid: missing keys point at their table", "[scenarios][energy][grid]") {
  SECTION("a feeder's name") {
    grid_error(with(kGrid, "name = \"feeder_south\"", "# unnamed"), 10, "feeders[1].name");
  }
  SECTION("a feeder's capacity") {
    grid_error(with(kGrid, "capacity_kw = 6000", ""), 5, "feeders[0].capacity_kw");
  }
  SECTION("a feeder's substation") {
    const std::string text = with(kGrid, "capacity_kw = 4500.5\nsubstation = \"sip_110kv_east\"",
                                  "capacity_kw = 4500.5");
    grid_error(text, 10, "feeders[1].substation");
  }
  SECTION("a substation's name") {
    grid_error(with(kGrid, "name = \"sip_110kv_east\"", ""), 1, "substations[0].name");
  }
  SECTION("a substation's capacity") {
    grid_error(with(kGrid, "capacity_kw = 40000", ""), 1, "substations[0].capacity_kw");
  }
}

TEST_CASE("grid: capacities must be finite and > 0", "[scenarios][energy][grid]") {
  const std::string bad = GENERATE(as<std::string>{}, "0", "-6000", "inf", "nan", "\"6000\"");
  INFO(bad);
  const Error e = grid_error(with(kGrid, "capacity_kw = 6000", "capacity_kw = " + bad), 7,
                             "feeders[0].capacity_kw");
  CHECK(e.context().found == bad);
  grid_error(with(kGrid, "capacity_kw = 40000", "capacity_kw = " + bad), 3,
             "substations[0].capacity_kw");
}

TEST_CASE("grid: duplicate names name both lines", "[scenarios][energy][grid]") {
  SECTION("feeders") {
    const Error e = grid_error(with(kGrid, "name = \"feeder_south\"", "name = \"feeder_north\""),
                               11, "feeders[1].name");
    CHECK(e.context().found == "\"feeder_north\", also on line 6");
  }
  SECTION("substations") {
    const Error e =
        grid_error(kGrid + "\n[[substations]]\nname = \"sip_110kv_east\"\ncapacity_kw = 1\n", 16,
                   "substations[1].name");
    CHECK(e.context().found == "\"sip_110kv_east\", also on line 2");
  }
  SECTION("a feeder and a substation may share a name") {
    TempDir dir;
    const GridSpec g = load_grid(dir.write(
        "grid.toml", with(kGrid, "name = \"feeder_north\"", "name = \"sip_110kv_east\"")));
    CHECK(g.feeders[0].name == "sip_110kv_east");
  }
}

TEST_CASE("grid: a feeder on an unknown substation", "[scenarios][energy][grid]") {
  const Error e =
      grid_error(with(kGrid, "sip_110kv_east\"\n\n[[feeders]]", "sip_110kv_west\"\n\n[[feeders]]"),
                 8, "feeders[0].substation");
  CHECK(e.context().found == "\"sip_110kv_west\"");
  CHECK(e.context().expected == "one of: sip_110kv_east");
  // No substations at all.
  const std::size_t at = kGrid.find("[[feeders]]");
  grid_error("\n\n\n\n" + kGrid.substr(at), 8, "feeders[0].substation");
}

TEST_CASE("grid: no feeders", "[scenarios][energy][grid]") {
  const std::size_t at = kGrid.find("[[feeders]]");
  const Error e = grid_error(kGrid.substr(0, at), 1, "feeders");
  CHECK_THAT(e.message(), Contains("no feeders"));
  grid_error("feeders = []\n" + kGrid.substr(0, at), 1, "feeders");
}
