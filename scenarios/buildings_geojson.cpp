// The GeoJSON table of buildings (see the header). RFC 7946 gives the structure: 3.3 (a
// FeatureCollection has "features", an array of Feature objects), 3.2 (a Feature has
// "geometry" and "properties"), 3.1.6 (a Polygon's coordinates are linear rings, the first
// the exterior, each closed). JSON is read by nlohmann, which keeps no positions; a small
// scan of the text records the line of each value near the top of the tree, so that errors
// name the line of the feature, property or point as well as its element path.

#include "scenarios/buildings_geojson.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/error.h"
#include "scenarios/json_file.h"

namespace parktwin::scenarios {

namespace {

using buildings::BuildingSpec;

// The line on which each JSON value starts, by element path as json_file.h writes them
// ("features[3].properties.height"), for values at most `max_depth` levels below the root.
// The text has been parsed already, so it is valid JSON and the scan need not check it.
class LineIndex {
 public:
  LineIndex(const std::string& text, std::size_t max_depth) {
    struct Frame {
      bool object;
      std::string path;
      std::size_t index = 0;
      std::string key;
    };
    std::vector<Frame> stack;
    bool expect_key = false;
    int line = 1;
    const std::size_t n = text.size();
    // Reads the string starting at text[i] == '"'; leaves i on its closing quote.
    auto read_string = [&](std::size_t& i) {
      std::string s;
      for (++i; i < n && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < n) ++i;  // escapes: the escaped character, raw
        s += text[i];
      }
      return s;
    };
    // A UTF-8 byte order mark, which nlohmann skips too.
    const std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    for (std::size_t i = start; i < n; ++i) {
      const char c = text[i];
      if (c == '\n') {
        ++line;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == ':') continue;
      if (stack.empty() && (c == ',' || c == '}' || c == ']')) continue;  // not in valid JSON
      if (c == ',') {
        if (stack.back().object) {
          expect_key = true;
        } else {
          ++stack.back().index;
        }
        continue;
      }
      if (c == '}' || c == ']') {
        stack.pop_back();
        expect_key = false;
        continue;
      }
      if (!stack.empty() && stack.back().object && expect_key) {  // a key
        stack.back().key = read_string(i);
        expect_key = false;
        continue;
      }
      // A value starts here.
      std::string path;
      if (!stack.empty()) {
        const Frame& top = stack.back();
        path = top.object ? element(top.path, top.key) : element(top.path, top.index);
      }
      if (stack.size() <= max_depth) lines_.try_emplace(path, line);
      if (c == '{' || c == '[') {
        stack.push_back({c == '{', std::move(path)});
        expect_key = c == '{';
      } else if (c == '"') {
        read_string(i);
      } else {  // number, true, false, null: up to the next delimiter
        while (i + 1 < n &&
               std::string_view(",:[]{}\" \t\r\n").find(text[i + 1]) == std::string::npos) {
          ++i;
        }
      }
    }
  }

  // The line of `where`, or of the nearest enclosing element that has one; 0 if none.
  int line_of(std::string where) const {
    for (;;) {
      if (const auto it = lines_.find(where); it != lines_.end()) return it->second;
      if (where.empty()) return 0;
      const std::size_t cut = where.find_last_of(".[");
      where.resize(cut == std::string::npos ? 0 : cut);
    }
  }

 private:
  std::unordered_map<std::string, int> lines_;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open file").in_file(path).expected("a readable GeoJSON file");
  in.seekg(0, std::ios::end);
  std::string text(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

constexpr std::array<std::string_view, 18> kProperties = {
    "id",         "height",           "floors",           "use",
    "u_wall",     "u_roof",           "u_window",         "window_to_wall",
    "g_value",    "heating_setpoint", "cooling_setpoint", "pv_kwp",
    "feeder",     "battery_kwh",      "battery_kw",       "chargers",
    "charger_kw", "car_park_road"};

std::string list(std::span<const std::string_view> names) {
  std::string out;
  for (const std::string_view name : names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::string use_names() {
  std::array<std::string_view, buildings::kUseTypes> names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    names[i] = buildings::use_type_name(static_cast<buildings::UseType>(i));
  }
  return list(names);
}

// An optional number: absent or null (as GIS tools write empty fields) is unset.
std::optional<double> optional_number(const JsonReader& r, const Json& props, std::string_view key,
                                      const std::string& where) {
  const Json* v = r.optional(props, key, where);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_number()) r.fail(element(where, key), "wrong type", "a number", brief(*v));
  return v->get<double>();
}

std::vector<geo::Vec2> read_outer_ring(const JsonReader& r, const Json& geometry,
                                       const std::string& where) {
  const std::string type = r.string(geometry, "type", where);
  if (type == "MultiPolygon") {
    r.fail(element(where, "type"), "one polygon per building",
           "a Polygon (split a MultiPolygon into one feature per part)", "\"MultiPolygon\"");
  }
  if (type != "Polygon")
    r.fail(element(where, "type"), "unsupported geometry", "\"Polygon\"", "\"" + type + "\"");
  const Json& rings = r.array(geometry, "coordinates", where);
  const std::string rings_where = element(where, "coordinates");
  if (rings.empty()) r.fail(rings_where, "polygon without a ring", "an outer ring of positions");
  if (rings.size() > 1) {
    r.fail(element(rings_where, std::size_t{1}), "polygon holes are not supported",
           "the outer ring only (one simple footprint per building)",
           fmt::format("{} rings", rings.size()));
  }
  const Json& ring = rings[0];
  const std::string ring_where = element(rings_where, std::size_t{0});
  if (!ring.is_array())
    r.fail(ring_where, "wrong type", "an array of [x, y] positions", brief(ring));
  std::vector<geo::Vec2> points;
  points.reserve(ring.size());
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const Json& p = ring[i];
    const bool ok = p.is_array() && (p.size() == 2 || p.size() == 3) && p[0].is_number() &&
                    p[1].is_number() && (p.size() == 2 || p[2].is_number());
    if (!ok) {
      r.fail(element(ring_where, i), "bad position", "[x, y] in metres (or [x, y, z])", brief(p));
    }
    points.push_back({p[0].get<double>(), p[1].get<double>()});
  }
  // RFC 7946 3.1.6: >= 4 positions, the first and last equal.
  if (points.size() < 4 || points.front() != points.back()) {
    r.fail(ring_where, "ring not closed", "the first position repeated as the last, >= 4 in all",
           fmt::format("{} positions{}", points.size(),
                       points.size() >= 2 && points.front() != points.back()
                           ? ", first and last differ"
                           : ""));
  }
  points.pop_back();
  return points;
}

BuildingSpec read_feature(const JsonReader& r, const Json& feature, const std::string& where) {
  if (!feature.is_object()) r.fail(where, "wrong type", "a Feature object", brief(feature));
  const std::string type = r.string(feature, "type", where);
  if (type != "Feature")
    r.fail(element(where, "type"), "not a Feature", "\"Feature\"", "\"" + type + "\"");
  const Json& props = r.object(feature, "properties", where);
  const std::string pw = element(where, "properties");
  for (const auto& [key, value] : props.items()) {
    if (std::find(kProperties.begin(), kProperties.end(), key) == kProperties.end()) {
      r.fail(element(pw, key), "unknown property", "one of: " + list(kProperties));
    }
  }
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
  s.footprint =
      read_outer_ring(r, r.object(feature, "geometry", where), element(where, "geometry"));
  return s;
}

}  // namespace

std::vector<BuildingSpec> load_buildings(const std::string& path) {
  const Json doc = read_json_file(path);
  // Root (0), features (1), a feature (2), its properties or geometry (3), a property or the
  // coordinates (4), the ring (5), a position (6).
  const LineIndex lines(read_text(path), 6);
  const JsonReader r(path);
  std::vector<BuildingSpec> specs;
  try {
    const char* expected = "a GeoJSON object with \"type\": \"FeatureCollection\"";
    if (!doc.is_object()) r.fail("", "not a GeoJSON FeatureCollection", expected, brief(doc));
    const Json* type = r.optional(doc, "type", "");
    if (type == nullptr || *type != "FeatureCollection") {
      r.fail("type", "not a GeoJSON FeatureCollection", expected,
             type == nullptr ? "no \"type\"" : brief(*type));
    }
    const Json& features = r.array(doc, "features", "");
    specs.reserve(features.size());
    for (std::size_t i = 0; i < features.size(); ++i) {
      const std::string where = element("features", i);
      BuildingSpec s = read_feature(r, features[i], where);
      s.file = path;
      s.line = lines.line_of(where);
      specs.push_back(std::move(s));
    }
  } catch (Error& e) {
    // JsonReader names the element; the index knows its line.
    if (e.context().line == 0) e.at_line(lines.line_of(e.context().field));
    throw;
  }
  return specs;
}

}  // namespace parktwin::scenarios
