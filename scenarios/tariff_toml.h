#pragma once
// A time-of-use tariff as a TOML file (docs/buildings-energy.md, "Tariff file"):
//
//   name = "Jiangsu C&I time-of-use"     # optional, default: the file's stem
//   currency = "CNY"                     # optional, default CNY
//   export_price = 0.391                 # per kWh sold back, >= 0; optional, default 0
//   [prices]                             # per kWh bought, >= 0, all three required
//   peak = 1.0358
//   flat = 0.739
//   valley = 0.4634
//   [[seasons]]                          # one or more; each month 1..12 in exactly one
//   name = "summer and winter"           # optional, default "season N"
//   months = [6, 7, 8, 12, 1, 2]
//   peak = ["14:00-22:00"]               # at least one of peak and valley
//   valley = ["00:00-06:00", "11:00-13:00"]
//   flat = ["06:00-11:00"]               # optional, a check only
//
// Intervals are "HH:MM-HH:MM" in local time, whole minutes, the end exclusive; the end may
// be "24:00" and an interval may wrap midnight ("22:00-02:00"). Minutes that no peak or
// valley interval lists are flat; a `flat` list only asserts that the minutes it names are
// neither peak nor valley. No two intervals of a season may overlap.

#include <string>

#include "sim/energy/tariff.h"

namespace parktwin::scenarios {

// Reads the tariff at `path`. Throws parktwin::Error naming the file, the line and the key
// ("seasons[1].valley[0]") with what was expected and what was found, for a TOML syntax
// error, an unknown key, a missing or mistyped value, a negative or non-finite price, a month
// outside 1..12, in two seasons or in none, a malformed time or interval, or two intervals of
// a season that overlap.
energy::Tariff load_tariff(const std::string& path);

}  // namespace parktwin::scenarios
