// parktwin import osm (scenarios/osm/): the small town written for the tests, the real XJTLU
// campus extract from inside Suzhou Industrial Park (../shared/data/osm), and bad input. Needs
// Debian's netconvert (tools/install-deps.sh installs sumo).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "engine/error.h"
#include "scenarios/manifest.h"
#include "scenarios/osm/osm_file.h"
#include "scenarios/osm/osm_import.h"
#include "scenarios/osm/utm.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;
using Catch::Matchers::Contains;
using parktwin::test::error_of;
using parktwin::test::TempDir;
namespace osm = parktwin::scenarios::osm;
namespace fs = std::filesystem;

namespace {

const std::string kTown = std::string(PARKTWIN_SOURCE_DIR) + "/tests/data/osm/small_town.osm";
const std::string kCampus =
    std::string(PARKTWIN_SOURCE_DIR) + "/../shared/data/osm/xjtlu_campus/xjtlu_campus.osm";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

osm::ImportSummary import_into(const fs::path& dir, const std::string& map) {
  osm::ImportOptions o;
  o.osm_path = map;
  o.out_dir = dir.string();
  o.weather_path = std::string(PARKTWIN_SOURCE_DIR) +
                   "/assets/weather/CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx.1956-2023.epw";
  return osm::import_osm(o);
}

// Ids of the ways tagged highway=<kind> in an OSM file (not deleted).
std::set<std::string> ways_of(const std::string& map, const std::string& kind) {
  std::set<std::string> out;
  for (const osm::Way& w : osm::read_osm(map).ways) {
    if (w.tag("highway") == kind) out.insert(w.id);
  }
  return out;
}

// netconvert names an edge after its way: "<id>#<n>", "-<id>#<n>" or the id alone.
std::string way_of_edge(std::string edge) {
  if (!edge.empty() && edge[0] == '-') edge.erase(0, 1);
  return edge.substr(0, edge.find('#'));
}

}  // namespace

TEST_CASE("import osm: the small town becomes a scenario that runs an hour", "[scenarios][osm]") {
  TempDir dir;
  const osm::ImportSummary s = import_into(dir.path() / "town", kTown);
  CHECK(s.signals == 1);          // the crossing tagged traffic_signals
  CHECK(s.buildings == 2);        // the deleted third is skipped
  CHECK(s.land_polygons == 2);    // the lake and the park
  CHECK(s.deleted_skipped == 2);  // the deleted building and node
  CHECK(s.trips > 100);

  // The footway is no road; the network is netconvert's, projected as we project.
  const traffic::Network net =
      scenarios::load_network((dir.path() / "town/network.net.xml").string());
  CHECK(net.road_count() == s.roads);
  for (const std::string& id : net.road_id) CHECK(way_of_edge(id) != "107");
  const osm::NetProjection proj =
      osm::read_net_projection((dir.path() / "town/network.net.xml").string());
  pugi::xml_document doc;
  REQUIRE(doc.load_file((dir.path() / "town/network.net.xml").c_str()));
  int compared = 0;
  for (pugi::xml_node j = doc.child("net").child("junction"); j; j = j.next_sibling("junction")) {
    if (std::string(j.attribute("id").value()) != "5") continue;  // the signalised crossing
    const geo::Vec2 p = osm::project(proj, 31.302, 120.702);
    CHECK(std::abs(p.x - j.attribute("x").as_double()) < 0.05);
    CHECK(std::abs(p.y - j.attribute("y").as_double()) < 0.05);
    ++compared;
  }
  CHECK(compared == 1);

  // Buildings: heights and floors from the tags, use from building=*.
  const nlohmann::json b = nlohmann::json::parse(read(dir.path() / "town/buildings.geojson"));
  REQUIRE(b["features"].size() == 2);
  const nlohmann::json& homes = b["features"][0]["properties"];
  CHECK(homes["id"] == "osm-way-201");
  CHECK(homes["use"] == "residential");
  CHECK(homes["floors"] == 10);
  CHECK(homes["height"] == Approx(30.0));
  const nlohmann::json& office = b["features"][1]["properties"];
  CHECK(office["id"] == "osm-way-202");
  CHECK(office["use"] == "office");
  CHECK(office["height"] == Approx(45.0));

  // The manifest opens as it is and the hour runs with every trip finishing or on its way.
  const scenarios::Manifest m =
      scenarios::load_manifest((dir.path() / "town/scenario.toml").string());
  CHECK(!m.buildings_path.empty());
  CHECK(!m.land_cover_path.empty());
  const scenarios::RunMeta meta = scenarios::run_meta_of(m);
  const traffic::Network n = scenarios::load_network(meta.network_path);
  const traffic::Demand d = scenarios::load_demand(meta.demand_path, n, meta.duration_s);
  CHECK(d.trip_count() == s.trips);
  traffic::TrafficConfig config;
  config.lane_changing = meta.lane_changing;
  config.teleport_after_s = meta.teleport_after_s;
  traffic::TrafficSim sim(n, d, config);
  for (int i = 0; i < 3600; ++i) sim.step();
  const traffic::TrafficKpis k = sim.kpis();
  CHECK(k.created == s.trips);
  CHECK(static_cast<double>(k.finished) >= 0.95 * static_cast<double>(k.created));
  CHECK(k.teleports == 0);

  // The same map and seed give the same files.
  import_into(dir.path() / "again", kTown);
  CHECK(read(dir.path() / "again/trips.rou.xml") == read(dir.path() / "town/trips.rou.xml"));
  CHECK(read(dir.path() / "again/buildings.geojson") ==
        read(dir.path() / "town/buildings.geojson"));
}

TEST_CASE("import osm: the XJTLU campus keeps its two buildings, not its footways",
          "[scenarios][osm]") {
  if (!fs::exists(kCampus)) {
    WARN("shared data not found at " << kCampus << "; campus import skipped");
    return;
  }
  TempDir dir;
  const osm::ImportSummary s = import_into(dir.path() / "campus", kCampus);
  CHECK(s.buildings == 2);
  CHECK(s.deleted_skipped > 1000);  // JOSM's deleted elements
  CHECK(s.roads > 0);
  const std::set<std::string> footways = ways_of(kCampus, "footway");
  REQUIRE(footways.size() > 10);
  const traffic::Network net =
      scenarios::load_network((dir.path() / "campus/network.net.xml").string());
  for (const std::string& id : net.road_id) {
    INFO(id);
    CHECK(footways.count(way_of_edge(id)) == 0);
  }
  const nlohmann::json b = nlohmann::json::parse(read(dir.path() / "campus/buildings.geojson"));
  std::set<std::string> uses;
  for (const auto& f : b["features"]) uses.insert(f["properties"]["use"].get<std::string>());
  CHECK(uses == std::set<std::string>{"campus", "residential"});  // university; building=yes
}

TEST_CASE("import osm: bad input is refused naming the file, nothing written over",
          "[scenarios][osm][errors]") {
  TempDir dir;
  SECTION("an output folder that holds files") {
    dir.write("out/keep.txt", "mine");
    const Error e = error_of([&] { import_into(dir.path() / "out", kTown); });
    CHECK_THAT(e.message(), Contains("not empty"));
    CHECK(read(dir.path() / "out/keep.txt") == "mine");
    CHECK(!fs::exists(dir.path() / "out/scenario.toml"));
  }
  SECTION("a file that is not OpenStreetMap XML") {
    const std::string path = dir.write("x.osm", "<?xml version='1.0'?>\n<net>\n</net>\n");
    const Error e = error_of([&] { import_into(dir.path() / "out", path); });
    CHECK(e.context().file == path);
    CHECK(e.context().line == 2);
    CHECK_THAT(e.message(), Contains("not an OpenStreetMap XML file"));
    CHECK(!fs::exists(dir.path() / "out"));
  }
  SECTION("a map with no road a car may use") {
    const std::string path = dir.write("paths.osm", R"(<?xml version='1.0' encoding='UTF-8'?>
<osm version='0.6'>
  <node id='1' lat='31.30' lon='120.70' />
  <node id='2' lat='31.301' lon='120.701' />
  <way id='7'><nd ref='1' /><nd ref='2' /><tag k='highway' v='footway' /></way>
</osm>
)");
    const Error e = error_of([&] { import_into(dir.path() / "out", path); });
    CHECK(e.context().file == path);
    CHECK_THAT(e.message(), Contains("no road a car may use"));
  }
  SECTION("netconvert missing") {
    osm::ImportOptions o;
    o.osm_path = kTown;
    o.out_dir = (dir.path() / "out").string();
    o.netconvert = "netconvert-that-is-not-installed";
    const Error e = error_of([&] { (void)osm::import_osm(o); });
    CHECK_THAT(e.message(), Contains("netconvert not found"));
    CHECK_THAT(e.context().expected, Contains("sumo"));
  }
  SECTION("elements nested a hundred thousand deep") {
    std::string deep = "<osm>\n";
    for (int i = 0; i < 100000; ++i) deep += "<a>";
    for (int i = 0; i < 100000; ++i) deep += "</a>";
    deep += "\n</osm>\n";
    const std::string path = dir.write("deep.osm", deep);
    const Error e = error_of([&] { import_into(dir.path() / "out", path); });
    CHECK(e.context().file == path);
    CHECK(e.context().line == 2);
    CHECK_THAT(e.message(), Contains("nested too deeply"));
    CHECK(!fs::exists(dir.path() / "out"));
  }
  SECTION("a node whose latitude is not a number") {
    const std::string path =
        dir.write("nan.osm", "<osm>\n<node id='1' lat='nan' lon='120' />\n</osm>\n");
    const Error e = error_of([&] { import_into(dir.path() / "out", path); });
    CHECK(e.context().file == path);
    CHECK(e.context().line == 2);
    CHECK_THAT(e.message(), Contains("'lat' is not a number"));
  }
  SECTION("a node with coordinates out of range") {
    const std::string path =
        dir.write("bad.osm", "<osm>\n<node id='1' lat='95' lon='120' />\n</osm>\n");
    const Error e = error_of([&] { import_into(dir.path() / "out", path); });
    CHECK(e.context().file == path);
    CHECK(e.context().line == 2);
    CHECK_THAT(e.message(), Contains("out of range"));
  }
}

TEST_CASE("import osm: building heights and levels beyond any building are left unused",
          "[scenarios][osm]") {
  if (std::system("command -v netconvert > /dev/null 2>&1") != 0) {
    WARN("netconvert is not installed (tools/install-deps.sh installs sumo); import skipped");
    return;
  }
  TempDir dir;
  std::string town = read(kTown);
  const std::string tower = R"(
  <node id='9001' lat='31.3010' lon='120.7010' />
  <node id='9002' lat='31.3010' lon='120.7012' />
  <node id='9003' lat='31.3012' lon='120.7012' />
  <node id='9004' lat='31.3012' lon='120.7010' />
  <way id='9100'><nd ref='9001' /><nd ref='9002' /><nd ref='9003' /><nd ref='9004' /><nd ref='9001' />
    <tag k='building' v='yes' /><tag k='building:levels' v='1e308' /><tag k='height' v='1e400' /></way>
)";
  town.insert(town.rfind("</osm>"), tower);
  const std::string path = dir.write("tower.osm", town);
  const osm::ImportSummary s = import_into(dir.path() / "out", path);
  CHECK(s.buildings == 3);
  CHECK(s.implausible_tags == 1);  // 1e308 floors; 1e400 is no finite number at all
  const nlohmann::json b = nlohmann::json::parse(read(dir.path() / "out/buildings.geojson"));
  bool found = false;
  for (const auto& f : b["features"]) {
    if (f["properties"]["id"] != "osm-way-9100") continue;
    found = true;
    CHECK(f["properties"]["floors"].get<int>() >= 1);
    CHECK(f["properties"]["floors"].get<int>() < 100);
    CHECK(f["properties"]["height"].get<double>() < 100.0);
  }
  CHECK(found);
}
