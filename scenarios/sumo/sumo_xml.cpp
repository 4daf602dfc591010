#include "scenarios/sumo/sumo_xml.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "engine/error.h"
#include "engine/input_file.h"

namespace parktwin::scenarios::sumo {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

bool has_attr(pugi::xml_node node, const char* attr) { return !node.attribute(attr).empty(); }

std::vector<std::string> split_ids(std::string_view list) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && is_space(list[i])) ++i;
    const std::size_t start = i;
    while (i < list.size() && !is_space(list[i])) ++i;
    if (i > start) out.emplace_back(list.substr(start, i - start));
  }
  return out;
}

bool parse_number(std::string_view s, double& out) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

bool parse_time(std::string_view s, double& out) {
  if (parse_number(s, out)) return true;
  // SUMO's clock form: [[d:]h:]m:s, each field a number, the last possibly fractional.
  s = trim(s);
  std::vector<double> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ':') {
      double v = 0.0;
      if (!parse_number(s.substr(start, i - start), v) || v < 0.0) return false;
      parts.push_back(v);
      start = i + 1;
    }
  }
  if (parts.size() < 2 || parts.size() > 4) return false;
  static constexpr double kUnit[] = {1.0, 60.0, 3600.0, 86400.0};
  out = 0.0;
  for (std::size_t k = 0; k < parts.size(); ++k) out += parts[parts.size() - 1 - k] * kUnit[k];
  return true;
}

std::string quoted(std::string_view s) { return fmt::format("'{}'", s); }

XmlFile::XmlFile(std::string path) : path_(std::move(path)) {
  require_input_file(path_, "a readable SUMO XML file");
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw Error("cannot open file").in_file(path_).expected("a readable SUMO XML file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text_ = buffer.str();
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
  const pugi::xml_parse_result result = doc_.load_buffer(text_.data(), text_.size());
  if (!result) {
    const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0));
    const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const auto line = static_cast<int>(it - line_starts_.begin());
    const auto column = static_cast<int>(offset - line_starts_[line - 1]) + 1;
    throw Error(std::string("invalid XML: ") + result.description())
        .in_file(path_)
        .at_line(line, column);
  }
  // SUMO's and OpenStreetMap's files nest a few levels deep; a deeper one is no such file,
  // and a hostile depth would make every later walk (and netconvert) crawl. pugixml's
  // traversal is iterative, so this check itself is safe at any depth.
  struct DepthCheck : pugi::xml_tree_walker {
    pugi::xml_node too_deep;
    bool for_each(pugi::xml_node& node) override {
      if (depth() < kMaxXmlDepth) return true;
      too_deep = node;
      return false;
    }
  } check;
  doc_.traverse(check);
  if (check.too_deep) {
    fail(check.too_deep, "", "elements nested too deeply",
         fmt::format("at most {} levels", kMaxXmlDepth), "deeper");
  }
}

int XmlFile::line_of(pugi::xml_node node) const {
  const std::ptrdiff_t offset = node.offset_debug();
  if (offset < 0) return 0;
  const auto it =
      std::upper_bound(line_starts_.begin(), line_starts_.end(), static_cast<std::size_t>(offset));
  return static_cast<int>(it - line_starts_.begin());
}

void XmlFile::fail(pugi::xml_node node, const std::string& what, const std::string& message,
                   const std::string& expected, const std::string& found) const {
  throw Error(message)
      .in_file(path_)
      .at_line(line_of(node))
      .field(what)
      .expected(expected)
      .found(found);
}

std::string XmlFile::text(pugi::xml_node node, const char* attr, const std::string& what) const {
  const pugi::xml_attribute a = node.attribute(attr);
  if (a.empty()) {
    fail(node, what, fmt::format("missing attribute '{}'", attr),
         fmt::format("<{} ... {}=\"...\">", node.name(), attr));
  }
  return a.value();
}

double XmlFile::number(pugi::xml_node node, const char* attr, const std::string& what) const {
  const std::string s = text(node, attr, what);
  double v = 0.0;
  if (!parse_number(s, v)) {
    fail(node, what, fmt::format("attribute '{}' is not a number", attr), "a number", quoted(s));
  }
  return v;
}

double XmlFile::number_or(pugi::xml_node node, const char* attr, const std::string& what,
                          double fallback) const {
  return has_attr(node, attr) ? number(node, attr, what) : fallback;
}

long long XmlFile::integer(pugi::xml_node node, const char* attr, const std::string& what) const {
  const std::string s = text(node, attr, what);
  const std::string_view t = trim(s);
  long long v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
    fail(node, what, fmt::format("attribute '{}' is not an integer", attr), "an integer",
         quoted(s));
  }
  return v;
}

double XmlFile::time(pugi::xml_node node, const char* attr, const std::string& what) const {
  const std::string s = text(node, attr, what);
  double v = 0.0;
  if (!parse_time(s, v)) {
    fail(node, what, fmt::format("attribute '{}' is not a time", attr), "seconds or [[d:]h:]m:s",
         quoted(s));
  }
  return v;
}

double XmlFile::time_or(pugi::xml_node node, const char* attr, const std::string& what,
                        double fallback) const {
  return has_attr(node, attr) ? time(node, attr, what) : fallback;
}

std::vector<std::pair<double, double>> XmlFile::shape(pugi::xml_node node, const char* attr,
                                                      const std::string& what) const {
  const std::string s = text(node, attr, what);
  std::vector<std::pair<double, double>> points;
  for (const std::string& p : split_ids(s)) {
    const std::size_t c1 = p.find(',');
    const std::size_t c2 = c1 == std::string::npos ? c1 : p.find(',', c1 + 1);
    double x = 0.0, y = 0.0, z = 0.0;
    const std::string_view v = p;
    if (c1 == std::string::npos || !parse_number(v.substr(0, c1), x) ||
        !parse_number(v.substr(c1 + 1, c2 == std::string::npos ? c2 : c2 - c1 - 1), y) ||
        (c2 != std::string::npos && !parse_number(v.substr(c2 + 1), z))) {
      fail(node, what, fmt::format("malformed point in '{}'", attr), "x,y or x,y,z", quoted(p));
    }
    points.emplace_back(x, y);
  }
  if (points.size() < 2) {
    fail(node, what, fmt::format("'{}' needs at least two points", attr), ">= 2 points",
         std::to_string(points.size()));
  }
  return points;
}

namespace {
// SUMO's abstract vehicle classes (SUMOVehicleClass.cpp), in its bit order; the last ones
// came after SUMO 1.15 and may appear in newer networks.
constexpr std::string_view kVehicleClasses[] = {
    "ignoring",  "private",       "emergency", "authority",  "army",     "vip",      "pedestrian",
    "passenger", "hov",           "taxi",      "bus",        "coach",    "delivery", "truck",
    "trailer",   "motorcycle",    "moped",     "bicycle",    "evehicle", "tram",     "rail_urban",
    "rail",      "rail_electric", "rail_fast", "ship",       "custom1",  "custom2",  "container",
    "cable_car", "subway",        "aircraft",  "wheelchair", "scooter",  "drone"};
}  // namespace

int vehicle_class_bit(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kVehicleClasses); ++i) {
    if (kVehicleClasses[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::uint64_t lane_permissions(const XmlFile& f, pugi::xml_node node, const std::string& what) {
  constexpr std::uint64_t kAll = (std::uint64_t{1} << std::size(kVehicleClasses)) - 1;
  const bool allow = has_attr(node, "allow");
  if (!allow && !has_attr(node, "disallow")) return kAll;
  const char* attr = allow ? "allow" : "disallow";
  std::uint64_t listed = 0;
  for (const std::string& name : split_ids(node.attribute(attr).value())) {
    if (name == "all") {
      listed = kAll;
      continue;
    }
    const int bit = vehicle_class_bit(name);
    if (bit < 0) {
      f.fail(node, what, fmt::format("unknown vehicle class in '{}'", attr),
             "SUMO vehicle classes (passenger, bus, truck, pedestrian, ...)", quoted(name));
    }
    listed |= std::uint64_t{1} << bit;
  }
  return allow ? listed : kAll & ~listed;
}

}  // namespace parktwin::scenarios::sumo
