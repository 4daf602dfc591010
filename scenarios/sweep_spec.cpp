// A sweep's specification and its variants' manifests. See sweep_spec.h.

#include "scenarios/sweep_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.h"
#include "scenarios/manifest.h"
#include "scenarios/toml_fields.h"

namespace parktwin::scenarios {

namespace {

namespace fs = std::filesystem;
using namespace toml_fields;

constexpr int kMaxSeeds = 100'000;
constexpr std::size_t kMaxRuns = 1'000'000;

std::string toml_string(const std::string& s) {
  std::ostringstream o;
  o << toml::value<std::string>(s);
  return o.str();
}

// A scalar as TOML text; false for anything else (tables, arrays, dates are not swept).
bool scalar_text(const toml::node& n, std::string& out) {
  if (n.is_string()) {
    out = toml_string(*n.value<std::string>());
  } else if (n.is_integer()) {
    out = std::to_string(*n.value<std::int64_t>());
  } else if (n.is_floating_point()) {
    // The shortest text that reads back as the same double, still a TOML float.
    const double v = *n.value<double>();
    out = std::isfinite(v) ? fmt::format("{}", v)
                           : (std::isnan(v) ? "nan"
                              : v > 0       ? "inf"
                                            : "-inf");
    if (out.find_first_of(".eEn") == std::string::npos) out += ".0";
  } else if (n.is_boolean()) {
    out = *n.value<bool>() ? "true" : "false";
  } else {
    return false;
  }
  return true;
}

bool valid_key(const std::string& key) {
  if (key.empty() || key.front() == '.' || key.back() == '.') return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || (c == '.' && key[i + 1] != '.');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

SweepSpec read_sweep_spec(const std::string& path) {
  const toml::table root = parse_toml_file(path, "sweep");
  reject_unknown(path, root, "", {"base", "seeds", "sample", "parameters"});
  SweepSpec spec;
  spec.path = path;
  const toml::node* base = root.get("base");
  if (base == nullptr) {
    throw Error("sweep without a base scenario")
        .in_file(path)
        .field("base")
        .expected("base = \"SCENARIO.toml\"");
  }
  if (!base->is_string()) fail_at(path, *base, "base", "wrong type", "a path", brief(*base));
  const fs::path rel(*base->value<std::string>());
  const fs::path abs = rel.is_absolute() ? rel : fs::path(path).parent_path() / rel;
  std::error_code ec;
  if (!fs::is_regular_file(abs, ec)) {
    fail_at(path, *base, "base", "base scenario not found", "a scenario manifest",
            abs.lexically_normal().string());
  }
  spec.base = fs::absolute(abs).lexically_normal().string();
  if (const toml::node* s = root.get("seeds")) {
    const std::optional<std::int64_t> v = s->value<std::int64_t>();
    if (!s->is_integer() || !v || *v < 1 || *v > kMaxSeeds) {
      fail_at(path, *s, "seeds", "seeds out of range",
              fmt::format("an integer 1..{} (each variant runs seeds 1..N)", kMaxSeeds), brief(*s));
    }
    spec.seeds = static_cast<int>(*v);
  }
  if (const toml::node* s = root.get("sample")) {
    const std::optional<std::string> v = s->value<std::string>();
    if (!s->is_string() || !v || (*v != "grid" && *v != "list")) {
      fail_at(path, *s, "sample", "unknown sampling",
              "\"grid\" (every combination) or \"list\" (the i-th value of each)", brief(*s));
    }
    spec.sample = *v;
  }
  const toml::node* params = root.get("parameters");
  if (params == nullptr || !params->is_table() || params->as_table()->empty()) {
    throw Error("sweep without parameters")
        .in_file(path)
        .field("parameters")
        .expected("[parameters] with at least one \"manifest.key\" = [values]");
  }
  for (const auto& [key, node] : *params->as_table()) {
    SweepParameter p;
    p.key = std::string(key.str());
    p.line = line_of(node);
    const std::string field = "parameters." + p.key;
    if (!valid_key(p.key)) {
      fail_at(path, node, field, "not a manifest key", "a dotted key such as \"traffic.ev_share\"",
              p.key);
    }
    if (p.key == "extends" || p.key == "seed") {
      fail_at(path, node, field, "not a key a sweep may vary",
              p.key == "seed" ? "seeds = N (every variant runs seeds 1..N)" : "another key", p.key);
    }
    if (!node.is_array()) fail_at(path, node, field, "wrong type", "a list of values", brief(node));
    const toml::array& values = *node.as_array();
    if (values.empty()) fail_at(path, node, field, "empty parameter list", "at least one value");
    for (const toml::node& v : values) {
      std::string text;
      if (!scalar_text(v, text)) {
        fail_at(path, v, field, "wrong type", "numbers, strings or booleans", brief(v));
      }
      if (v.type() != values[0].type() && !(v.is_number() && values[0].is_number())) {
        fail_at(path, v, field, "values of different types",
                fmt::format("values like the first ({})", brief(values[0])), brief(v));
      }
      p.values.push_back(text);
    }
    spec.parameters.push_back(std::move(p));
  }
  // In the spec's order (toml++ keeps a table's keys sorted).
  std::stable_sort(spec.parameters.begin(), spec.parameters.end(),
                   [](const auto& a, const auto& b) { return a.line < b.line; });
  // The variants.
  std::size_t count = 1;
  if (spec.sample == "list") {
    count = spec.parameters.front().values.size();
    for (const SweepParameter& p : spec.parameters) {
      if (p.values.size() != count) {
        throw Error("lists of different lengths")
            .in_file(path)
            .at_line(p.line)
            .field("parameters." + p.key)
            .expected(fmt::format("{} values, as {} has (sample = \"list\")", count,
                                  spec.parameters.front().key))
            .found(std::to_string(p.values.size()));
      }
    }
  } else {
    for (const SweepParameter& p : spec.parameters) {
      count *= p.values.size();
      if (count * static_cast<std::size_t>(spec.seeds) > kMaxRuns) break;
    }
  }
  if (count * static_cast<std::size_t>(spec.seeds) > kMaxRuns) {
    throw Error("sweep too large")
        .in_file(path)
        .expected(fmt::format("at most {} runs (variants x seeds)", kMaxRuns));
  }
  for (std::size_t i = 0; i < count; ++i) {
    SweepVariant v;
    v.name = fmt::format("v{:03}", i);
    std::size_t rest = i;
    std::vector<std::string> values(spec.parameters.size());
    for (std::size_t k = spec.parameters.size(); k-- > 0;) {
      const auto& vals = spec.parameters[k].values;
      values[k] = spec.sample == "list" ? vals[i] : vals[rest % vals.size()];
      rest /= spec.sample == "list" ? 1 : vals.size();
    }
    v.values = std::move(values);
    spec.variants.push_back(std::move(v));
  }
  return spec;
}

std::string variant_manifest(const SweepSpec& spec, const SweepVariant& v) {
  // Keys at the top first, then one table per dotted prefix, in the spec's order.
  std::string top, tables;
  std::vector<std::string> sections;
  std::vector<std::string> bodies;
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const std::string& key = spec.parameters[k].key;
    const std::size_t dot = key.rfind('.');
    if (dot == std::string::npos) {
      top += fmt::format("{} = {}\n", key, v.values[k]);
      continue;
    }
    const std::string section = key.substr(0, dot);
    const auto it = std::find(sections.begin(), sections.end(), section);
    const std::size_t s = static_cast<std::size_t>(it - sections.begin());
    if (it == sections.end()) sections.push_back(section), bodies.emplace_back();
    bodies[s] += fmt::format("{} = {}\n", key.substr(dot + 1), v.values[k]);
  }
  std::string out = fmt::format("# {} of the sweep {}\nextends = {}\n", v.name, spec.path,
                                toml_string(spec.base));
  out += top;
  for (std::size_t s = 0; s < sections.size(); ++s) {
    out += fmt::format("\n[{}]\n{}", sections[s], bodies[s]);
  }
  return out;
}

void write_and_check_variants(const SweepSpec& spec, const std::string& dir) {
  fs::create_directories(dir);
  for (const SweepVariant& v : spec.variants) {
    const std::string file = (fs::path(dir) / (v.name + ".toml")).string();
    {
      std::ofstream out(file);
      out << variant_manifest(spec, v);
      if (!out) throw Error("cannot write a variant's manifest").in_file(file);
    }
    try {
      (void)load_manifest(file);
    } catch (const Error& e) {
      // Name the parameter that brought the manifest's objection, where one did.
      const std::string& field = e.context().field;
      int line = 0;
      std::string key;
      for (const SweepParameter& p : spec.parameters) {
        if (field == p.key || field.starts_with(p.key + ".") || field.starts_with(p.key + "[")) {
          line = p.line, key = p.key;
        }
      }
      throw Error(fmt::format("variant {} is not a valid scenario: {}", v.name, e.message()))
          .in_file(spec.path)
          .at_line(line)
          .field("parameters." + (key.empty() ? field : key))
          .expected(e.context().expected)
          .found(e.context().found);
    }
  }
}

}  // namespace parktwin::scenarios
