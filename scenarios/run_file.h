#pragma once
// The HDF5 run file: one per run, readable with h5py or h5dump without parktwin. Layout,
// dataset by dataset, in docs/hdf5-layout.md; this file writes and reads exactly that.
//
//   /meta          attributes: format, scenario, scenario_text, seed, threads, ...
//   /network/...   static tables of the road network
//   /series/...    [time] and [time, entity] datasets, one row per sample
//   /kpi           attributes: the run's KPIs, written when it ends

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/hdf5/h5.h"
#include "sim/traffic/network.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::scenarios {

inline constexpr const char* kRunFileFormat = "parktwin-run";
inline constexpr std::int64_t kRunFileFormatVersion = 1;

// What /meta records about a run.
struct RunMeta {
  std::string scenario;       // name
  std::string scenario_path;  // the manifest, or "" for --network/--demand runs
  std::string scenario_text;  // the manifest's text as loaded ("" without one)
  std::string network_path, demand_path;
  std::uint64_t seed = 0;
  std::int64_t threads = 1;
  double step_s = 1.0;
  double duration_s = 0.0;
  double sample_interval_s = 60.0;
  std::string wall_start;  // ISO 8601 UTC
};

// One sample of the traffic series, in buffers sized once for the network (the recorder
// recycles them, so sampling allocates nothing).
struct TrafficSample {
  explicit TrafficSample(const traffic::Network& net);
  // Fills every field from the simulation's state now.
  void take(const traffic::TrafficSim& sim);

  double time_s = 0.0;
  std::uint64_t running = 0, waiting = 0, finished = 0, created = 0;
  std::vector<std::uint32_t> lane_vehicles, lane_halting;
  std::vector<float> lane_mean_speed_mps;
  std::vector<std::uint32_t> signal_phase;
};

// Writes a run file. Not thread-safe: one thread (the recorder's writer) uses it.
class RunFileWriter {
 public:
  // Creates `path` (which must not exist) and writes /meta and /network.
  RunFileWriter(const std::string& path, const RunMeta& meta, const traffic::Network& net);

  void append(const TrafficSample& sample);
  void flush();
  // Writes /kpi (and the final state hash) once the run has ended.
  void write_kpis(const traffic::TrafficKpis& kpis, std::uint64_t state_hash, double step_wall_s);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  h5::Handle file_;
  h5::Handle series_group_;
  h5::Series time_s_, running_, waiting_, finished_, created_;
  h5::Series lane_vehicles_, lane_halting_, lane_mean_speed_, signal_phase_;
  bool has_signals_ = false;
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
