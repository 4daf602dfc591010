#include "scenarios/manifest.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "engine/calendar.h"
#include "engine/error.h"
#include "engine/input_file.h"
#include "scenarios/manifest_controls.h"
#include "scenarios/sumo/sumo.h"
#include "scenarios/toml_fields.h"

namespace parktwin::scenarios {

namespace {

namespace fs = std::filesystem;
using namespace toml_fields;

toml::table parse(const std::string& path) {
  if (std::string why; !is_input_file(path, why)) {
    throw Error("cannot open scenario")
        .in_file(path)
        .expected("a TOML manifest")
        .found(why == "no such file" ? "" : why);
  }
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    if (!fs::exists(path))
      throw Error("cannot open scenario").in_file(path).expected("a TOML manifest");
    throw Error(std::string(e.description()))
        .in_file(path)
        .at_line(static_cast<int>(e.source().begin.line),
                 static_cast<int>(e.source().begin.column));
  }
}

// `over` on top of `base`: tables merge key by key, anything else replaces. Nodes are moved,
// not copied: toml++ keeps a node's source (file and line, for errors) only through a move.
void merge(toml::table& base, toml::table&& over) {
  for (auto&& [key, node] : over) {
    toml::node* mine = base.get(key);
    if (mine != nullptr && mine->is_table() && node.is_table()) {
      merge(*mine->as_table(), std::move(*node.as_table()));
    } else {
      base.insert_or_assign(key, std::move(node));
    }
  }
}

// The manifest at `path` merged onto the bases it extends; `chain` holds the files being
// read, to catch a cycle.
toml::table load_merged(const std::string& path, std::vector<std::string>& chain,
                        std::vector<std::string>& bases) {
  toml::table own = parse(path);
  const toml::node* extends = own.get("extends");
  if (extends == nullptr) return own;
  if (!extends->is_string()) fail_at(path, *extends, "extends", "wrong type", "a file path");
  const fs::path rel = extends->value<std::string>().value();
  const fs::path base_path =
      (rel.is_absolute() ? rel : fs::path(path).parent_path() / rel).lexically_normal();
  if (std::string why; !is_input_file(base_path.string(), why)) {
    fail_at(path, *extends, "extends", "base scenario not found", "an existing manifest",
            base_path.string() + (why == "no such file" ? "" : ": " + why));
  }
  std::error_code ec;
  const std::string canonical = fs::canonical(base_path, ec).string();
  for (const std::string& seen : chain) {
    if (seen == canonical) {
      std::string cycle;
      for (const std::string& c : chain) cycle += c + " -> ";
      fail_at(path, *extends, "extends", "cyclic extends", "a chain of bases that ends",
              cycle + canonical);
    }
  }
  chain.push_back(canonical);
  bases.push_back(base_path.string());
  toml::table merged = load_merged(base_path.string(), chain, bases);
  chain.pop_back();
  own.erase("extends");
  // Events add up: a what-if's [[events]] happen besides its base's.
  toml::array* base_events = merged.get_as<toml::array>("events");
  toml::array* own_events = own.get_as<toml::array>("events");
  if (base_events != nullptr && own_events != nullptr) {
    for (auto&& e : *own_events) base_events->push_back(std::move(e));
    own.erase("events");
  }
  merge(merged, std::move(own));
  return merged;
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
  // Relative to the file that names it, which may be a base this one extends.
  const fs::path resolved =
      rel.is_absolute() ? rel : fs::path(file_of(*n, path)).parent_path() / rel;
  if (std::string why; !is_input_file(resolved.string(), why)) {
    fail_at(path, *n, field, "input file not found", "an existing file",
            resolved.string() + (why == "no such file" ? "" : ": " + why));
  }
  return resolved.lexically_normal().string();
}

// What a SUMO configuration gives a manifest: network and demand (the configuration stands for
// both, traffic_inputs.h), and unless the manifest says otherwise the duration (end - begin),
// the step, the seed and the start (the begin's time of day on the default date).
void apply_sumocfg(Manifest& m, const std::string& cfg_path, bool has_duration, bool has_step,
                   bool has_seed, bool has_start) {
  const SumoConfig c = read_sumocfg(cfg_path);
  m.network_path = cfg_path;
  m.demand_path = cfg_path;
  if (!has_duration) {
    if (c.end_s < 0.0) {
      throw Error("a SUMO configuration without <end> needs a duration")
          .in_file(cfg_path)
          .field("end")
          .expected("<end value=\"...\"/> in the configuration, or duration in a manifest");
    }
    m.duration_s = c.end_s - c.begin_s;
  }
  if (!has_step) m.step_s = c.step_length_s;
  if (!has_seed && c.seed) m.seed = *c.seed;
  if (!m.teleport_after_s && c.time_to_teleport_s) m.teleport_after_s = *c.time_to_teleport_s;
  if (!has_start) {
    const LocalTime t = LocalClock::at(2026, 1, 1, 0, 0).at_time(c.begin_s);
    const auto s = static_cast<int>(std::lround(t.second_of_day));
    m.start = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", t.date.year, t.date.month,
                          t.date.day, s / 3600, s / 60 % 60, s % 60);
  }
}

}  // namespace

Manifest load_manifest(const std::string& path) {
  if (is_sumocfg(path)) {
    // `parktwin run scenario.sumocfg`: SUMO's configuration as the whole scenario.
    Manifest m;
    m.path = path;
    m.name = fs::path(path).stem().string();
    m.description = "SUMO configuration " + fs::path(path).filename().string();
    apply_sumocfg(m, path, false, false, false, false);
    return m;
  }
  std::vector<std::string> chain;
  if (std::error_code ec; fs::exists(path, ec)) chain.push_back(fs::canonical(path, ec).string());
  std::vector<std::string> bases;
  const toml::table root = load_merged(path, chain, bases);
  reject_unknown(path, root, "",
                 {"extends", "name", "description", "start", "duration", "step", "seed", "threads",
                  "traffic", "buildings", "energy", "scene", "outputs", "events", "controllers"});
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
  toml::date_time start{toml::date{2026, 1, 1}, toml::time{0, 0, 0}};
  if (const toml::node* n = root.get("start")) {
    // A TOML local date-time (no offset: the park's local time, as weather files give it).
    const auto t = n->value<toml::date_time>();
    if (!n->is_date_time() || !t || t->offset) {
      fail_at(path, *n, "start", "wrong type", "a local date and time, e.g. 2026-07-15T08:00:00");
    }
    start = *t;
    m.start = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", t->date.year, t->date.month,
                          t->date.day, t->time.hour, t->time.minute, t->time.second);
  }
  m.duration_s = positive_number(path, root, "duration", m.duration_s);
  m.step_s = positive_number(path, root, "step", m.step_s);
  if (const toml::node* n = root.get("seed")) {
    const auto v = integer_of(*n);
    if (!n->is_integer() || !v || *v < 0) fail_at(path, *n, "seed", "bad seed", "an integer >= 0");
    m.seed = static_cast<std::uint64_t>(*v);
  }
  m.extends = bases;
  if (const toml::node* n = root.get("threads")) {
    const auto v = integer_of(*n);
    if (!n->is_integer() || !v || *v < 0 || *v > 4096) {
      fail_at(path, *n, "threads", "bad thread count", "an integer 0..4096 (0: all)");
    }
    m.threads = static_cast<int>(*v);
  }
  if (const toml::node* outputs = root.get("outputs")) {
    if (!outputs->is_table()) fail_at(path, *outputs, "outputs", "wrong type", "a table");
    const toml::table& o = *outputs->as_table();
    reject_unknown(path, o, "outputs.",
                   {"file", "series_interval", "checkpoint_interval", "trajectories"});
    if (const toml::node* tr = o.get("trajectories")) {
      if (!tr->is_boolean())
        fail_at(path, *tr, "outputs.trajectories", "wrong type", "true or false");
      m.trajectories = tr->value<bool>().value();
    }
    if (const toml::node* f = o.get("file")) {
      if (!f->is_string()) fail_at(path, *f, "outputs.file", "wrong type", "a file path string");
      const fs::path rel = f->value<std::string>().value();
      m.run_file = (rel.is_absolute() ? rel : fs::path(file_of(*f, path)).parent_path() / rel)
                       .lexically_normal()
                       .string();
    }
    m.series_interval_s = positive_number(path, o, "series_interval", m.series_interval_s);
    m.checkpoint_interval_s = non_negative_number(
        path, o, "checkpoint_interval", "outputs.checkpoint_interval", m.checkpoint_interval_s);
  }
  const toml::node* traffic = root.get("traffic");
  if (traffic == nullptr || !traffic->is_table()) {
    throw Error("missing [traffic] section")
        .in_file(path)
        .field("traffic")
        .expected("a table with network and demand");
  }
  const toml::table& t = *traffic->as_table();
  reject_unknown(path, t, "traffic.",
                 {"network", "demand", "sumocfg", "ev_share", "demand_scale", "teleport_after"});
  if (t.get("teleport_after") != nullptr) {  // before the .sumocfg, whose value it overrides
    m.teleport_after_s =
        non_negative_number(path, t, "teleport_after", "traffic.teleport_after", 0.0);
  }
  if (const toml::node* cfg = t.get("sumocfg")) {
    for (const char* key : {"network", "demand"}) {
      if (const toml::node* other = t.get(key)) {
        fail_at(path, *other, fmt::format("traffic.{}", key),
                "a SUMO configuration gives the network and the demand",
                "either sumocfg or network and demand", "both");
      }
    }
    (void)cfg;
    apply_sumocfg(m, input_file(path, t, "sumocfg", "traffic"), root.get("duration") != nullptr,
                  root.get("step") != nullptr, root.get("seed") != nullptr,
                  root.get("start") != nullptr);
    if (root.get("start") == nullptr) {  // event times of day count from the begin's start
      int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
      if (std::sscanf(m.start.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &sec) == 6) {
        start = toml::date_time{toml::date{y, static_cast<unsigned>(mo), static_cast<unsigned>(d)},
                                toml::time{static_cast<unsigned>(h), static_cast<unsigned>(mi),
                                           static_cast<unsigned>(sec)}};
      }
    }
  } else {
    m.network_path = input_file(path, t, "network", "traffic");
    m.demand_path = input_file(path, t, "demand", "traffic");
  }
  if (const toml::node* n = t.get("ev_share")) {
    const std::optional<double> v = number_of(*n);
    if (!n->is_number() || !v) fail_at(path, *n, "traffic.ev_share", "wrong type", "a number 0..1");
    if (!(*v >= 0.0 && *v <= 1.0)) {
      fail_at(path, *n, "traffic.ev_share", "EV share out of range",
              "a share of car trips in [0, 1]", fmt::format("{}", *v));
    }
    m.ev_share = *v;
  }
  if (const toml::node* n = t.get("demand_scale")) {
    // As a demand_multiplier event over the whole run (kept at most this many times per trip).
    const std::optional<double> v = number_of(*n);
    if (!n->is_number() || !v) {
      fail_at(path, *n, "traffic.demand_scale", "wrong type", "a number >= 0");
    }
    if (!(*v >= 0.0 && *v <= 100.0)) {
      fail_at(path, *n, "traffic.demand_scale", "demand scale out of range",
              "a multiplier of the demand in [0, 100]", fmt::format("{}", *v));
    }
    m.demand_scale = *v;
  }
  if (const toml::node* buildings = root.get("buildings")) {
    if (!buildings->is_table()) fail_at(path, *buildings, "buildings", "wrong type", "a table");
    const toml::table& b = *buildings->as_table();
    reject_unknown(path, b, "buildings.",
                   {"file", "weather", "step", "shading", "latitude", "longitude"});
    const auto degrees = [&](const char* key, double limit) {
      const toml::node* n = b.get(key);
      const std::string field = std::string("buildings.") + key;
      if (n == nullptr) return std::numeric_limits<double>::quiet_NaN();
      const std::optional<double> v = n->value<double>();
      if (!v || !n->is_number()) fail_at(path, *n, field, "wrong type", "a number of degrees");
      if (!(std::abs(*v) <= limit)) {
        fail_at(path, *n, field, "out of range", fmt::format("-{0}..{0} degrees", limit),
                fmt::format("{}", *v));
      }
      return *v;
    };
    m.site_latitude_deg = degrees("latitude", 90.0);
    m.site_longitude_deg = degrees("longitude", 180.0);
    if (std::isnan(m.site_latitude_deg) != std::isnan(m.site_longitude_deg)) {
      const toml::node* given = b.get(std::isnan(m.site_latitude_deg) ? "longitude" : "latitude");
      fail_at(path, *given,
              std::isnan(m.site_latitude_deg) ? "buildings.longitude" : "buildings.latitude",
              "a site needs both coordinates", "latitude and longitude together");
    }
    if (const toml::node* sh = b.get("shading")) {
      if (!sh->is_boolean()) fail_at(path, *sh, "buildings.shading", "wrong type", "true or false");
      m.buildings_shading = sh->value<bool>().value();
    }
    m.buildings_path = input_file(path, b, "file", "buildings");
    m.weather_path = input_file(path, b, "weather", "buildings");
    m.buildings_step_s = positive_number(path, b, "step", m.buildings_step_s);
    // The buildings step a whole number of traffic steps, an hour a whole number of theirs
    // (weather is hourly): said here with the line, not later by the simulation.
    if (std::fmod(3600.0, m.buildings_step_s) != 0.0 ||
        std::fmod(m.buildings_step_s, m.step_s) != 0.0) {
      const toml::node* st = b.get("step");
      fail_at(path, st != nullptr ? *st : *buildings, "buildings.step",
              "buildings step out of range",
              fmt::format("a divisor of an hour (60, 300, 900, 3600 ...) and a multiple of the "
                          "traffic step {} s",
                          m.step_s),
              fmt::format("{} s", m.buildings_step_s));
    }
  }
  if (const toml::node* scene = root.get("scene")) {
    if (!scene->is_table()) fail_at(path, *scene, "scene", "wrong type", "a table");
    const toml::table& sc = *scene->as_table();
    reject_unknown(path, sc, "scene.", {"land_cover"});
    if (sc.get("land_cover")) m.land_cover_path = input_file(path, sc, "land_cover", "scene");
  }
  if (const toml::node* energy = root.get("energy")) {
    if (!energy->is_table()) fail_at(path, *energy, "energy", "wrong type", "a table");
    const toml::table& e = *energy->as_table();
    reject_unknown(path, e, "energy.", {"grid", "tariff", "carbon", "carbon_series"});
    if (m.buildings_path.empty()) {
      fail_at(path, *energy, "energy", "[energy] without buildings",
              "a [buildings] section: the district's electricity is its buildings'");
    }
    if (e.get("grid")) m.grid_path = input_file(path, e, "grid", "energy");
    if (e.get("tariff")) m.tariff_path = input_file(path, e, "tariff", "energy");
    if (const toml::node* n = e.get("carbon")) {
      const std::optional<double> v = number_of(*n);
      if (!n->is_number() || !v) {
        fail_at(path, *n, "energy.carbon", "wrong type", "a number of kg CO2 per kWh");
      }
      if (!(*v >= 0.0 && *v <= 2.0)) {
        fail_at(path, *n, "energy.carbon", "carbon factor out of range",
                "0..2 kg CO2 per kWh (China's grid: about 0.57)", fmt::format("{}", *v));
      }
      m.carbon_kg_per_kwh = *v;
    }
    // Hour by hour; where given it is what counts, so that a what-if can set it on a base
    // that names a constant factor (which it cannot take away).
    if (e.get("carbon_series")) {
      m.carbon_series_path = input_file(path, e, "carbon_series", "energy");
    }
  }
  m.events = read_events(path, root, start, m.duration_s);
  m.controllers = read_controllers(path, root);
  return m;
}

}  // namespace parktwin::scenarios
