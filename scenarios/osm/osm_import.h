#pragma once
// `parktwin import osm`: a scenario from an OpenStreetMap file. The car network comes from
// Debian's netconvert (SUMO), run with options for car traffic; buildings and land cover are
// read here from the same file; a demand of random trips, weighted by the buildings' floor
// area near each road (homes as origins, workplaces as destinations, in the style of SUMO's
// randomTrips.py --weights), follows a morning profile. The folder it writes holds a
// scenario.toml that `parktwin run` and `parktwin view` open as it is. docs/osm-import.md.

#include <cstdint>
#include <string>
#include <vector>

namespace parktwin::scenarios::osm {

struct ImportOptions {
  std::string osm_path;
  std::string out_dir;           // created; must not exist or be empty
  std::string weather_path;      // EPW copied in for the buildings ("" : no [buildings])
  double duration_s = 3600.0;    // of the demand and the scenario
  double trips_per_km_h = 30.0;  // trips per km of car road per hour, unless trips > 0
  std::int64_t trips = 0;
  std::uint64_t seed = 0;
  std::string start = "2026-07-15T07:00:00";
  std::string netconvert = "netconvert";  // the program (found on PATH)
};

struct ImportSummary {
  std::string netconvert_command;  // as run, recorded in scenario.toml
  std::size_t roads = 0, junctions = 0, signals = 0;
  std::size_t buildings = 0, land_polygons = 0, trips = 0;
  std::size_t deleted_skipped = 0;   // JOSM-deleted or invisible elements left out
  std::size_t partial_ways = 0;      // buildings/areas whose nodes are not all in the file
  std::size_t implausible_tags = 0;  // building:levels or height beyond any building, unused
  std::size_t trips_unroutable = 0;  // draws with no route between their roads, redrawn
  std::string manifest_path;
};

// Throws parktwin::Error naming the OSM file (and line) for unreadable or malformed input, an
// output folder that holds files, netconvert missing or failing (its message quoted), or a
// map with no road a car may use.
ImportSummary import_osm(const ImportOptions& options);

}  // namespace parktwin::scenarios::osm
