#pragma once
// Reading typed fields of a TOML manifest, with errors that name the file (a base's own file
// after `extends` merged it in), the line and the key (STYLE.md, rule 6).

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "engine/error.h"
#include "engine/input_file.h"

namespace parktwin::scenarios::toml_fields {

inline int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

// The file a node was read from: after `extends` merges, a key may come from a base.
inline std::string file_of(const toml::node& n, const std::string& fallback) {
  return n.source().path ? *n.source().path : fallback;
}

[[noreturn]] inline void fail_at(const std::string& path, const toml::node& n,
                                 const std::string& key, const std::string& message,
                                 const std::string& expected, const std::string& found = {}) {
  throw Error(message)
      .in_file(file_of(n, path))
      .at_line(line_of(n))
      .field(key)
      .expected(expected)
      .found(found);
}

// A TOML number as a double, or nothing for another type. An integer a double cannot hold
// exactly (2^63 - 1) is taken at the nearest double, where toml++'s value<double>() is empty.
inline std::optional<double> number_of(const toml::node& n) {
  if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
  if (const auto* f = n.as_floating_point()) return f->get();
  return std::nullopt;
}

inline double non_negative_number(const std::string& path, const toml::table& t, const char* key,
                                  const std::string& field, double fallback) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return fallback;
  const std::optional<double> v = number_of(*n);
  if (!v || !n->is_number()) fail_at(path, *n, field, "wrong type", "a number of seconds");
  if (*v < 0.0 || !std::isfinite(*v)) {
    fail_at(path, *n, field, "must not be negative", ">= 0", fmt::format("{}", *v));
  }
  return *v;
}

// Parses a TOML file of `what` (e.g. "tariff"): a syntax error gives toml++'s line and column;
// a file that is not there says so.
inline toml::table parse_toml_file(const std::string& path, const std::string& what) {
  if (std::string why; !is_input_file(path, why)) {
    throw Error("cannot open " + what + " file")
        .in_file(path)
        .expected("a TOML " + what + " file")
        .found(why == "no such file" ? "" : why);
  }
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    if (!std::filesystem::exists(path)) {
      throw Error("cannot open " + what + " file")
          .in_file(path)
          .expected("a TOML " + what + " file");
    }
    throw Error(std::string(e.description()))
        .in_file(path)
        .at_line(static_cast<int>(e.source().begin.line),
                 static_cast<int>(e.source().begin.column));
  }
}

// What a node holds, for "found": scalars as TOML writes them, containers by kind.
// A TOML integer's value; none for anything else. Not node.value<std::int64_t>(), which also
// converts a float and does so with a cast that is undefined beyond the integer's range (a
// fuzz finding: `seeds = -9223372067348575881.0`).
inline std::optional<std::int64_t> integer_of(const toml::node& n) {
  if (const toml::value<std::int64_t>* i = n.as_integer()) return i->get();
  return std::nullopt;
}

inline std::string brief(const toml::node& n) {
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  if (n.is_string()) return fmt::format("\"{}\"", n.value<std::string>().value());
  std::ostringstream out;
  n.visit([&](const auto& v) { out << v; });
  return out.str();
}

inline void reject_unknown(const std::string& path, const toml::table& t, const std::string& prefix,
                           std::initializer_list<std::string_view> known) {
  for (const auto& [key, node] : t) {
    bool ok = false;
    for (auto k : known) ok = ok || key.str() == k;
    if (!ok) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      fail_at(path, node, prefix + std::string(key.str()), "unknown key", "one of: " + list);
    }
  }
}

inline double positive_number(const std::string& path, const toml::table& t, const char* key,
                              double fallback) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return fallback;
  const std::optional<double> v = number_of(*n);
  if (!v || !(n->is_number())) fail_at(path, *n, key, "wrong type", "a number of seconds");
  if (!(*v > 0.0) || !std::isfinite(*v)) {
    fail_at(path, *n, key, "must be positive and finite", "> 0", fmt::format("{}", *v));
  }
  return *v;
}

}  // namespace parktwin::scenarios::toml_fields
