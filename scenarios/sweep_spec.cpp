// A sweep's specification and its variants' manifests. See sweep_spec.h.

#include "scenarios/sweep_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.h"
#include "engine/rng.h"
#include "scenarios/manifest.h"
#include "scenarios/toml_fields.h"

namespace parktwin::scenarios {

namespace {

namespace fs = std::filesystem;
using namespace toml_fields;

constexpr int kMaxSeeds = 100'000;
constexpr std::size_t kMaxRuns = 1'000'000;

// The Latin hypercube's draws: each parameter's permutation of strata, and the point within.
enum class LhsStream : std::uint32_t { permute = 701, within = 702 };

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
    out = std::to_string(*integer_of(n));
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

// A float as TOML text: 6 significant digits (a sampled value need not carry 17), still a
// TOML float.
std::string float_text(double v) {
  std::string out = fmt::format("{:.6g}", v);
  if (out.find_first_of(".eEn") == std::string::npos) out += ".0";
  return out;
}

// A value of an event's key (a scalar, or an array such as a signal plan's phases) as TOML
// text; false for a table.
bool value_text(const toml::node& n, std::string& out) {
  if (scalar_text(n, out)) return true;
  const toml::array* a = n.as_array();
  if (a == nullptr) return false;
  std::ostringstream o;
  o << *a;
  out = o.str();
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

// `n` variants by Latin hypercube sampling (McKay, Beckman & Conover, Technometrics 21 (1979)
// 239): each parameter's [0, 1) cut into n strata, every stratum used once, in an order of
// its own (a seeded Fisher-Yates permutation), a uniform point within; a range maps it
// linearly, a list to its values by equal shares.
std::vector<SweepVariant> latin_hypercube(const SweepSpec& spec, std::size_t n) {
  std::vector<SweepVariant> variants(n);
  for (std::size_t i = 0; i < n; ++i) {
    variants[i].name = fmt::format("v{:03}", i);
    variants[i].values.resize(spec.parameters.size());
  }
  std::vector<std::size_t> stratum(n);
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const SweepParameter& p = spec.parameters[k];
    const auto entity = static_cast<std::uint32_t>(k);
    for (std::size_t i = 0; i < n; ++i) stratum[i] = i;
    for (std::size_t i = n; i > 1; --i) {
      const auto j = static_cast<std::size_t>(
          rng::uniform(spec.sample_seed, LhsStream::permute, entity, i) * static_cast<double>(i));
      std::swap(stratum[i - 1], stratum[std::min(j, i - 1)]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const double u = (static_cast<double>(stratum[i]) +
                        rng::uniform(spec.sample_seed, LhsStream::within, entity, i)) /
                       static_cast<double>(n);
      std::string& text = variants[i].values[k];
      if (!p.range) {
        const auto m = p.values.size();
        text = p.values[std::min(m - 1, static_cast<std::size_t>(u * static_cast<double>(m)))];
      } else if (p.integer) {
        const double whole = std::floor(p.min + u * (p.max - p.min + 1.0));
        text = fmt::format("{}", static_cast<std::int64_t>(std::min(whole, p.max)));
      } else {
        text = float_text(p.min + u * (p.max - p.min));
      }
    }
  }
  return variants;
}

}  // namespace

SweepSpec read_sweep_spec(const std::string& path) {
  const toml::table root = parse_toml_file(path, "sweep");
  reject_unknown(path, root, "",
                 {"base", "seeds", "sample", "samples", "sample_seed", "events", "parameters"});
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
    const std::optional<std::int64_t> v = integer_of(*s);
    if (!s->is_integer() || !v || *v < 1 || *v > kMaxSeeds) {
      fail_at(path, *s, "seeds", "seeds out of range",
              fmt::format("an integer 1..{} (each variant runs seeds 1..N)", kMaxSeeds), brief(*s));
    }
    spec.seeds = static_cast<int>(*v);
  }
  if (const toml::node* s = root.get("sample")) {
    const std::optional<std::string> v = s->value<std::string>();
    if (!s->is_string() || !v || (*v != "grid" && *v != "list" && *v != "latin_hypercube")) {
      fail_at(path, *s, "sample", "unknown sampling",
              "\"grid\" (every combination), \"list\" (the i-th value of each) or "
              "\"latin_hypercube\" (`samples` variants, stratified)",
              brief(*s));
    }
    spec.sample = *v;
  }
  const bool lhs = spec.sample == "latin_hypercube";
  if (const toml::node* n = root.get("samples")) {
    const std::optional<std::int64_t> v = integer_of(*n);
    if (!lhs) {
      fail_at(path, *n, "samples", "samples without a Latin hypercube",
              "sample = \"latin_hypercube\" with it, or no samples", brief(*n));
    }
    if (!n->is_integer() || !v || *v < 1 || *v > static_cast<std::int64_t>(kMaxRuns)) {
      fail_at(path, *n, "samples", "samples out of range",
              fmt::format("an integer 1..{} (the variants drawn)", kMaxRuns), brief(*n));
    }
    spec.samples = static_cast<int>(*v);
  } else if (lhs) {
    throw Error("a Latin hypercube without its size")
        .in_file(path)
        .field("samples")
        .expected("samples = N (the variants drawn)");
  }
  if (const toml::node* n = root.get("sample_seed")) {
    const std::optional<std::int64_t> v = integer_of(*n);
    if (!lhs || !n->is_integer() || !v || *v < 0) {
      fail_at(path, *n, "sample_seed", lhs ? "sample_seed out of range" : "sample_seed unused",
              lhs ? "an integer >= 0" : "sample = \"latin_hypercube\" with it", brief(*n));
    }
    spec.sample_seed = static_cast<std::uint64_t>(*v);
  }
  if (const toml::node* n = root.get("events")) {
    if (!n->is_array_of_tables()) {
      fail_at(path, *n, "events", "wrong type", "[[events]] tables", brief(*n));
    }
    for (const toml::node& e : *n->as_array()) {
      SweepEvent ev;
      ev.line = line_of(e);
      for (const auto& [key, value] : *e.as_table()) {
        std::string text;
        if (!value_text(value, text)) {
          fail_at(path, value, fmt::format("events.{}.{}", spec.events.size(), key.str()),
                  "wrong type", "a number, string, boolean or array", brief(value));
        }
        ev.keys.emplace_back(std::string(key.str()), text);
      }
      // In the spec's order (toml++ keeps a table's keys sorted).
      std::vector<int> lines;
      for (const auto& [key, value] : *e.as_table()) lines.push_back(line_of(value));
      std::vector<std::size_t> order(ev.keys.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return lines[a] < lines[b]; });
      std::vector<std::pair<std::string, std::string>> sorted;
      for (const std::size_t i : order) sorted.push_back(ev.keys[i]);
      ev.keys = std::move(sorted);
      spec.events.push_back(std::move(ev));
    }
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
    if (p.key.starts_with("events.")) {
      // events.N.KEY: a key of the spec's N-th [[events]] table (from 0).
      const std::size_t dot = p.key.find('.', 7);
      const std::string index = p.key.substr(7, dot == std::string::npos ? dot : dot - 7);
      const bool digits = !index.empty() && index.size() <= 6 &&
                          index.find_first_not_of("0123456789") == std::string::npos;
      if (dot == std::string::npos || !digits || std::stoul(index) >= spec.events.size()) {
        fail_at(path, node, field, "no such sweep event",
                spec.events.empty()
                    ? std::string("[[events]] in the spec, whose keys events.N.KEY then vary "
                                  "(events of the base add up and are not swept)")
                    : fmt::format("events.N.KEY with N in 0..{} (the spec's [[events]])",
                                  spec.events.size() - 1),
                p.key);
      }
    }
    if (const toml::table* t = node.as_table()) {
      // A range, for a Latin hypercube.
      if (!lhs) {
        fail_at(path, node, field, "a range without a Latin hypercube",
                "a list of values, or sample = \"latin_hypercube\"", brief(node));
      }
      reject_unknown(path, *t, field + ".", {"min", "max"});
      const toml::node* lo = t->get("min");
      const toml::node* hi = t->get("max");
      if (lo == nullptr || hi == nullptr || !lo->is_number() || !hi->is_number()) {
        fail_at(path, node, field, "a range needs its bounds", "{ min = NUMBER, max = NUMBER }",
                brief(node));
      }
      p.range = true;
      p.integer = lo->is_integer() && hi->is_integer();
      p.min = *number_of(*lo);
      p.max = *number_of(*hi);
      if (!(p.min < p.max) || !std::isfinite(p.min) || !std::isfinite(p.max)) {
        fail_at(path, node, field, "an empty range", "finite min < max",
                fmt::format("min = {}, max = {}", p.min, p.max));
      }
      spec.parameters.push_back(std::move(p));
      continue;
    }
    if (!node.is_array()) {
      fail_at(path, node, field, "wrong type",
              lhs ? "a list of values or { min = ..., max = ... }" : "a list of values",
              brief(node));
    }
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
  if (lhs) {
    count = static_cast<std::size_t>(spec.samples);
  } else if (spec.sample == "list") {
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
  if (lhs) {
    spec.variants = latin_hypercube(spec, count);
    return spec;
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
    if (key.starts_with("events.")) continue;  // below, in their events
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
  // The spec's events, added to the base's, their swept keys set.
  for (std::size_t e = 0; e < spec.events.size(); ++e) {
    std::vector<std::pair<std::string, std::string>> keys = spec.events[e].keys;
    const std::string prefix = fmt::format("events.{}.", e);
    for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
      const std::string& key = spec.parameters[k].key;
      if (!key.starts_with(prefix)) continue;
      const std::string name = key.substr(prefix.size());
      const auto it =
          std::find_if(keys.begin(), keys.end(), [&](const auto& kv) { return kv.first == name; });
      if (it != keys.end()) {
        it->second = v.values[k];
      } else {
        keys.emplace_back(name, v.values[k]);
      }
    }
    out += "\n[[events]]\n";
    for (const auto& [key, text] : keys) out += fmt::format("{} = {}\n", key, text);
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
      // Name the parameter that brought the manifest's objection, where one did. The
      // manifest numbers events after the base's: events[i] is the spec's event i - (base's).
      std::string field = e.context().field;
      int line = 0;
      if (field.starts_with("events[") && field.find(']') != std::string::npos) {
        const std::size_t close = field.find(']');
        const auto base_events = static_cast<long>(load_manifest(spec.base).events.size());
        const long j = std::strtol(field.c_str() + 7, nullptr, 10) - base_events;
        if (j >= 0 && j < static_cast<long>(spec.events.size())) {
          line = spec.events[static_cast<std::size_t>(j)].line;
          field = fmt::format("events.{}{}", j, field.substr(close + 1));
        }
      }
      std::string key;
      for (const SweepParameter& p : spec.parameters) {
        if (field == p.key || field.starts_with(p.key + ".") || field.starts_with(p.key + "[")) {
          line = p.line, key = p.key;
        }
      }
      throw Error(fmt::format("variant {} is not a valid scenario: {}", v.name, e.message()))
          .in_file(spec.path)
          .at_line(line)
          .field(key.empty() ? field : "parameters." + key)
          .expected(e.context().expected)
          .found(e.context().found);
    }
  }
}

}  // namespace parktwin::scenarios
