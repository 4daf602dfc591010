#include "scenarios/manifest.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cmath>
#include <filesystem>

#include "engine/error.h"

namespace parktwin::scenarios {

namespace {

namespace fs = std::filesystem;

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

[[noreturn]] void fail_at(const std::string& path, const toml::node& n, const std::string& key,
                          const std::string& message, const std::string& expected,
                          const std::string& found = {}) {
  throw Error(message).in_file(path).at_line(line_of(n)).field(key).expected(expected).found(found);
}

void reject_unknown(const std::string& path, const toml::table& t, const std::string& prefix,
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

double positive_number(const std::string& path, const toml::table& t, const char* key,
                       double fallback) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return fallback;
  std::optional<double> v = n->value<double>();
  if (!v || !(n->is_number())) fail_at(path, *n, key, "wrong type", "a number of seconds");
  if (!(*v > 0.0) || !std::isfinite(*v)) {
    fail_at(path, *n, key, "must be positive and finite", "> 0", fmt::format("{}", *v));
  }
  return *v;
}

std::string input_file(const std::string& path, const toml::table& t, const char* key,
                       const std::string& section) {
  const toml::node* n = t.get(key);
  const std::string field = section + "." + key;
  if (n == nullptr) {
    throw Error("missing required key").in_file(path).field(field).expected("a file path");
  }
  if (!n->is_string()) fail_at(path, *n, field, "wrong type", "a file path string");
  const fs::path rel = n->value<std::string>().value();
  const fs::path resolved = rel.is_absolute() ? rel : fs::path(path).parent_path() / rel;
  if (!fs::is_regular_file(resolved)) {
    fail_at(path, *n, field, "input file not found", "an existing file", resolved.string());
  }
  return resolved.lexically_normal().string();
}

}  // namespace

Manifest load_manifest(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    if (!fs::exists(path))
      throw Error("cannot open scenario").in_file(path).expected("a TOML manifest");
    throw Error(std::string(e.description()))
        .in_file(path)
        .at_line(static_cast<int>(e.source().begin.line),
                 static_cast<int>(e.source().begin.column));
  }
  reject_unknown(path, root, "", {"name", "description", "duration", "step", "seed", "traffic"});
  Manifest m;
  m.path = path;
  auto text = [&](const char* key, std::string fallback) {
    const toml::node* n = root.get(key);
    if (n == nullptr) return fallback;
    if (!n->is_string()) fail_at(path, *n, key, "wrong type", "a string");
    return n->value<std::string>().value();
  };
  m.name = text("name", fs::path(path).stem().string());
  m.description = text("description", "");
  m.duration_s = positive_number(path, root, "duration", m.duration_s);
  m.step_s = positive_number(path, root, "step", m.step_s);
  if (const toml::node* n = root.get("seed")) {
    const auto v = n->value<std::int64_t>();
    if (!n->is_integer() || !v || *v < 0) fail_at(path, *n, "seed", "bad seed", "an integer >= 0");
    m.seed = static_cast<std::uint64_t>(*v);
  }
  const toml::node* traffic = root.get("traffic");
  if (traffic == nullptr || !traffic->is_table()) {
    throw Error("missing [traffic] section")
        .in_file(path)
        .field("traffic")
        .expected("a table with network and demand");
  }
  const toml::table& t = *traffic->as_table();
  reject_unknown(path, t, "traffic.", {"network", "demand"});
  m.network_path = input_file(path, t, "network", "traffic");
  m.demand_path = input_file(path, t, "demand", "traffic");
  return m;
}

}  // namespace parktwin::scenarios
