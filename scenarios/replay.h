#pragma once
// Replay of a recorded run (the viewer's second source, beside a live World): the state of
// vehicles and signals at a time, from the run file's trajectories when it has them, else
// by simulating again from the start (runs are deterministic, so both give the same); and
// the buildings' state at a time, from the run file's building series.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/geometry.h"
#include "scenarios/run_file.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"
#include "sim/traffic/traffic_sim.h"
#include "sim/world.h"

namespace parktwin::scenarios {

struct VehicleSnapshot {
  std::uint32_t vehicle = 0;  // trip index
  std::uint32_t segment = 0;  // lane or junction link (Network segment id)
  float pos_m = 0.0f;         // front bumper along the segment
  float speed_mps = 0.0f;
  geo::Vec2 position;  // on the segment's centre line
  double heading = 0.0;
};

struct Snapshot {
  double time_s = 0.0;
  std::vector<VehicleSnapshot> vehicles;  // segment order, front to back
  std::vector<std::uint32_t> signal_phase;
};

// The buildings at one sample: what the viewer colours and shows of each (B entries each) and
// of the site.
struct BuildingsSnapshot {
  double time_s = 0.0;
  std::vector<float> air_c, operative_c, electric_w, pv_w, hvac_heat_w;
  double site_electric_w = 0.0, site_pv_w = 0.0, outdoor_c = 0.0, sun_elevation_deg = 0.0;
};

class ReplayReader {
 public:
  // Reads the run file's metadata and time axis and loads the network it names.
  explicit ReplayReader(const std::string& path);
  ~ReplayReader();

  const RunMeta& meta() const { return meta_; }
  const traffic::Network& network() const { return net_; }
  const std::vector<double>& sample_times() const { return time_s_; }
  bool has_trajectories() const { return !count_.empty(); }

  // The recorded sample at or before `time_s` (the first sample before the start).
  Snapshot at(double time_s);

  // Whether buildings_at() can say: the run had buildings and the file has their series
  // (/series/buildings), or no trajectories (the buildings are then simulated again too).
  bool has_buildings() const;
  // The buildings at the recorded sample at or before `time_s` (as at()). Error naming the
  // file when !has_buildings().
  BuildingsSnapshot buildings_at(double time_s);

 private:
  std::size_t sample_at(double time_s) const;
  Snapshot from_trajectories(std::size_t sample) const;
  Snapshot by_simulation(std::size_t sample);
  // Steps the re-simulated World to the sample (from the start when it is past it).
  void simulate_to(std::size_t sample);
  void place(Snapshot& s) const;

  std::string path_;
  RunMeta meta_;
  traffic::Network net_;
  std::vector<double> time_s_;
  std::vector<std::uint32_t> count_;   // vehicles per sample (trajectories)
  std::vector<std::uint64_t> offset_;  // first trajectory row of each sample
  std::vector<std::uint32_t> phases_;  // [sample, signal]
  bool building_series_ = false;       // the file has /series/buildings
  // Re-simulation: kept between calls, so that scrubbing forward continues it.
  std::unique_ptr<traffic::Demand> demand_;
  std::unique_ptr<World> world_;
};

}  // namespace parktwin::scenarios
