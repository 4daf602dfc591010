// GeoJSON feature collections (see the header). RFC 7946 gives the structure: 3.3 (a
// FeatureCollection has "features", an array of Feature objects), 3.2 (a Feature has
// "geometry" and "properties"), 3.1.6 (a Polygon's coordinates are linear rings, the first
// the exterior, each closed). JSON is read by nlohmann, which keeps no positions; a small
// scan of the text records the line of each value near the top of the tree, so that errors
// name the line of the feature, property or point as well as its element path.

#include "scenarios/geojson_features.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <unordered_map>

#include "engine/error.h"
#include "engine/input_file.h"

namespace parktwin::scenarios {

namespace {

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
  require_input_file(path, "a readable GeoJSON file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open file").in_file(path).expected("a readable GeoJSON file");
  in.seekg(0, std::ios::end);
  std::string text(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

}  // namespace

void for_each_feature(
    const std::string& path,
    const std::function<void(const JsonReader&, const Json&, const std::string&, int)>& read) {
  const Json doc = read_json_file(path);
  // Root (0), features (1), a feature (2), its properties or geometry (3), a property or the
  // coordinates (4), the ring (5), a position (6).
  const LineIndex lines(read_text(path), 6);
  const JsonReader r(path);
  try {
    const char* expected = "a GeoJSON object with \"type\": \"FeatureCollection\"";
    if (!doc.is_object()) r.fail("", "not a GeoJSON FeatureCollection", expected, brief(doc));
    const Json* type = r.optional(doc, "type", "");
    if (type == nullptr || *type != "FeatureCollection") {
      r.fail("type", "not a GeoJSON FeatureCollection", expected,
             type == nullptr ? "no \"type\"" : brief(*type));
    }
    const Json& features = r.array(doc, "features", "");
    for (std::size_t i = 0; i < features.size(); ++i) {
      const std::string where = element("features", i);
      const Json& feature = features[i];
      if (!feature.is_object()) r.fail(where, "wrong type", "a Feature object", brief(feature));
      const std::string feature_type = r.string(feature, "type", where);
      if (feature_type != "Feature") {
        r.fail(element(where, "type"), "not a Feature", "\"Feature\"", "\"" + feature_type + "\"");
      }
      read(r, feature, where, lines.line_of(where));
    }
  } catch (Error& e) {
    // JsonReader names the element; the index knows its line.
    if (e.context().line == 0) e.at_line(lines.line_of(e.context().field));
    throw;
  }
}

std::vector<geo::Vec2> read_outer_ring(const JsonReader& r, const Json& geometry,
                                       const std::string& where, std::string_view feature_noun) {
  const std::string type = r.string(geometry, "type", where);
  if (type == "MultiPolygon") {
    r.fail(element(where, "type"), fmt::format("one polygon per {}", feature_noun),
           "a Polygon (split a MultiPolygon into one feature per part)", "\"MultiPolygon\"");
  }
  if (type != "Polygon")
    r.fail(element(where, "type"), "unsupported geometry", "\"Polygon\"", "\"" + type + "\"");
  const Json& rings = r.array(geometry, "coordinates", where);
  const std::string rings_where = element(where, "coordinates");
  if (rings.empty()) r.fail(rings_where, "polygon without a ring", "an outer ring of positions");
  if (rings.size() > 1) {
    r.fail(element(rings_where, std::size_t{1}), "polygon holes are not supported",
           fmt::format("the outer ring only (one simple outline per {})", feature_noun),
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
    const geo::Vec2 xy{p[0].get<double>(), p[1].get<double>()};
    // Metres from the network's origin: a district, not the distance to the Moon.
    constexpr double kFarthest_m = 1e7;
    if (!(std::abs(xy.x) <= kFarthest_m && std::abs(xy.y) <= kFarthest_m)) {
      r.fail(element(ring_where, i), "position out of range",
             "finite metres within 10,000 km of the network's origin", brief(p));
    }
    points.push_back(xy);
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

void check_known_properties(const JsonReader& r, const Json& properties, const std::string& where,
                            std::span<const std::string_view> known) {
  for (const auto& [key, value] : properties.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      r.fail(element(where, key), "unknown property", "one of: " + comma_list(known));
    }
  }
}

}  // namespace parktwin::scenarios
