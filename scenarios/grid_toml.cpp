// The TOML grid file (see the header): substations first, so that each feeder's substation
// can be checked as it is read.

#include "scenarios/grid_toml.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/error.h"
#include "scenarios/toml_fields.h"

namespace parktwin::scenarios {

namespace {

namespace fs = std::filesystem;
using namespace toml_fields;

// A required key; absent, the error points at the table that lacks it.
const toml::node& required(const std::string& path, const toml::table& t, const char* key,
                           const std::string& field, const std::string& expected) {
  const toml::node* n = t.get(key);
  if (n == nullptr) fail_at(path, t, field, "missing required key", expected);
  return *n;
}

std::string name_of(const std::string& path, const toml::table& t, const std::string& where,
                    const char* key, const char* expected) {
  const std::string field = where + "." + key;
  const toml::node& n = required(path, t, key, field, expected);
  if (!n.is_string() || n.value<std::string>()->empty()) {
    fail_at(path, n, field, n.is_string() ? "empty name" : "wrong type", expected, brief(n));
  }
  return n.value<std::string>().value();
}

double capacity_of(const std::string& path, const toml::table& t, const std::string& where) {
  const std::string field = where + ".capacity_kw";
  const char* expected = "a capacity in kW, finite and > 0";
  const toml::node& n = required(path, t, "capacity_kw", field, expected);
  if (!n.is_number()) fail_at(path, n, field, "wrong type", expected, brief(n));
  const double v = *number_of(n);
  if (!(v > 0.0) || !std::isfinite(v)) fail_at(path, n, field, "bad capacity", expected, brief(n));
  return v;
}

// The tables of `key` (an array of tables, may be absent), each checked for unknown keys.
const toml::array* tables_of(const std::string& path, const toml::table& root, const char* key,
                             std::initializer_list<std::string_view> known) {
  const toml::node* n = root.get(key);
  if (n == nullptr) return nullptr;
  const std::string expected = fmt::format("[[{}]] tables", key);
  if (!n->is_array()) fail_at(path, *n, key, "wrong type", expected, brief(*n));
  const toml::array& a = *n->as_array();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string where = fmt::format("{}[{}]", key, i);
    if (!a[i].is_table()) fail_at(path, a[i], where, "wrong type", expected, brief(a[i]));
    reject_unknown(path, *a[i].as_table(), where + ".", known);
  }
  return &a;
}

// A name given twice: the error points at the second and names the first.
void check_unique(const std::string& path, std::unordered_map<std::string, int>& seen,
                  const toml::table& t, const std::string& where, const std::string& name,
                  const char* kind) {
  const toml::node& n = *t.get("name");
  const auto [it, fresh] = seen.try_emplace(name, line_of(n));
  if (!fresh) {
    fail_at(path, n, where + ".name", fmt::format("duplicate {} name", kind),
            fmt::format("a {} name not used before", kind),
            fmt::format("\"{}\", also on line {}", name, it->second));
  }
}

}  // namespace

energy::GridSpec load_grid(const std::string& path) {
  const toml::table root = parse_toml_file(path, "grid");
  reject_unknown(path, root, "", {"substations", "feeders"});
  energy::GridSpec grid;
  grid.file = path;

  std::unordered_map<std::string, int> substation_line;
  if (const toml::array* subs = tables_of(path, root, "substations", {"name", "capacity_kw"})) {
    for (std::size_t i = 0; i < subs->size(); ++i) {
      const toml::table& t = *(*subs)[i].as_table();
      const std::string where = fmt::format("substations[{}]", i);
      energy::SubstationSpec s;
      s.name = name_of(path, t, where, "name", "a substation name (a non-empty string)");
      check_unique(path, substation_line, t, where, s.name, "substation");
      s.capacity_kw = capacity_of(path, t, where);
      s.line = line_of(t);
      grid.substations.push_back(std::move(s));
    }
  }

  const toml::array* feeders =
      tables_of(path, root, "feeders", {"name", "capacity_kw", "substation"});
  if (feeders == nullptr || feeders->empty()) {
    const toml::node& at = feeders == nullptr ? static_cast<const toml::node&>(root) : *feeders;
    fail_at(path, at, "feeders", "no feeders",
            "one or more [[feeders]] tables with name, capacity_kw and substation");
  }
  std::string known;
  for (const energy::SubstationSpec& s : grid.substations) {
    known += (known.empty() ? "" : ", ") + s.name;
  }
  std::unordered_map<std::string, int> feeder_line;
  for (std::size_t i = 0; i < feeders->size(); ++i) {
    const toml::table& t = *(*feeders)[i].as_table();
    const std::string where = fmt::format("feeders[{}]", i);
    energy::FeederSpec f;
    f.name = name_of(path, t, where, "name", "a feeder name (a non-empty string)");
    check_unique(path, feeder_line, t, where, f.name, "feeder");
    f.capacity_kw = capacity_of(path, t, where);
    f.substation =
        name_of(path, t, where, "substation", "the name of a substation (a non-empty string)");
    if (!substation_line.contains(f.substation)) {
      fail_at(
          path, *t.get("substation"), where + ".substation", "unknown substation",
          known.empty() ? "a substation given in [[substations]] (none given)" : "one of: " + known,
          fmt::format("\"{}\"", f.substation));
    }
    f.line = line_of(t);
    grid.feeders.push_back(std::move(f));
  }
  return grid;
}

}  // namespace parktwin::scenarios
