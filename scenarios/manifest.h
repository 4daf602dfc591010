#pragma once
// The scenario manifest (TOML): what to simulate, for how long and what to record.
// Documented key by key in docs/scenario-format.md.
//
//   extends = "base.toml"  # optional: this file's keys override the base's
//   name = "hangzhou_4x4"
//   description = "..."
//   start = 2026-07-15T08:00:00   # local date and time of t = 0
//   duration = 3600      # s, > 0
//   step = 1.0           # s, > 0
//   seed = 0             # integer >= 0
//   threads = 0          # 0: all
//   [traffic]
//   network = "roadnet.json"   # relative to this file's folder
//   demand = "flow.json"
//   ev_share = 0.2             # share of car trips driven by EVs, 0..1 (default 0)
//   demand_scale = 1.2         # the whole demand scaled, >= 0 (default 1)
//   [buildings]
//   file = "buildings.geojson" # footprints, heights, uses (scenarios/buildings_geojson.h)
//   weather = "weather.epw"    # EnergyPlus weather file
//   step = 60                  # s, a whole number of traffic steps
//   shading = true             # buildings shade one another (sim/buildings/shading.h)
//   latitude = 31.30           # the site for the sun, degrees north and east (both or
//   longitude = 120.68         #   neither; default: the weather file's station)
//   [energy]                   # needs [buildings]
//   grid = "grid.toml"         # feeders and substations (scenarios/grid_toml.h); default none
//   tariff = "tariff.toml"     # time-of-use tariff (scenarios/tariff_toml.h); default none
//   carbon = 0.5703            # kg CO2 per kWh bought (default: energy::kGridCarbonKgPerKwh)
//   carbon_series = "c.csv"    # hour by hour (scenarios/carbon_csv.h); counts over `carbon`
//   [outputs]
//   file = "run.h5"            # HDF5 run file (docs/hdf5-layout.md)
//   series_interval = 60       # s
//   checkpoint_interval = 600  # s, 0: none
//   [controllers]
//   signals = "max_pressure"   # or "fixed_time" (default)
//   batteries = "time_of_use"  # or "self_consumption", "idle", "peak_shaving"
//   charging = "immediate"     # or "delayed", "edf", "llf" (sim/energy/ev_charging.h)
//   [[events]]
//   at = 900                   # s after the start, or a local date-time
//   type = "close_road"        # close_road, open_road, close_lane, open_lane, signal_plan,
//   road = "road_1_1_0"        # demand_multiplier

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/scenario_controls.h"

namespace parktwin::scenarios {

struct Manifest {
  std::string path;  // the manifest file itself
  std::string name;
  std::string description;
  std::string start = "2026-01-01T00:00:00";  // local time of simulated t = 0, ISO 8601
  double duration_s = 3600.0;
  double step_s = 1.0;
  std::uint64_t seed = 0;
  int threads = 0;           // 0: all hardware threads (the --threads flag overrides)
  std::string network_path;  // resolved from the folder of the file that names it
  std::string demand_path;
  double ev_share = 0.0;
  double demand_scale = 1.0;  // [traffic] demand_scale: every trip kept this many times
  // [traffic] teleport_after, or a .sumocfg's time-to-teleport (s, <= 0: never); unset: the
  // input's own simulator's default (RunMeta::teleport_after_s).
  std::optional<double> teleport_after_s;
  // [buildings]: none when buildings_path is ""
  std::string buildings_path, weather_path;
  double buildings_step_s = 60.0;
  bool buildings_shading = true;
  // [buildings] latitude / longitude: where the sun is computed for (NaN: the weather file's
  // station).
  double site_latitude_deg = std::numeric_limits<double>::quiet_NaN();
  double site_longitude_deg = std::numeric_limits<double>::quiet_NaN();
  // [scene]: what is only drawn; "" for none
  std::string land_cover_path;
  // [energy]: "" for none
  std::string grid_path, tariff_path;
  double carbon_kg_per_kwh = -1.0;  // < 0: the default factor
  std::string carbon_series_path;   // "" for none (the factor above)
  std::string run_file;             // "" for none (--out overrides)
  double series_interval_s = 60.0;
  double checkpoint_interval_s = 600.0;  // 0: none
  bool trajectories = false;
  std::vector<EventSpec> events;  // a base's first, then this file's, each in file order
  SignalControlSpec controllers;
  std::vector<std::string> extends;  // the chain of bases, nearest first
};

// Reads a manifest, and first the manifests it `extends` (recursively): a key given here
// replaces the base's, tables merge key by key. Throws parktwin::Error naming file, line and
// key for syntax errors, unknown keys, wrong types, out-of-range values, missing input
// files and cyclic `extends`.
Manifest load_manifest(const std::string& path);

}  // namespace parktwin::scenarios
