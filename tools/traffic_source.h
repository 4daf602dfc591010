#pragma once
// Where the pictures of `parktwin render` and `parktwin view` come from: a scenario simulated
// live (a World, stepped forward) or a recorded run file replayed (any time, back and forth).
// Either way the caller sees one moment at a time as a render::TrafficFrame.

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "render/ground_cover.h"
#include "render/scene_builder.h"
#include "scenarios/replay.h"
#include "scenarios/run_file.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"
#include "sim/world.h"

namespace parktwin::cli {

class TrafficSource {
 public:
  // A scenario manifest, or a run file (told apart by HDF5's signature). Errors name the file.
  explicit TrafficSource(const std::string& path);
  ~TrafficSource();
  TrafficSource(const TrafficSource&) = delete;
  TrafficSource& operator=(const TrafficSource&) = delete;

  // A what-if of `base` run live from t = 0: the same inputs and settings (a replay's as its
  // run file records them), with `edits` added to its events; seek() catches up to the time
  // the edits act. Shares base's network: base must outlive it. Errors name the edit that
  // does not fit the network.
  static std::unique_ptr<TrafficSource> variant_of(const TrafficSource& base,
                                                   std::vector<scenarios::EventSpec> edits);

  bool is_replay() const { return replay_ != nullptr; }
  const scenarios::RunMeta& meta() const { return meta_; }
  const traffic::Network& network() const { return *net_; }
  const traffic::Demand& demand() const { return demand_; }
  double time_s() const { return time_s_; }
  // Live: the World itself (nullptr for a replay).
  const World* world() const { return world_.get(); }
  // The buildings, when the scenario has them (nullptr otherwise): a live World's, or a
  // replay's (the stock rebuilt from the run's buildings file, the state now from its building
  // series: temperatures, power and PV, the site's sun and totals; kWh since the start are 0).
  const buildings::BuildingStock* building_stock() const;
  const buildings::BuildingsState* buildings_state() const;
  // The land cover drawn under the roads ([scene] land_cover; empty without one).
  const std::vector<render::GroundPatch>& ground_cover() const { return ground_cover_; }

  // Moves to `time_s` (clamped to the run): a live World steps forward to the last step at
  // or before it (never back); a replay goes to the sample at or before it.
  void seek(double time_s);
  // The moment now; its spans stay valid until the next seek().
  render::TrafficFrame frame() const;
  std::size_t vehicles() const { return sample_.vehicles_in_network; }

 private:
  TrafficSource() = default;
  void take();
  void replay_closures(double time_s);
  void take_replay_buildings();
  void mark_agents();

  scenarios::RunMeta meta_;
  std::unique_ptr<scenarios::ReplayReader> replay_;
  std::unique_ptr<traffic::Network> own_net_;  // a live run's, loaded from its manifest
  const traffic::Network* net_ = nullptr;      // own_net_, the replay's, or a base's
  traffic::Demand demand_;
  std::unique_ptr<World> world_;
  scenarios::TrafficSample sample_{traffic::Network{}};
  std::vector<std::uint8_t> lane_closed_;             // per lane, now
  std::vector<std::uint8_t> signal_agent_;            // per signal: 1 = an agent runs it
  std::vector<traffic::TrafficEvent> replay_events_;  // a replay's, in the order applied
  std::unique_ptr<const buildings::BuildingStock> replay_stock_;  // a replay's with buildings
  buildings::BuildingsState replay_buildings_;                    // ... at the sample now
  double replay_buildings_time_s_ = std::numeric_limits<double>::quiet_NaN();  // its time
  std::vector<render::GroundPatch> ground_cover_;
  double time_s_ = 0.0;
};

// Is the file an HDF5 file (a run file) rather than a manifest?
bool is_hdf5_file(const std::string& path);

}  // namespace parktwin::cli
