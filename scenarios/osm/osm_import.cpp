#include "scenarios/osm/osm_import.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string_view>

#include "engine/error.h"
#include "engine/rng.h"
#include "engine/version.h"
#include "scenarios/buildings_geojson.h"
#include "scenarios/land_cover_geojson.h"
#include "scenarios/osm/osm_file.h"
#include "scenarios/osm/utm.h"
#include "scenarios/sumo/sumo_xml.h"
#include "scenarios/traffic_inputs.h"
#include "sim/buildings/building_stock.h"
#include "sim/traffic/routing.h"

namespace parktwin::scenarios::osm {

namespace {

namespace fs = std::filesystem;
using traffic::Index;

// Where a service road (campus and car-park lanes, drive-ways) carries cars: SUMO's own type
// map lets only delivery vehicles use highway.service; a planner's scenario needs them.
constexpr std::string_view kCarTypes = R"(<types>
    <!-- parktwin import osm: SUMO's osmNetconvert.typ.xml, but service roads carry cars -->
    <type id="highway.service" numLanes="1" speed="5.56" priority="1" oneway="false"
          disallow="rail rail_urban rail_electric rail_fast tram ship"/>
</types>
)";

// Largest building:levels and height (m) taken from a map (above every building built).
constexpr double kMaxLevels = 300.0;
constexpr double kMaxHeight_m = 1500.0;

// Storey heights by use (m), an assumption in the range of GB 50352-2019's floor heights;
// buildings with neither `height` nor `building:levels` get kDefaultFloors.
constexpr double kStoreyHomes_m = 3.0, kStoreyOther_m = 3.6, kStoreyHall_m = 8.0;
constexpr int kDefaultFloors = 3;
// Trip ends per road: its length in metres plus this many per m2 of floor area attached to it
// (the buildings' uses as origins and destinations: randomTrips.py --weights in spirit).
constexpr double kWeightPerFloorArea = 0.1;
constexpr rng::StreamId kTripStream = 0x6f736d74;  // "osmt"

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; returns its exit status and its output (stdout and stderr).
int run_command(const std::string& command, std::string& output) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
  if (!pipe) return -1;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), pipe.get()) != nullptr) output += buf.data();
  const int status = pclose(pipe.release());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The last lines of a tool's output, for an error message.
std::string tail_lines(const std::string& text, int lines) {
  std::size_t at = text.size();
  for (int i = 0; i <= lines && at > 0; ++i) at = text.rfind('\n', at - 1);
  return text.substr(at == std::string::npos ? 0 : at + 1);
}

// OSM building tags -> parktwin's archetypes (sim/buildings/archetypes.cpp).
std::string use_of(const Way& w) {
  const std::string& b = w.tag("building");
  for (const char* k : {"office", "commercial", "government", "civic"}) {
    if (b == k) return "office";
  }
  for (const char* k : {"university", "college", "school", "kindergarten"}) {
    if (b == k) return "campus";
  }
  for (const char* k : {"industrial", "factory", "warehouse", "manufacture"}) {
    if (b == k) return "manufacturing";
  }
  for (const char* k : {"retail", "supermarket", "shop", "kiosk", "mall"}) {
    if (b == k) return "retail";
  }
  for (const char* k : {"residential", "apartments", "house", "detached", "dormitory", "terrace",
                        "semidetached_house"}) {
    if (b == k) return "residential";
  }
  if (b == "laboratory" || w.tag("building:use") == "laboratory") return "lab";
  if (!w.tag("office").empty()) return "office";
  if (!w.tag("shop").empty()) return "retail";
  const std::string& amenity = w.tag("amenity");
  if (amenity == "university" || amenity == "college" || amenity == "school") return "campus";
  return "residential";  // building=yes with nothing else: homes are the commonest buildings
}

// A positive number at the start of a tag value ("12", "12.5 m"); false (and out = 0) when
// there is none.
bool leading_number(const std::string& s, double& out) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  const bool ok = end != s.c_str() && std::isfinite(out) && out > 0.0;
  if (!ok) out = 0.0;
  return ok;
}

// Land cover from OSM area tags; "" when the way is neither water nor a park.
std::string cover_of(const Way& w) {
  const std::string& natural = w.tag("natural");
  const std::string& landuse = w.tag("landuse");
  const std::string& leisure = w.tag("leisure");
  if (natural == "water" || !w.tag("water").empty() || landuse == "reservoir" ||
      landuse == "basin") {
    return "water";
  }
  for (const char* k : {"grass", "forest", "meadow", "village_green", "recreation_ground"}) {
    if (landuse == k) return "park";
  }
  for (const char* k : {"wood", "scrub", "grassland", "heath"}) {
    if (natural == k) return "park";
  }
  if (leisure == "park" || leisure == "garden" || leisure == "pitch") return "park";
  return "";
}

double ring_area(const std::vector<geo::Vec2>& ring) {
  double twice = 0.0;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const geo::Vec2 a = ring[i], b = ring[(i + 1) % ring.size()];
    twice += a.x * b.y - b.x * a.y;
  }
  return std::abs(twice) / 2.0;
}

nlohmann::json polygon(const std::vector<geo::Vec2>& ring) {
  nlohmann::json coords = nlohmann::json::array();
  for (const geo::Vec2& p : ring)
    coords.push_back({std::round(p.x * 100) / 100, std::round(p.y * 100) / 100});
  coords.push_back(coords.front());
  return {{"type", "Polygon"}, {"coordinates", {coords}}};
}

void write_text(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw Error("cannot write file").in_file(path.string());
}

struct Footprint {
  std::vector<geo::Vec2> ring;  // without the closing point
  std::string use;
  double area_m2 = 0.0;
  int floors = 1;
};

}  // namespace

ImportSummary import_osm(const ImportOptions& o) {
  ImportSummary sum;
  if (!fs::is_regular_file(o.osm_path)) {
    throw Error("input file not found").in_file(o.osm_path).expected("an OpenStreetMap XML file");
  }
  const fs::path dir(o.out_dir);
  if (fs::exists(dir) && (!fs::is_directory(dir) || !fs::is_empty(dir))) {
    throw Error("the output folder exists and is not empty")
        .in_file(o.out_dir)
        .expected("a new or empty folder (nothing is overwritten)");
  }
  if (!(o.duration_s > 0.0) || !std::isfinite(o.duration_s)) {
    throw Error("duration must be positive")
        .field("--duration")
        .found(fmt::format("{}", o.duration_s));
  }
  // Read first: a malformed file fails before anything is written.
  const OsmMap map = read_osm(o.osm_path);
  sum.deleted_skipped = map.deleted;
  fs::create_directories(dir / "source");
  const fs::path clean = dir / "source" / "map.osm", types = dir / "source" / "car.typ.xml";
  write_osm_without_deleted(o.osm_path, clean.string());
  write_text(types, kCarTypes);

  // --- the car network, by netconvert
  const char* sumo_home = std::getenv("SUMO_HOME");
  const std::string home = sumo_home != nullptr ? sumo_home : "/usr/share/sumo";
  const fs::path net_path = dir / "network.net.xml";
  const std::string options =
      "--geometry.remove --ramps.guess --junctions.join --tls.guess-signals --tls.discard-simple "
      "--tls.join --remove-edges.isolated --keep-edges.by-vclass passenger "
      "--output.street-names --xml-validation never --no-warnings";
  sum.netconvert_command = fmt::format(
      "netconvert --osm-files source/map.osm --type-files {}/data/typemap/"
      "osmNetconvert.typ.xml,source/car.typ.xml {} -o network.net.xml",
      home, options);
  const std::string command = fmt::format(
      "cd {} && SUMO_HOME={} {} --osm-files source/map.osm --type-files "
      "{},source/car.typ.xml {} -o network.net.xml",
      shell_quoted(dir.string()), shell_quoted(home), shell_quoted(o.netconvert),
      shell_quoted(home + "/data/typemap/osmNetconvert.typ.xml"), options);
  std::string output;
  const int status = run_command(command, output);
  if (status == 127) {
    throw Error("netconvert not found")
        .expected("Debian's sumo package (tools/install-deps.sh installs it)")
        .found(tail_lines(output, 2));
  }
  if (status != 0 || !fs::is_regular_file(net_path)) {
    if (output.find("No edges loaded") != std::string::npos) {
      throw Error("no road a car may use in the map")
          .in_file(o.osm_path)
          .expected("ways tagged highway=* for cars (motorway ... residential, service)")
          .found("netconvert: " + tail_lines(output, 2));
    }
    throw Error("netconvert failed").in_file(o.osm_path).found(tail_lines(output, 6));
  }
  const traffic::Network net = load_network(net_path.string());
  if (net.road_count() == 0) {
    throw Error("no road a car may use in the map").in_file(o.osm_path);
  }
  sum.roads = net.road_count();
  sum.junctions = net.junction_count();
  sum.signals = net.signal_count();
  const NetProjection proj = read_net_projection(net_path.string());

  // --- buildings and land cover, from the same map
  std::vector<Footprint> footprints;
  nlohmann::json buildings = {{"type", "FeatureCollection"}, {"features", nlohmann::json::array()}};
  nlohmann::json land = {{"type", "FeatureCollection"}, {"features", nlohmann::json::array()}};
  for (const Way& w : map.ways) {
    const std::string& b = w.tag("building");
    const std::string cover = b.empty() ? cover_of(w) : "";
    if ((b.empty() || b == "no") && cover.empty()) continue;
    if (w.missing_nodes || !w.closed) {
      ++sum.partial_ways;  // reported: an area cut off by the extract, or an open way
      continue;
    }
    std::vector<geo::Vec2> ring;
    for (std::size_t i = 0; i + 1 < w.points.size(); ++i) {
      ring.push_back(project(proj, w.points[i].lat, w.points[i].lon));
    }
    const double area = ring_area(ring);
    if (!(area >= 1.0)) {
      ++sum.partial_ways;
      continue;
    }
    if (!cover.empty()) {
      nlohmann::json props = {{"cover", cover}};
      if (!w.tag("name").empty()) props["name"] = w.tag("name");
      land["features"].push_back(
          {{"type", "Feature"}, {"geometry", polygon(ring)}, {"properties", props}});
      continue;
    }
    Footprint f{ring, use_of(w), area, kDefaultFloors};
    double levels = 0.0, height = 0.0;
    const double storey = f.use == "residential"     ? kStoreyHomes_m
                          : f.use == "manufacturing" ? kStoreyHall_m
                                                     : kStoreyOther_m;
    // Tags beyond any building (the tallest has 163 floors, 828 m) are mistakes in the map:
    // left unused and counted, never rounded into an overflow.
    if (leading_number(w.tag("building:levels"), levels) && levels > kMaxLevels) {
      ++sum.implausible_tags;
      levels = 0.0;
    }
    if (leading_number(w.tag("height"), height) && height > kMaxHeight_m) {
      ++sum.implausible_tags;
      height = 0.0;
    }
    if (levels > 0.0) f.floors = std::max(1, static_cast<int>(std::lround(levels)));
    const bool height_given = height > 0.0;
    if (!height_given) height = storey * f.floors;
    if (levels == 0.0 && height_given) {
      f.floors = std::max(1, static_cast<int>(std::lround(height / storey)));
    }
    nlohmann::json props = {
        {"id", "osm-way-" + w.id}, {"height", height}, {"use", f.use}, {"floors", f.floors}};
    buildings["features"].push_back(
        {{"type", "Feature"}, {"geometry", polygon(ring)}, {"properties", props}});
    footprints.push_back(std::move(f));
  }
  sum.buildings = footprints.size();
  sum.land_polygons = land["features"].size();
  if (sum.buildings > 0) {
    write_text(dir / "buildings.geojson", buildings.dump(1) + "\n");
    // What this wrote must load: the same checks as a scenario's own table.
    const std::vector<buildings::BuildingSpec> specs =
        load_buildings((dir / "buildings.geojson").string());
    (void)buildings::build_stock(specs);
  }
  if (sum.land_polygons > 0) {
    write_text(dir / "land_cover.geojson", land.dump(1) + "\n");
    (void)load_land_cover((dir / "land_cover.geojson").string());
  }

  // --- demand: random trips weighted by road length and the floor area beside each road
  const std::size_t roads = net.road_count();
  std::vector<geo::Vec2> middle(roads);
  std::vector<double> origin(roads), destination(roads);
  double total_km = 0.0;
  for (std::size_t r = 0; r < roads; ++r) {
    const Index lane = net.road_first_lane[r];
    const auto line = net.seg_shape[lane];
    middle[r] = line.point_at(line.length() / 2.0);
    origin[r] = destination[r] = net.seg_length_m[lane];
    total_km += net.seg_length_m[lane] / 1000.0;
  }
  for (const Footprint& f : footprints) {
    geo::Vec2 c{};
    for (const geo::Vec2& p : f.ring) c = c + p;
    c = {c.x / static_cast<double>(f.ring.size()), c.y / static_cast<double>(f.ring.size())};
    std::size_t nearest = 0;
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t r = 0; r < roads; ++r) {
      const double d = std::hypot(middle[r].x - c.x, middle[r].y - c.y);
      if (d < best) best = d, nearest = r;
    }
    const double w = kWeightPerFloorArea * f.area_m2 * f.floors;
    (f.use == "residential" ? origin : destination)[nearest] += w;
  }
  const auto cumulative = [](std::vector<double> w) {
    for (std::size_t i = 1; i < w.size(); ++i) w[i] += w[i - 1];
    return w;
  };
  const std::vector<double> from_cdf = cumulative(origin), to_cdf = cumulative(destination);
  const auto pick = [](const std::vector<double>& cdf, double u) {
    const auto at = std::upper_bound(cdf.begin(), cdf.end(), u * cdf.back());
    return static_cast<Index>(
        std::min<std::size_t>(static_cast<std::size_t>(at - cdf.begin()), cdf.size() - 1));
  };
  const std::int64_t wanted =
      o.trips > 0 ? o.trips
                  : std::max<std::int64_t>(
                        1, std::llround(total_km * o.trips_per_km_h * o.duration_s / 3600.0));
  const traffic::Router router(net);
  struct TripRow {
    double depart;
    Index from, to;
  };
  std::vector<TripRow> rows;
  const double peak =
      0.4 * o.duration_s;  // a morning: demand rises to 40 % of the window, then falls
  for (std::int64_t i = 0; i < wanted; ++i) {
    for (std::uint64_t attempt = 0; attempt < 32; ++attempt) {
      const std::uint64_t k = static_cast<std::uint64_t>(i) * 32 + attempt;
      const auto entity = static_cast<std::uint32_t>(0);
      const Index from = pick(from_cdf, rng::uniform(o.seed, kTripStream, entity, 3 * k));
      const Index to = pick(to_cdf, rng::uniform(o.seed, kTripStream, entity, 3 * k + 1));
      if (from == to || router.route(from, to).empty()) {
        ++sum.trips_unroutable;
        continue;
      }
      // Triangular departure time on [0, duration) with its mode at `peak` (inverse CDF).
      const double u = rng::uniform(o.seed, kTripStream, entity, 3 * k + 2);
      const double d = o.duration_s;
      const double t =
          u < peak / d ? std::sqrt(u * d * peak) : d - std::sqrt((1.0 - u) * d * (d - peak));
      rows.push_back({std::min(t, std::nextafter(d, 0.0)), from, to});
      break;
    }
  }
  if (rows.empty()) {
    throw Error("no trip can be routed on the imported network")
        .in_file(o.osm_path)
        .expected("roads joined into a network a car can cross");
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const TripRow& a, const TripRow& b) { return a.depart < b.depart; });
  sum.trips = rows.size();
  std::string trips = "<routes>\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    trips += fmt::format("    <trip id=\"t{}\" depart=\"{:.2f}\" from=\"{}\" to=\"{}\"/>\n", i,
                         rows[i].depart, net.road_id[rows[i].from], net.road_id[rows[i].to]);
  }
  trips += "</routes>\n";
  write_text(dir / "trips.rou.xml", trips);

  // --- the manifest
  const bool with_buildings = sum.buildings > 0 && !o.weather_path.empty();
  if (with_buildings) fs::copy_file(o.weather_path, dir / "weather.epw");
  const std::string name = fs::path(o.osm_path).stem().string();
  std::string toml = fmt::format(
      "# Imported by parktwin {} from {} (OpenStreetMap data, (c) OpenStreetMap contributors,\n"
      "# ODbL 1.0: https://www.openstreetmap.org/copyright).\n"
      "# Car network: {}\n"
      "# Buildings and land cover read from the same map; {} random trips weighted by road length\n"
      "# and floor area (homes as origins, workplaces as destinations), seed {}, morning profile.\n"
      "name = \"{}\"\n"
      "description = \"{} (OpenStreetMap): {} roads, {} signals, {} buildings, {} trips\"\n"
      "start = {}\n"
      "duration = {}\n"
      "step = 1.0\n"
      "seed = {}\n\n"
      "[traffic]\n"
      "network = \"network.net.xml\"\n"
      "demand = \"trips.rou.xml\"\n",
      version(), fs::path(o.osm_path).filename().string(), sum.netconvert_command, sum.trips,
      o.seed, name, name, sum.roads, sum.signals, sum.buildings, sum.trips, o.start, o.duration_s,
      o.seed);
  if (with_buildings) {
    toml += "\n[buildings]\nfile = \"buildings.geojson\"\nweather = \"weather.epw\"\n";
  }
  if (sum.land_polygons > 0) toml += "\n[scene]\nland_cover = \"land_cover.geojson\"\n";
  sum.manifest_path = (dir / "scenario.toml").string();
  write_text(sum.manifest_path, toml);
  return sum;
}

}  // namespace parktwin::scenarios::osm
