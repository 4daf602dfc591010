// parktwin import osm: a scenario folder from an OpenStreetMap file (network by Debian's
// netconvert, buildings, land cover, a demand): scenarios/osm/osm_import.h, docs/osm-import.md.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <system_error>

#include "engine/error.h"
#include "scenarios/osm/osm_import.h"
#include "tools/cli_checks.h"
#include "tools/command.h"
#include "tools/shipped_assets.h"

namespace parktwin::cli {

namespace {

namespace fs = std::filesystem;

int import_osm(scenarios::osm::ImportOptions o, const CommandContext& ctx) {
  if (o.weather_path.empty()) o.weather_path = shipped_asset(kShippedWeather);
  ctx.err << fmt::format("importing {} (netconvert, buildings, land cover, demand) ...\n",
                         o.osm_path);
  const scenarios::osm::ImportSummary s = scenarios::osm::import_osm(o);
  ctx.out << fmt::format(
      "car network: {} roads, {} junctions, {} signals (netconvert; footways, cycleways and "
      "other roads no car may use are left out)\n",
      s.roads, s.junctions, s.signals);
  ctx.out << fmt::format("buildings: {}; land cover polygons (water, parks): {}\n", s.buildings,
                         s.land_polygons);
  if (s.deleted_skipped > 0) {
    ctx.out << fmt::format("skipped {} elements marked deleted or invisible (JOSM)\n",
                           s.deleted_skipped);
  }
  if (s.partial_ways > 0) {
    ctx.out << fmt::format(
        "left out {} building or area ways that are open, of no area, or reach outside the file\n",
        s.partial_ways);
  }
  if (s.implausible_tags > 0) {
    ctx.out << fmt::format(
        "ignored {} building:levels or height tags beyond any building (> 300 floors, > 1500 m)\n",
        s.implausible_tags);
  }
  ctx.out << fmt::format("demand: {} trips over {} s ({} draws without a route redrawn)\n", s.trips,
                         o.duration_s, s.trips_unroutable);
  if (s.buildings > 0 && o.weather_path.empty()) {
    ctx.out << "no weather file (--weather): buildings.geojson is written, the scenario has no "
               "[buildings]\n";
  }
  ctx.out << fmt::format("wrote {}\nrun it with: parktwin run {}\n", s.manifest_path,
                         s.manifest_path);
  return exit_code::ok;
}

}  // namespace

CommandRun configure_import(CLI::App& sub) {
  sub.require_subcommand(1, 1);
  auto o = std::make_shared<scenarios::osm::ImportOptions>();
  CLI::App* osm = sub.add_subcommand(
      "osm", "A scenario from an OpenStreetMap XML file (network via Debian's netconvert)");
  osm->add_option("MAP", o->osm_path, "OpenStreetMap XML file (.osm), e.g. saved by JOSM")
      ->required()
      ->check(non_empty_path());
  osm->add_option("--out", o->out_dir, "Folder to create (must not exist or be empty)")
      ->required()
      ->check(non_empty_path())
      ->type_name("DIR");
  osm->add_option("--duration", o->duration_s, "Seconds of demand and of the scenario")
      ->capture_default_str()
      ->check(finite_positive());
  osm->add_option("--trips", o->trips,
                  "Trips in all (default: --trips-per-km-h per km of car road and hour)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}));
  osm->add_option("--trips-per-km-h", o->trips_per_km_h, "Trips per km of car road per hour")
      ->capture_default_str()
      ->check(finite_positive());
  osm->add_option("--seed", o->seed, "Seed of the demand (also the scenario's seed)")
      ->capture_default_str()
      ->check(whole_number(std::numeric_limits<std::int64_t>::max()));
  osm->add_option("--weather", o->weather_path,
                  "EPW weather for the buildings (default: the typical year shipped in assets/)")
      ->check(CLI::ExistingFile);
  osm->add_option("--start", o->start, "Local date and time of t = 0 (ISO 8601)")
      ->capture_default_str();
  osm->footer(
      "Runs: netconvert --osm-files MAP --geometry.remove --ramps.guess --junctions.join "
      "--tls.guess-signals --tls.discard-simple --tls.join --remove-edges.isolated "
      "--keep-edges.by-vclass passenger (service roads carry cars), and records the command in "
      "scenario.toml. Buildings (building=*, height, building:levels, use from the tags) go "
      "into buildings.geojson, water and parks into land_cover.geojson; trips between roads "
      "weighted by length and the floor area of nearby homes (origins) and workplaces "
      "(destinations) follow a morning profile. Deleted JOSM elements are skipped.\n"
      "Example: parktwin import osm campus.osm --out campus && parktwin run "
      "campus/scenario.toml\n");
  return [o, osm](const CommandContext& ctx) {
    if (osm->parsed()) return import_osm(*o, ctx);
    throw Error("no importer chosen").expected("osm");
  };
}

}  // namespace parktwin::cli
