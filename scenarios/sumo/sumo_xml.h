#pragma once
// Reading SUMO's XML inputs with errors that point into the file (STYLE.md rule 6). The file
// is read whole and parsed by pugixml; a node's byte offset (pugi::xml_node::offset_debug) is
// turned into a line number, so that a message reads
//   grid.net.xml:123: edge 'A0B0' lane 'A0B0_0': length must be positive (expected > 0, found -3)
// and a syntax error carries line and column.

#include <pugixml.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace parktwin::scenarios::sumo {

class XmlFile {
 public:
  // Reads and parses `path`; throws parktwin::Error naming the file (with line:column for a
  // syntax error) when it cannot be read or parsed.
  explicit XmlFile(std::string path);
  XmlFile(const XmlFile&) = delete;
  XmlFile& operator=(const XmlFile&) = delete;

  const std::string& path() const { return path_; }
  pugi::xml_node root() const { return doc_.document_element(); }
  // 1-based line of a node's start tag, 0 if unknown.
  int line_of(pugi::xml_node node) const;

  // Throws an Error at `node`'s line; `what` names the element ("edge 'A0B0' lane 'A0B0_0'").
  [[noreturn]] void fail(pugi::xml_node node, const std::string& what, const std::string& message,
                         const std::string& expected = {}, const std::string& found = {}) const;

  // Attribute access; a missing or malformed required attribute is an Error at the node.
  std::string text(pugi::xml_node node, const char* attr, const std::string& what) const;
  double number(pugi::xml_node node, const char* attr, const std::string& what) const;
  double number_or(pugi::xml_node node, const char* attr, const std::string& what,
                   double fallback) const;
  long long integer(pugi::xml_node node, const char* attr, const std::string& what) const;
  // A time: seconds ("12.5") or SUMO's "[[d:]h:]m:s" clock form ("1:00:00").
  double time(pugi::xml_node node, const char* attr, const std::string& what) const;
  double time_or(pugi::xml_node node, const char* attr, const std::string& what,
                 double fallback) const;
  // Polyline "x,y[,z] x,y[,z] ..." (z dropped), at least two points.
  std::vector<std::pair<double, double>> shape(pugi::xml_node node, const char* attr,
                                               const std::string& what) const;

 private:
  std::string path_;
  std::string text_;                      // the file as read: offsets point into it
  std::vector<std::size_t> line_starts_;  // byte offset where each line starts
  pugi::xml_document doc_;
};

bool has_attr(pugi::xml_node node, const char* attr);
// Splits a space-separated id list ("A0B0 B0C0").
std::vector<std::string> split_ids(std::string_view list);
// Whole-string number parse; false on anything else.
bool parse_number(std::string_view s, double& out);
bool parse_time(std::string_view s, double& out);
// "'id'" for messages.
std::string quoted(std::string_view s);

// SUMO's vehicle classes (SUMO 1.15's list, and newer ones) as bit indices of
// traffic::Network::lane_access and traffic::VehicleType::access_class; -1 for an unknown name.
int vehicle_class_bit(std::string_view name);
// Who may use a lane, from its allow or disallow attribute (SUMO writes one of them; neither:
// every class; "all" stands for every class), as a bit set over vehicle_class_bit. An
// unknown class is an Error at the node naming it.
std::uint64_t lane_permissions(const XmlFile& f, pugi::xml_node node, const std::string& what);

inline constexpr double kForever = std::numeric_limits<double>::infinity();
// Deepest element nesting a SUMO or OpenStreetMap XML file may have (they use 3-4 levels).
inline constexpr int kMaxXmlDepth = 32;
// sumo --weights.minor-penalty's default (SUMO 1.15): seconds added to the routing cost of a
// minor link's internal lanes.
inline constexpr double kMinorPenalty_s = 1.5;

}  // namespace parktwin::scenarios::sumo
