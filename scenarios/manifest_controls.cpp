#include "scenarios/manifest_controls.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "engine/calendar.h"
#include "scenarios/toml_fields.h"

namespace parktwin::scenarios {

namespace fs = std::filesystem;

namespace {

using namespace toml_fields;

double seconds_of(const toml::date_time& t) {
  const long long days = days_from_civil(t.date.year, t.date.month, t.date.day);
  return static_cast<double>(days) * 86400.0 + t.time.hour * 3600.0 + t.time.minute * 60.0 +
         t.time.second + t.time.nanosecond * 1e-9;
}

const char* const kEventKeys[] = {"at",     "type",   "road",  "lane",  "junction",
                                  "phases", "factor", "until", "delta", "feeder"};

// Keys each type takes.
constexpr std::string_view kRoadKeys[] = {"at", "type", "road"};
constexpr std::string_view kLaneKeys[] = {"at", "type", "road", "lane"};
constexpr std::string_view kPlanKeys[] = {"at", "type", "junction", "phases"};
constexpr std::string_view kDemandKeys[] = {"at", "type", "factor", "until"};
constexpr std::string_view kHeatWaveKeys[] = {"at", "type", "delta", "until"};
constexpr std::string_view kOutageKeys[] = {"at", "type", "feeder", "until"};

std::span<const std::string_view> keys_of(const std::string& type) {
  if (type == "close_road" || type == "open_road") return kRoadKeys;
  if (type == "close_lane" || type == "open_lane") return kLaneKeys;
  if (type == "signal_plan") return kPlanKeys;
  if (type == "heat_wave") return kHeatWaveKeys;
  if (type == "feeder_outage") return kOutageKeys;
  return kDemandKeys;  // demand_multiplier
}

// "a, b, c"
template <class Names>
std::string listed(const Names& names) {
  std::string text;
  for (const auto& name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

// A time of the event: seconds after the start, or a local date-time converted with `start`.
double event_time(const std::string& path, const toml::node& n, const std::string& key,
                  const toml::date_time& start) {
  if (n.is_date_time()) {
    const auto t = n.value<toml::date_time>();
    if (!t || t->offset) {
      fail_at(path, n, key, "wrong type", "seconds after the start or a local date-time");
    }
    return seconds_of(*t) - seconds_of(start);
  }
  const std::optional<double> v = number_of(n);
  if (!n.is_number() || !v || !std::isfinite(*v)) {
    fail_at(path, n, key, "wrong type",
            "seconds after the start, or a local date-time such as 2026-07-15T08:30:00");
  }
  return *v;
}

const toml::node& required(const std::string& path, const toml::table& e, const char* key,
                           const std::string& field, const toml::node& where,
                           const std::string& expected) {
  const toml::node* n = e.get(key);
  if (n == nullptr) {
    throw Error("missing required key")
        .in_file(file_of(where, path))
        .at_line(line_of(where))
        .field(field)
        .expected(expected);
  }
  return *n;
}

std::string required_string(const std::string& path, const toml::table& e, const char* key,
                            const std::string& field, const toml::node& where) {
  const toml::node& n = required(path, e, key, field, where, "a string");
  if (!n.is_string()) fail_at(path, n, field, "wrong type", "a string");
  return n.value<std::string>().value();
}

// The optional end of an event's window (`until`, like `at`), after its start.
void read_until(const std::string& path, const toml::table& e, const std::string& at,
                const toml::date_time& start, EventSpec& spec) {
  const toml::node* u = e.get("until");
  if (u == nullptr) return;
  spec.until_s = event_time(path, *u, at + ".until", start);
  if (!(spec.until_s > spec.at_s)) {
    fail_at(path, *u, at + ".until", "window ends before it starts",
            fmt::format("a time after at ({} s)", spec.at_s), fmt::format("{} s", spec.until_s));
  }
}

}  // namespace

std::vector<EventSpec> read_events(const std::string& path, const toml::table& root,
                                   const toml::date_time& start, double duration_s) {
  std::vector<EventSpec> out;
  const toml::node* events = root.get("events");
  if (events == nullptr) return out;
  if (!events->is_array_of_tables()) {
    fail_at(path, *events, "events", "wrong type", "[[events]] tables");
  }
  std::size_t i = 0;
  for (const toml::node& node : *events->as_array()) {
    const toml::table& e = *node.as_table();
    const std::string at = fmt::format("events[{}]", i++);
    EventSpec spec;
    spec.file = file_of(node, path);
    spec.line = line_of(node);
    spec.type = required_string(path, e, "type", at + ".type", node);
    bool known = false;
    for (const char* t : kEventTypes) known = known || spec.type == t;
    if (!known) {
      fail_at(path, *e.get("type"), at + ".type", "unknown event type",
              "one of: " + listed(kEventTypes), spec.type);
    }
    for (const auto& [key, value] : e) {
      bool ok = false;
      for (const std::string_view k : keys_of(spec.type)) ok = ok || key.str() == k;
      if (!ok) {
        const std::string allowed = listed(keys_of(spec.type));
        bool other_type = false;
        for (const char* k : kEventKeys) other_type = other_type || key.str() == k;
        fail_at(path, value, at + "." + std::string(key.str()),
                other_type ? "key not taken by this event type" : "unknown key",
                "for type '" + spec.type + "': " + allowed);
      }
    }
    const toml::node& when =
        required(path, e, "at", at + ".at", node, "seconds after the start or a local date-time");
    spec.at_s = event_time(path, when, at + ".at", start);
    if (spec.at_s < 0.0 || spec.at_s >= duration_s) {
      fail_at(path, when, at + ".at", "event outside the simulated time",
              fmt::format("0 <= at < duration ({} s)", duration_s),
              fmt::format("{} s after the start", spec.at_s));
    }
    if (spec.type == "signal_plan") {
      spec.junction = required_string(path, e, "junction", at + ".junction", node);
      const toml::node& phases =
          required(path, e, "phases", at + ".phases", node, "an array of phase durations (s)");
      const toml::array* a = phases.as_array();
      double cycle = 0.0;
      if (a == nullptr || a->empty()) {
        fail_at(path, phases, at + ".phases", "wrong type", "an array of phase durations (s)");
      }
      for (const toml::node& d : *a) {
        const std::optional<double> v = number_of(d);
        if (!d.is_number() || !v || !std::isfinite(*v) || *v < 0.0) {
          fail_at(path, d, at + ".phases", "bad phase duration", "a number of seconds >= 0");
        }
        spec.phases_s.push_back(*v);
        cycle += *v;
      }
      if (!(cycle > 0.0)) {
        fail_at(path, phases, at + ".phases", "signal plan has a cycle of 0 s", "a cycle > 0 s");
      }
    } else if (spec.type == "heat_wave") {
      // A shift of the weather file's outdoor temperature: +4 K over a few days is a strong
      // heat wave for Shanghai; 20 K either way is no longer weather.
      const toml::node& d =
          required(path, e, "delta", at + ".delta", node, "a temperature change in K");
      const std::optional<double> v = number_of(d);
      if (!d.is_number() || !v || !std::isfinite(*v) || std::abs(*v) > 20.0) {
        fail_at(path, d, at + ".delta", "bad heat wave", "a number of K in [-20, 20]");
      }
      spec.delta_c = *v;
      read_until(path, e, at, start, spec);
    } else if (spec.type == "feeder_outage") {
      spec.feeder = required_string(path, e, "feeder", at + ".feeder", node);
      read_until(path, e, at, start, spec);
    } else if (spec.type == "demand_multiplier") {
      const toml::node& f = required(path, e, "factor", at + ".factor", node, "a number >= 0");
      const std::optional<double> v = number_of(f);
      if (!f.is_number() || !v || !std::isfinite(*v) || *v < 0.0) {
        fail_at(path, f, at + ".factor", "bad demand multiplier", "a number >= 0");
      }
      spec.factor = *v;
      read_until(path, e, at, start, spec);
    } else {
      spec.road = required_string(path, e, "road", at + ".road", node);
      if (spec.type == "close_lane" || spec.type == "open_lane") {
        const toml::node& l =
            required(path, e, "lane", at + ".lane", node, "a lane index (0 = leftmost)");
        const std::optional<std::int64_t> v = integer_of(l);
        if (!l.is_integer() || !v || *v < 0) {
          fail_at(path, l, at + ".lane", "bad lane index", "an integer >= 0 (0 = leftmost)");
        }
        spec.lane = *v;
      }
    }
    out.push_back(std::move(spec));
  }
  return out;
}

SignalControlSpec read_controllers(const std::string& path, const toml::table& root) {
  SignalControlSpec spec;
  const toml::node* node = root.get("controllers");
  if (node == nullptr) return spec;
  if (!node->is_table()) fail_at(path, *node, "controllers", "wrong type", "a table");
  const toml::table& c = *node->as_table();
  spec.file = file_of(*node, path);
  spec.line = line_of(*node);
  reject_unknown(
      path, c, "controllers.",
      {"signals", "min_green", "max_green", "junctions", "batteries", "charging", "energy"});
  const auto one_of = [&](const char* key, std::initializer_list<std::string_view> names,
                          std::string& out) {
    const toml::node* n = c.get(key);
    if (n == nullptr) return;
    const std::optional<std::string> v = n->value<std::string>();
    bool ok = false;
    std::string list;
    for (const std::string_view name : names) {
      ok = ok || (v && *v == name);
      list += (list.empty() ? "\"" : ", \"") + std::string(name) + "\"";
    }
    if (!n->is_string() || !ok) {
      fail_at(path, *n, std::string("controllers.") + key, "unknown policy", "one of " + list,
              v.value_or(""));
    }
    out = *v;
  };
  one_of("batteries", {"time_of_use", "self_consumption", "idle", "peak_shaving"}, spec.batteries);
  one_of("charging", {"immediate", "delayed", "edf", "llf"}, spec.charging);
  const auto policy = [&](const toml::node& n, const std::string& key) {
    const std::optional<std::string> v = n.value<std::string>();
    if (!n.is_string() || !v || !traffic::parse_signal_policy(*v)) {
      fail_at(path, n, key, "unknown signal policy",
              "one of " + traffic::signal_policy_names() + " or \"policy:DIR\"", v.value_or(""));
    }
    return *v;
  };
  constexpr std::string_view kPolicyPrefix = "policy:";
  // "policy:DIR": the folder of a trained policy, resolved against the manifest's folder.
  const auto policy_folder = [&](const toml::node& n, const std::string& key) {
    const std::string v = n.value<std::string>().value_or("");
    const fs::path rel(v.substr(kPolicyPrefix.size()));
    if (rel.empty()) {
      fail_at(path, n, key, "policy without a folder",
              "\"policy:DIR\" with the folder parktwin train wrote", v);
    }
    const fs::path dir = rel.is_absolute() ? rel : fs::path(file_of(n, path)).parent_path() / rel;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      fail_at(path, n, key, "policy folder not found", "a folder written by parktwin train",
              dir.lexically_normal().string());
    }
    return dir.lexically_normal().string();
  };
  if (const toml::node* s = c.get("signals")) {
    const std::optional<std::string> v = s->value<std::string>();
    if (v && v->starts_with(kPolicyPrefix)) {
      // A trained policy runs every signal as an agent of the control surface.
      spec.signals = traffic::signal_policy_name(traffic::SignalPolicy::agent);
      spec.policy_path = policy_folder(*s, "controllers.signals");
    } else {
      spec.signals = policy(*s, "controllers.signals");
    }
  }
  if (const toml::node* e = c.get("energy")) {
    // A trained energy policy drives the district's batteries, charging and HVAC (the tools
    // load it: ai/learn/energy_agent.h); the rules run them otherwise.
    const std::optional<std::string> v = e->value<std::string>();
    if (!e->is_string() || !v || (!v->starts_with(kPolicyPrefix) && *v != "rules")) {
      fail_at(path, *e, "controllers.energy", "unknown energy control",
              "\"rules\" or \"policy:DIR\" with the folder parktwin train --control wrote",
              v.value_or(""));
    }
    if (*v != "rules") spec.energy_policy_path = policy_folder(*e, "controllers.energy");
  }
  spec.min_green_s = positive_number(path, c, "min_green", spec.min_green_s);
  spec.max_green_s = positive_number(path, c, "max_green", spec.max_green_s);
  if (spec.max_green_s < spec.min_green_s) {
    fail_at(path, *c.get(c.contains("max_green") ? "max_green" : "min_green"),
            "controllers.max_green", "max_green below min_green",
            fmt::format("a number of seconds >= min_green ({})", spec.min_green_s),
            fmt::format("{}", spec.max_green_s));
  }
  if (const toml::node* j = c.get("junctions")) {
    if (!j->is_table()) fail_at(path, *j, "controllers.junctions", "wrong type", "a table");
    for (const auto& [id, value] : *j->as_table()) {
      const std::string key = "controllers.junctions." + std::string(id.str());
      spec.junctions.emplace_back(std::string(id.str()), policy(value, key));
    }
  }
  return spec;
}

}  // namespace parktwin::scenarios
