#pragma once
// The small pieces of reading a CSV file a planner edits in a spreadsheet: cells of a line,
// trimmed; numbers that must be whole cells; '#' comment lines.

#include <string>
#include <vector>

namespace parktwin::scenarios {

// The comma-separated cells of `line`, each trimmed of spaces, tabs and '\r'.
std::vector<std::string> split_csv(const std::string& line);
// True if `s` is a number and nothing else (out set); false otherwise.
bool parse_double(const std::string& s, double& out);
// `s` as one CSV cell (RFC 4180): as it is, or quoted with its quotes doubled where it holds a
// comma, a quote or a line break.
std::string csv_cell(const std::string& s);
// A blank line or one whose first non-blank character is '#'.
bool is_comment_or_blank(const std::string& line);
// Throws parktwin::Error `message` naming the file, line, column and field, with what was
// expected and what was found.
[[noreturn]] void throw_csv_error(const std::string& path, int line, int column,
                                  const std::string& field, const std::string& message,
                                  const std::string& expected, const std::string& found);

}  // namespace parktwin::scenarios
