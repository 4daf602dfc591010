#pragma once
// The grid's carbon intensity hour by hour, as a CSV file (docs/buildings-energy.md,
// "Carbon intensity"):
//
//   # East China grid, an illustrative day (comments start with '#')
//   hour,kg_co2_per_kwh
//   0,0.62
//   1,0.61
//   ...
//
// Hours count from 0 without a gap, in local time: 24 rows are a typical day, repeated every
// day; 8760 (or 8784) rows are a year from 1 January 00:00, hour h of the year using row
// h mod the row count. Each value is kg CO2 per kWh bought, 0..2 (China's grid averages about
// 0.57). The energy model takes the value of the hour a step's middle falls in.

#include <string>
#include <vector>

namespace parktwin::scenarios {

// The hourly values at `path`. Throws parktwin::Error naming the file, the line and the field
// with what was expected and found, for a missing or malformed header, a row that is not two
// numbers, an hour out of sequence (a gap or a repeat), a value outside 0..2, or a row count
// other than 24, 8760 or 8784.
std::vector<double> read_carbon_csv(const std::string& path);

}  // namespace parktwin::scenarios
