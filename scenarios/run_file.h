#pragma once
// The HDF5 run file: one per run, readable with h5py or h5dump without parktwin. Layout,
// dataset by dataset, in docs/hdf5-layout.md; this file writes and reads exactly that.
//
//   /meta          attributes: format, scenario, scenario_text, seed, threads, ...
//   /network/...   static tables of the road network
//   /buildings     static table of the buildings (with buildings)
//   /energy/...    static table of the feeders (with energy)
//   /series/...    [time] and [time, entity] datasets, one row per sample
//   /events        the scenario's events, a row each
//   /controllers   the policy of every signal
//   /kpi           attributes: the run's KPIs, written when it ends (state_hash last; the
//                  group itself exists from the file's creation)

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/district_series.h"
#include "scenarios/hdf5/h5.h"
#include "scenarios/scenario_controls.h"
#include "sim/traffic/network.h"
#include "sim/traffic/traffic_sim.h"
#include "sim/world.h"

namespace parktwin::scenarios {

inline constexpr const char* kRunFileFormat = "parktwin-run";
// 2: /events, /controllers; checkpoints hold closures and signal plans.
inline constexpr std::int64_t kRunFileFormatVersion = 2;

// SUMO's default time-to-teleport (s).
inline constexpr double kSumoTimeToTeleport_s = 300.0;

// What /meta records about a run.
struct RunMeta {
  std::string scenario;       // name
  std::string scenario_path;  // the manifest, or "" for --network/--demand runs
  std::string scenario_text;  // the manifest's text as loaded ("" without one)
  std::string network_path, demand_path;
  std::string start;  // local date and time of t = 0 (ISO 8601), "" when not given
  std::uint64_t seed = 0;
  std::int64_t threads = 1;
  double step_s = 1.0;
  double duration_s = 0.0;
  double sample_interval_s = 60.0;
  double checkpoint_interval_s = 0.0;  // 0: none
  bool lane_changing = false;
  // SUMO's time-to-teleport (TrafficConfig::teleport_after_s; <= 0: never). Unless a scenario
  // says otherwise, kSumoTimeToTeleport_s for SUMO inputs and never for CityFlow's.
  double teleport_after_s = 0.0;
  bool trajectories = false;      // record every vehicle's segment, position and speed per sample
  std::string wall_start;         // ISO 8601 UTC
  std::vector<EventSpec> events;  // /events
  SignalControlSpec controllers;  // /controllers
  // [buildings] of the scenario ("" for none)
  std::string buildings_path, weather_path;
  double buildings_step_s = 60.0;
  bool buildings_shading = false;
  // The site for the sun (NaN: the weather file's station).
  double site_latitude_deg = std::numeric_limits<double>::quiet_NaN();
  double site_longitude_deg = std::numeric_limits<double>::quiet_NaN();
  double ev_share = 0.0;      // [traffic] ev_share
  double demand_scale = 1.0;  // [traffic] demand_scale
  // [energy] ("" for none; the carbon factor < 0: the default)
  std::string grid_path, tariff_path;
  double carbon_kg_per_kwh = -1.0;
  std::string carbon_series_path;  // hourly carbon intensity CSV ("" for none)
  std::string land_cover_path;     // [scene] land_cover ("" for none)
};

// One sample of the traffic series, in buffers sized once for the network (the recorder
// recycles them, so sampling allocates nothing).
struct TrafficSample {
  // trajectory_capacity: room for that many vehicles (the trip count), 0 for no trajectories.
  TrafficSample(const traffic::Network& net, std::size_t trajectory_capacity = 0);
  // Fills every field from the simulation's state now.
  void take(const traffic::TrafficSim& sim);

  double time_s = 0.0;
  std::uint64_t running = 0, waiting = 0, finished = 0, created = 0;
  std::vector<std::uint32_t> lane_vehicles, lane_halting;
  std::vector<float> lane_mean_speed_mps;
  std::vector<std::uint32_t> signal_phase;
  // Trajectories: the first `vehicles_in_network` entries, vehicles in segment order and
  // front to back within a segment.
  std::uint32_t vehicles_in_network = 0;
  std::vector<std::uint32_t> vehicle, segment;
  std::vector<float> pos_m, speed_mps;
};

// One sample of a run: traffic's, and the buildings' and the district electricity's when the
// World has them, in buffers sized once (the recorder recycles them).
struct RunSample {
  // `world`: the World whose buildings and energy the sample has room for (nullptr: none).
  RunSample(const traffic::Network& net, std::size_t trajectory_capacity = 0,
            const World* world = nullptr);
  // Traffic only (a sample without buildings or energy parts).
  void take(const traffic::TrafficSim& sim);
  // Every part the sample has room for, from the World's state now.
  void take(const World& world);

  TrafficSample traffic;
  std::optional<BuildingsSample> buildings;
  std::optional<EnergySample> energy;
};

// The whole simulation state at one step (TrafficSim::save_state), with the number of
// series rows recorded up to it. Its buffers are reused from one checkpoint to the next.
struct Checkpoint {
  std::int64_t step = 0;
  double time_s = 0.0;
  std::uint64_t series_rows = 0;
  std::uint64_t trajectory_rows = 0;  // vehicle rows of /trajectories up to it
  std::vector<std::pair<std::string, std::vector<unsigned char>>> parts;
  std::string group = "/checkpoint";  // where it was read from, for messages

  void take(const traffic::TrafficSim& sim, std::uint64_t rows_so_far,
            std::uint64_t trajectory_rows_so_far);
  // The World's state: traffic's parts, then its buildings' (named "buildings.<part>").
  void take(const World& world, std::uint64_t rows_so_far, std::uint64_t trajectory_rows_so_far);
  // Error naming `path` and the part when a part is missing or of the wrong size, or the
  // state it gives does not hang together (TrafficSim::check_state) or is not at `step`.
  void restore(traffic::TrafficSim& sim, const std::string& path) const;
  void restore(World& world, const std::string& path) const;
};

// A run file's /meta; Error naming the file when it is not a parktwin run file.
RunMeta read_run_meta(const std::string& path);

// What a killed run left to continue from: its metadata and latest complete checkpoint.
struct ResumePoint {
  RunMeta meta;
  Checkpoint checkpoint;
};
// Errors (naming the file): not a parktwin run file, a run that finished, no checkpoint.
ResumePoint read_resume_point(const std::string& path);
// Makes a run file that a kill or a full disk cut off in the middle of a write fit to be
// continued (before read_resume_point): its end moved to the file's, and when an object is
// unreadable, the file rewritten without it (keeping the checkpoint in force). Changes
// nothing in a sound file. Error naming the file when a part that must be kept is damaged.
void repair_for_resume(const std::string& path);

// Writes a run file. Not thread-safe: one thread (the recorder's writer) uses it.
class RunFileWriter {
 public:
  // Creates `path` (which must not exist) and writes /meta and /network; with a World that has
  // buildings (energy), also /buildings (/energy/feeders) and their series.
  RunFileWriter(const std::string& path, const RunMeta& meta, const traffic::Network& net,
                const World* world = nullptr);
  // Opens the run file at `path` to continue it: its series are cut back to `keep_rows`.
  // `world`: the resumed World (its buildings and energy size their series).
  struct Continue {
    std::uint64_t keep_rows;
    std::uint64_t keep_trajectory_rows;
  };
  RunFileWriter(const std::string& path, const traffic::Network& net, Continue from,
                const World* world = nullptr);

  // Appends a row to every series. A file with building or energy series needs a sample
  // with those parts (RunSample::take(const World&)).
  void append(const RunSample& sample);
  // Whether the file records the buildings' or the energy's series.
  bool has_district_series() const { return district_.has_buildings() || district_.has_energy(); }
  // Writes the state into the older of two slots, then marks it the latest: a crash while
  // writing leaves the previous checkpoint intact.
  void write_checkpoint(const Checkpoint& checkpoint);
  void flush();
  // Writes /kpi (and the final state hash) once the run has ended.
  // /kpi: traffic's KPIs, the buildings' as "buildings.<name>" and the energy's as
  // "energy.<name>" (each feeder's as "energy.feeder.<feeder>.<name>") when given.
  // From `tables`, the simulation that ended: /kpi/road_teleports (per road of /network, the
  // teleports that started on it), /kpi/road_waiting (the insertion backlog per road) and, with
  // loop detectors, /kpi/detectors/{id, lane, pos_m, count}.
  void write_kpis(const traffic::TrafficKpis& kpis, std::uint64_t state_hash, double step_wall_s,
                  const traffic::TrafficSim& tables,
                  const buildings::BuildingsKpis* buildings = nullptr,
                  const energy::EnergyKpis* energy = nullptr);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  h5::Handle file_;
  h5::Handle series_group_;
  h5::Series time_s_, running_, waiting_, finished_, created_;
  h5::Series lane_vehicles_, lane_halting_, lane_mean_speed_, signal_phase_;
  bool has_signals_ = false;
  bool has_trajectories_ = false;
  h5::Series traj_count_, traj_vehicle_, traj_segment_, traj_pos_, traj_speed_;
  DistrictSeries district_;        // /series/buildings, /series/energy
  std::int64_t latest_slot_ = -1;  // checkpoint slot written last, -1: none yet

  void open_series(const traffic::Network& net, const World* world, std::optional<Continue> from);
};

// What `parktwin inspect` shows.
struct RunFileSummary {
  std::vector<std::pair<std::string, std::string>> meta;  // attribute name, value as text
  std::vector<std::pair<std::string, std::string>> kpis;  // empty when the run did not end
  std::vector<h5::DatasetInfo> datasets;
};

// Reads a run file's summary; Error naming the file when it is not a parktwin run file.
RunFileSummary summarize_run_file(const std::string& path);

}  // namespace parktwin::scenarios
