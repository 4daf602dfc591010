#pragma once
// Checks of command-line values shared by the subcommands: validators for numbers and paths,
// and the check of an output file before any work. CLI11's own validators (PositiveNumber,
// NonNegativeNumber, Range) let NaN through, since every comparison with it is false, and
// print their limits as 309-digit numbers; these refuse NaN, infinities and integers out of
// range, and say in words what was expected:
//   --duration: expected a finite number > 0, found nan
// CLI11 prefixes the option's name; the command line then exits 2 (exit_code::usage).

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <system_error>

#include "engine/error.h"

namespace parktwin::cli {

namespace checks_detail {

// All of `text` as a number (an optional leading '+' allowed), or nothing. std::from_chars,
// unlike strtod, does not depend on the locale.
template <class T>
std::optional<T> parse_all(const std::string& text) {
  T value{};
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+' && end - begin > 1 && begin[1] != '-') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// A finite number for which `ok` holds; `condition` words it for the message and --help.
inline CLI::Validator finite_number(const std::string& condition, const std::string& help,
                                    std::function<bool(double)> ok) {
  return CLI::Validator(
      [condition, ok](std::string& text) -> std::string {
        const std::optional<double> v = parse_all<double>(text);
        if (v && std::isfinite(*v) && ok(*v)) return {};
        return fmt::format("expected a finite number {}, found {}", condition, text);
      },
      help);
}

}  // namespace checks_detail

// A finite number > 0 (durations, steps, intervals, rates).
inline CLI::Validator finite_positive() {
  return checks_detail::finite_number("> 0", "> 0", [](double v) { return v > 0.0; });
}

// A finite number >= 0.
inline CLI::Validator finite_non_negative() {
  return checks_detail::finite_number(">= 0", ">= 0", [](double v) { return v >= 0.0; });
}

// A finite number in lo..hi, both included.
inline CLI::Validator finite_range(double lo, double hi) {
  const std::string range = fmt::format("{}..{}", lo, hi);
  return checks_detail::finite_number("in " + range, range,
                                      [lo, hi](double v) { return v >= lo && v <= hi; });
}

// A whole number in 0..max written in decimal digits: no sign, so "-1" is not wrapped to
// 2^64 - 1, and no value past max is clamped to it.
inline CLI::Validator whole_number(std::uint64_t max) {
  const std::string range = fmt::format("0..{}", max);
  return CLI::Validator(
      [range, max](std::string& text) -> std::string {
        const std::optional<std::uint64_t> v = checks_detail::parse_all<std::uint64_t>(text);
        if (v && *v <= max) return {};
        return fmt::format("expected an integer in {}, found {}", range, text);
      },
      range);
}

// A path that is not empty: --out "" names no file, and would otherwise fall back to a
// default or fail deep inside the filesystem library.
inline CLI::Validator non_empty_path() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return text.empty() ? "expected a path, found an empty string" : std::string();
      },
      "");
}

// Outputs are only ever written to new paths or over regular files: a named pipe, a device
// or a socket given as an output is refused (with --force too), never replaced by a file.
inline void refuse_non_regular_output(const std::filesystem::path& path, const char* option) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found || st.type() == fs::file_type::regular) return;
  Error e(st.type() == fs::file_type::directory ? "is a folder" : "not a regular file");
  e.in_file(path.string()).expected("a new file or a regular one to overwrite");
  if (option != nullptr) e.field(option);
  if (ec) e.found(ec.message());
  throw e;
}

// An output file, checked before any work is done: not a folder, in a folder that exists,
// and new unless `force`. Throws parktwin::Error naming the file and `option`.
inline void check_output_file(const std::string& path, const char* option, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw Error("is a folder").in_file(path).field(option).expected("a file name");
  }
  refuse_non_regular_output(path, option);
  const fs::path folder = fs::path(path).parent_path();
  if (!folder.empty() && !fs::is_directory(folder, ec)) {
    throw Error("no such folder")
        .in_file(path)
        .field(option)
        .expected("a file in an existing folder");
  }
  if (fs::exists(path, ec) && !force) {
    throw Error("output file exists").in_file(path).expected("another path, or --force");
  }
}

// Creates the output folder `dir` (and its parents) unless it exists. Throws parktwin::Error
// naming `option` and what it is for.
inline void create_output_folder(const std::filesystem::path& dir, const char* option,
                                 const char* purpose) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw Error("cannot create folder")
        .in_file(dir.string())
        .field(option)
        .expected(purpose)
        .found(ec.message());
  }
}

// Writes `text` beside `path` and renames it into place, so a failed write never leaves half
// a file behind (nor the temporary one). Throws parktwin::Error naming the file.
inline void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  namespace fs = std::filesystem;
  refuse_non_regular_output(path, nullptr);
  const fs::path tmp = fs::path(path.string() + ".tmp");
  std::ofstream out(tmp, std::ios::binary);
  out << text;
  out.close();
  std::error_code ec;
  if (out) fs::rename(tmp, path, ec);
  if (!out || ec) {
    fs::remove(tmp, ec);
    throw Error("cannot write file").in_file(path.string()).expected("a writable path");
  }
}

}  // namespace parktwin::cli
