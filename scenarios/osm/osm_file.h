#pragma once
// Reading an OpenStreetMap XML file (https://wiki.openstreetmap.org/wiki/OSM_XML) as far as an
// import needs it: nodes with their coordinates, ways with their node references and tags.
// Files saved by JOSM keep its editing marks: elements with action="delete" (deleted in the
// editor, not yet uploaded) and visible="false" do not exist and are skipped, here and in the
// copy handed to netconvert (write_osm_without_deleted), which does not know these marks.

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace parktwin::scenarios::osm {

struct LatLon {
  double lat = 0.0, lon = 0.0;
};

struct Way {
  std::string id;
  int line = 0;                // of its <way> in the file
  std::vector<LatLon> points;  // in order; nodes outside the file are left out
  bool missing_nodes = false;  // some referenced node is not in the file
  bool closed = false;         // first and last node reference are the same
  std::vector<std::pair<std::string, std::string>> tags;
  // The value of tag `key`, "" when absent.
  const std::string& tag(const std::string& key) const;
};

struct OsmMap {
  std::string path;
  std::vector<Way> ways;
  std::size_t deleted = 0;  // elements skipped as deleted or invisible
};

// Throws parktwin::Error naming the file (and line) for a file that is not OSM XML (root
// <osm>), a node without numeric lat/lon in range, or a way without an id.
OsmMap read_osm(const std::string& path);

// Writes `in` without its deleted and invisible elements (and without references to deleted
// nodes) to `out`; returns how many elements it left out.
std::size_t write_osm_without_deleted(const std::string& in, const std::string& out);

}  // namespace parktwin::scenarios::osm
