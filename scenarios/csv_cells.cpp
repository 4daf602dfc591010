#include "scenarios/csv_cells.h"

#include <charconv>
#include <sstream>

#include "engine/error.h"

namespace parktwin::scenarios {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) {
    const auto b = cell.find_first_not_of(" \t\r");
    const auto e = cell.find_last_not_of(" \t\r");
    cells.push_back(b == std::string::npos ? std::string{} : cell.substr(b, e - b + 1));
  }
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

bool parse_double(const std::string& s, double& out) {
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, out);
  return r.ec == std::errc() && r.ptr == end && !s.empty();
}

void throw_csv_error(const std::string& path, int line, int column, const std::string& field,
                     const std::string& message, const std::string& expected,
                     const std::string& found) {
  throw Error(message)
      .in_file(path)
      .at_line(line, column)
      .field(field)
      .expected(expected)
      .found(found);
}

bool is_comment_or_blank(const std::string& line) {
  const auto b = line.find_first_not_of(" \t\r");
  return b == std::string::npos || line[b] == '#';
}

}  // namespace parktwin::scenarios
