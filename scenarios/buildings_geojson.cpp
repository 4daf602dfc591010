// The GeoJSON table of buildings (see the header); the collection, its lines and the rings
// are read by geojson_features.h.

#include "scenarios/buildings_geojson.h"

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/error.h"
#include "scenarios/geojson_features.h"
#include "scenarios/json_file.h"

namespace parktwin::scenarios {

namespace {

using buildings::BuildingSpec;

constexpr std::array<std::string_view, 18> kProperties = {
    "id",         "height",           "floors",           "use",
    "u_wall",     "u_roof",           "u_window",         "window_to_wall",
    "g_value",    "heating_setpoint", "cooling_setpoint", "pv_kwp",
    "feeder",     "battery_kwh",      "battery_kw",       "chargers",
    "charger_kw", "car_park_road"};

std::string use_names() {
  std::array<std::string_view, buildings::kUseTypes> names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    names[i] = buildings::use_type_name(static_cast<buildings::UseType>(i));
  }
  return comma_list(names);
}

// An optional number: absent or null (as GIS tools write empty fields) is unset.
std::optional<double> optional_number(const JsonReader& r, const Json& props, std::string_view key,
                                      const std::string& where) {
  const Json* v = r.optional(props, key, where);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_number()) r.fail(element(where, key), "wrong type", "a number", brief(*v));
  return v->get<double>();
}

BuildingSpec read_feature(const JsonReader& r, const Json& feature, const std::string& where) {
  const Json& props = r.object(feature, "properties", where);
  const std::string pw = element(where, "properties");
  check_known_properties(r, props, pw, kProperties);
  BuildingSpec s;
  s.id = r.string(props, "id", pw);
  s.height_m = r.number(props, "height", pw);
  const std::string use = r.string(props, "use", pw);
  const std::optional<buildings::UseType> parsed = buildings::parse_use_type(use);
  if (!parsed) r.fail(element(pw, "use"), "unknown use", "one of: " + use_names(), "'" + use + "'");
  s.use = *parsed;
  if (const Json* floors = r.optional(props, "floors", pw); floors && !floors->is_null()) {
    if (!floors->is_number_integer() || floors->get<long long>() < 1 ||
        floors->get<long long>() > 1000) {
      r.fail(element(pw, "floors"), "bad number of floors", "an integer in [1, 1000]",
             brief(*floors));
    }
    s.floors = static_cast<int>(floors->get<long long>());
  }
  s.u_wall = optional_number(r, props, "u_wall", pw);
  s.u_roof = optional_number(r, props, "u_roof", pw);
  s.u_window = optional_number(r, props, "u_window", pw);
  s.window_to_wall = optional_number(r, props, "window_to_wall", pw);
  s.g_value = optional_number(r, props, "g_value", pw);
  s.heating_setpoint_c = optional_number(r, props, "heating_setpoint", pw);
  s.cooling_setpoint_c = optional_number(r, props, "cooling_setpoint", pw);
  s.pv_kwp = optional_number(r, props, "pv_kwp", pw).value_or(0.0);
  if (const Json* feeder = r.optional(props, "feeder", pw); feeder && !feeder->is_null()) {
    if (!feeder->is_string())
      r.fail(element(pw, "feeder"), "wrong type", "a string", brief(*feeder));
    s.feeder = feeder->get<std::string>();
  }
  s.battery_kwh = optional_number(r, props, "battery_kwh", pw).value_or(0.0);
  s.battery_kw = optional_number(r, props, "battery_kw", pw).value_or(0.0);
  if (const Json* chargers = r.optional(props, "chargers", pw); chargers && !chargers->is_null()) {
    if (!chargers->is_number_integer() || chargers->get<long long>() < 0 ||
        chargers->get<long long>() > 10000) {
      r.fail(element(pw, "chargers"), "bad number of chargers", "an integer in [0, 10000]",
             brief(*chargers));
    }
    s.chargers = static_cast<int>(chargers->get<long long>());
  }
  s.charger_kw = optional_number(r, props, "charger_kw", pw).value_or(s.charger_kw);
  // One road id, or a list of them.
  if (const Json* roads = r.optional(props, "car_park_road", pw); roads && !roads->is_null()) {
    const std::string at = element(pw, "car_park_road");
    if (roads->is_string()) {
      s.car_park_roads.push_back(roads->get<std::string>());
    } else if (roads->is_array() && !roads->empty()) {
      for (std::size_t i = 0; i < roads->size(); ++i) {
        if (!(*roads)[i].is_string()) {
          r.fail(element(at, i), "wrong type", "a road id string", brief((*roads)[i]));
        }
        s.car_park_roads.push_back((*roads)[i].get<std::string>());
      }
    } else {
      r.fail(at, "wrong type", "a road id or a non-empty list of road ids", brief(*roads));
    }
  }
  s.footprint = read_outer_ring(r, r.object(feature, "geometry", where), element(where, "geometry"),
                                "building");
  return s;
}

}  // namespace

std::vector<BuildingSpec> load_buildings(const std::string& path) {
  std::vector<BuildingSpec> specs;
  for_each_feature(
      path, [&](const JsonReader& r, const Json& feature, const std::string& where, int line) {
        BuildingSpec s = read_feature(r, feature, where);
        s.file = path;
        s.line = line;
        specs.push_back(std::move(s));
      });
  return specs;
}

}  // namespace parktwin::scenarios
