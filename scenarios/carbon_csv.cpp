#include "scenarios/carbon_csv.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "engine/error.h"
#include "engine/input_file.h"
#include "scenarios/csv_cells.h"

namespace parktwin::scenarios {

std::vector<double> read_carbon_csv(const std::string& path) {
  require_input_file(path, "a readable carbon CSV");
  std::ifstream in(path);
  if (!in) throw Error("cannot open file").in_file(path).expected("a readable carbon CSV");
  const auto fail = [&](int line, int column, const std::string& field, const std::string& msg,
                        const std::string& expected, const std::string& found) {
    throw_csv_error(path, line, column, field, msg, expected, found);
  };
  constexpr std::size_t kMaxRows = 8784;  // a leap year
  std::vector<double> out;
  std::string line;
  int line_no = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (is_comment_or_blank(line)) continue;
    const std::vector<std::string> cells = split_csv(line);
    if (!header) {
      if (cells.size() != 2 || cells[0] != "hour" || cells[1] != "kg_co2_per_kwh") {
        fail(line_no, 1, "header", "not a carbon CSV header", "hour,kg_co2_per_kwh",
             line.substr(0, 60));
      }
      header = true;
      continue;
    }
    if (cells.size() != 2) {
      fail(line_no, 1, "row", "wrong number of cells", "2 (hour, kg CO2 per kWh)",
           std::to_string(cells.size()));
    }
    double hour = 0.0, value = 0.0;
    if (!parse_double(cells[0], hour) || hour != std::floor(hour)) {
      fail(line_no, 1, "hour", "not a whole hour", "0, 1, 2, ...", "'" + cells[0] + "'");
    }
    if (hour != static_cast<double>(out.size())) {
      fail(line_no, 1, "hour", "hours out of sequence (a gap or a repeat)",
           fmt::format("hour {}", out.size()), cells[0]);
    }
    if (out.size() == kMaxRows) {
      fail(line_no, 1, "hour", "too many rows", "at most 8784 hours (a leap year)", cells[0]);
    }
    if (!parse_double(cells[1], value)) {
      fail(line_no, 2, "kg_co2_per_kwh", "not a number", "kg CO2 per kWh, 0..2",
           "'" + cells[1] + "'");
    }
    if (!(value >= 0.0 && value <= 2.0)) {
      fail(line_no, 2, "kg_co2_per_kwh", "carbon intensity out of range",
           "0..2 kg CO2 per kWh (China's grid: about 0.57)", cells[1]);
    }
    out.push_back(value);
  }
  if (!header) fail(line_no, 0, "header", "no header", "hour,kg_co2_per_kwh", "an empty file");
  if (out.size() != 24 && out.size() != 8760 && out.size() != 8784) {
    fail(line_no, 0, "hour", "wrong number of hours", "24 (a typical day) or 8760 / 8784 (a year)",
         std::to_string(out.size()));
  }
  return out;
}

}  // namespace parktwin::scenarios
