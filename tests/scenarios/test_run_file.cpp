// The HDF5 run file (scenarios/run_file.h, run_recorder.h): what it stores is what the
// simulation had at each sample, the same for any thread count; it never overwrites a file;
// a run that stops early leaves a readable file with what was flushed.

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/error.h"
#include "scenarios/hdf5/h5.h"
#include "scenarios/manifest.h"
#include "scenarios/run_file.h"
#include "scenarios/run_recorder.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace parktwin;
using parktwin::test::TempDir;

struct Inputs {
  traffic::Network net;
  traffic::Demand demand;
};

Inputs hangzhou(double horizon_s) {
  const auto m = scenarios::load_manifest(std::string(PARKTWIN_SOURCE_DIR) +
                                          "/assets/scenarios/hangzhou_4x4/scenario.toml");
  Inputs in{scenarios::load_network(m.network_path), {}};
  in.demand = scenarios::load_demand(m.demand_path, in.net, horizon_s);
  return in;
}

scenarios::RunMeta meta() {
  scenarios::RunMeta m;
  m.scenario = "hangzhou_4x4";
  m.sample_interval_s = 60.0;
  m.duration_s = 600.0;
  m.wall_start = "2026-11-25T00:00:00Z";
  return m;
}

// Records 600 s sampled every 60 s; returns the samples the simulation had.
std::vector<scenarios::TrafficSample> record(const Inputs& in, const std::string& path,
                                             bool finish = true) {
  traffic::TrafficSim sim(in.net, in.demand, {});
  std::vector<scenarios::TrafficSample> seen;
  {
    scenarios::RunRecorder recorder(path, meta(), in.net);
    for (int i = 0; i <= 600; ++i) {
      if (i % 60 == 0) {
        recorder.record(sim);
        seen.emplace_back(in.net).take(sim);
      }
      if (i < 600) sim.step();
    }
    if (finish) recorder.finish(sim.kpis(), sim.state_hash(), 0.0, sim);
  }
  return seen;
}

template <class T>
std::vector<T> read(const std::string& path, const std::string& dataset) {
  const h5::Handle file = h5::open_file(path);
  return h5::read_column<T>(file.get(), dataset, path);
}

}  // namespace

TEST_CASE("the run file holds what the simulation had at each sample", "[scenarios][hdf5]") {
  const Inputs in = hangzhou(600);
  TempDir dir;
  const std::string path = (dir.path() / "run.h5").string();
  const auto seen = record(in, path);
  REQUIRE(seen.size() == 11);

  const auto time_s = read<double>(path, "/series/time_s");
  REQUIRE(time_s.size() == 11);
  const auto running = read<std::uint64_t>(path, "/series/traffic/running");
  const auto vehicles = read<std::uint32_t>(path, "/series/traffic/lane_vehicles");
  const auto speed = read<float>(path, "/series/traffic/lane_mean_speed_mps");
  const auto phase = read<std::uint32_t>(path, "/series/traffic/signal_phase");
  const std::size_t L = in.net.lane_count(), G = in.net.signal_count();
  REQUIRE(vehicles.size() == 11 * L);
  REQUIRE(phase.size() == 11 * G);
  for (std::size_t t = 0; t < seen.size(); ++t) {
    CHECK(time_s[t] == 60.0 * static_cast<double>(t));
    CHECK(running[t] == seen[t].running);
    for (std::size_t l = 0; l < L; ++l) {
      REQUIRE(vehicles[t * L + l] == seen[t].lane_vehicles[l]);
      REQUIRE(speed[t * L + l] == seen[t].lane_mean_speed_mps[l]);
    }
    for (std::size_t g = 0; g < G; ++g) REQUIRE(phase[t * G + g] == seen[t].signal_phase[g]);
  }
  // Vehicles did move: the series are not constant.
  CHECK(running.back() > 100);

  const scenarios::RunFileSummary summary = scenarios::summarize_run_file(path);
  const auto kpi = [&](const std::string& name) {
    for (const auto& [n, v] : summary.kpis)
      if (n == name) return v;
    return std::string("(missing)");
  };
  traffic::TrafficSim again(in.net, in.demand, {});
  for (int i = 0; i < 600; ++i) again.step();
  CHECK(kpi("finished") == std::to_string(again.kpis().finished));
  CHECK(kpi("state_hash") == fmt::format("{:016x}", again.state_hash()));
  // Series and network, /events (11 columns), /controllers, /kpi/road_teleports and
  // road_waiting.
  CHECK(summary.datasets.size() == 27 + 11 + 3 + 2);
}

TEST_CASE("a World's run file holds its buildings' and energy's series", "[scenarios][hdf5]") {
  const scenarios::Manifest m = scenarios::load_manifest(
      std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml");
  scenarios::RunMeta run = scenarios::run_meta_of(m);
  run.duration_s = 600.0;
  run.sample_interval_s = 60.0;
  const traffic::Network net = scenarios::load_network(run.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(run, net);
  const auto world = scenarios::make_world(run, net, demand);
  REQUIRE(world->buildings() != nullptr);
  REQUIRE(world->energy() != nullptr);
  TempDir dir;
  const std::string path = (dir.path() / "world.h5").string();
  std::vector<scenarios::RunSample> seen;
  {
    scenarios::RunRecorder recorder(path, run, *world);
    // Its buildings' series would fall behind: the World is what such a file records.
    CHECK_THROWS_WITH(recorder.record(world->traffic()),
                      Catch::Contains("record the World, not its traffic"));
    for (int i = 0; i <= 600; ++i) {
      if (i % 60 == 0) {
        recorder.record(*world);
        seen.emplace_back(net, 0, world.get()).take(*world);
      }
      if (i < 600) world->step();
    }
    recorder.finish(world->traffic().kpis(), world->traffic().state_hash(), 0.0, world->traffic());
  }
  const buildings::BuildingStock& stock = world->buildings()->stock();
  const energy::DistrictAssets& assets = world->energy()->assets();
  const std::size_t B = stock.size(), F = assets.feeders();
  const h5::Handle file = h5::open_file(path);
  CHECK(h5::read_strings(file.get(), "/buildings/id", path) == stock.id);
  CHECK(read<std::uint16_t>(path, "/buildings/chargers") == stock.chargers);
  CHECK(h5::read_strings(file.get(), "/energy/feeders/name", path) == assets.feeder_name);
  const auto air = read<float>(path, "/series/buildings/air_c");
  const auto pv = read<float>(path, "/series/buildings/pv_w");
  const auto sun = read<double>(path, "/series/buildings/sun_elevation_deg");
  const auto stored = read<float>(path, "/series/energy/stored_kwh");
  const auto feeder = read<double>(path, "/series/energy/feeder_w");
  const auto import_w = read<double>(path, "/series/energy/site_import_w");
  const auto period = read<std::uint8_t>(path, "/series/energy/period");
  REQUIRE(seen.size() == 11);
  REQUIRE(air.size() == 11 * B);
  REQUIRE(feeder.size() == 11 * F);
  REQUIRE(period.size() == 11);
  for (std::size_t t = 0; t < seen.size(); ++t) {
    const scenarios::BuildingsSample& b = *seen[t].buildings;
    const scenarios::EnergySample& e = *seen[t].energy;
    for (std::size_t i = 0; i < B; ++i) {
      REQUIRE(air[t * B + i] == b.air_c[i]);
      REQUIRE(pv[t * B + i] == b.pv_w[i]);
      REQUIRE(stored[t * B + i] == e.stored_kwh[i]);
    }
    for (std::size_t f = 0; f < F; ++f) REQUIRE(feeder[t * F + f] == e.feeder_w[f]);
    CHECK(sun[t] == b.sun_elevation_deg);
    CHECK(import_w[t] == e.site_import_w);
    CHECK(period[t] == e.period);
  }
  // A July morning: the sun climbs over the ten minutes.
  CHECK(sun.back() > sun.front());
  // Traffic's 43, /buildings (7 columns), /energy/feeders (2), the buildings' series (9) and
  // the energy's (8).
  CHECK(scenarios::summarize_run_file(path).datasets.size() == 43 + 7 + 2 + 9 + 8);
}

TEST_CASE("run files of 1 and 2 threads hold the same series",
          "[threads][scenarios][hdf5][determinism]") {
  const Inputs in = hangzhou(600);
  TempDir dir;
  const std::string one = (dir.path() / "one.h5").string(), two = (dir.path() / "two.h5").string();
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    record(in, one);
  }
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    record(in, two);
  }
  for (const char* name : {"/series/traffic/lane_vehicles", "/series/traffic/lane_halting",
                           "/series/traffic/signal_phase"}) {
    CHECK(read<std::uint32_t>(one, name) == read<std::uint32_t>(two, name));
  }
  CHECK(read<float>(one, "/series/traffic/lane_mean_speed_mps") ==
        read<float>(two, "/series/traffic/lane_mean_speed_mps"));
}

TEST_CASE("a run file is never overwritten", "[scenarios][hdf5][errors]") {
  const Inputs in = hangzhou(60);
  TempDir dir;
  const std::string path = dir.write("run.h5", "precious results\n");
  const Error e = test::error_of([&] { scenarios::RunRecorder r(path, meta(), in.net); });
  CHECK(e.context().file == path);
  CHECK_THAT(e.what(), Catch::Contains("file exists"));
  std::ifstream kept(path);
  std::stringstream text;
  text << kept.rdbuf();
  CHECK(text.str() == "precious results\n");
}

TEST_CASE("a run that stops early leaves a readable file without KPIs", "[scenarios][hdf5]") {
  const Inputs in = hangzhou(600);
  TempDir dir;
  const std::string path = (dir.path() / "stopped.h5").string();
  record(in, path, /*finish=*/false);
  const scenarios::RunFileSummary summary = scenarios::summarize_run_file(path);
  CHECK(summary.kpis.empty());
  CHECK(read<double>(path, "/series/time_s").size() == 11);
}

TEST_CASE("a run killed while writing its first checkpoint is refused, not repaired",
          "[scenarios][hdf5][errors][resume]") {
  TempDir dir;
  const std::string path = (dir.path() / "damaged.h5").string();
  std::filesystem::copy_file(
      std::string(PARKTWIN_SOURCE_DIR) + "/tests/data/run_files/copy_crashes_hdf5.h5", path);
  // Copying what could be read crashed libhdf5; with no checkpoint in force there is nothing
  // to keep, so the file is left alone and resume says why it cannot go on.
  scenarios::repair_for_resume(path);
  const Error e = test::error_of([&] { scenarios::read_resume_point(path); });
  CHECK(e.context().file == path);
  CHECK_THAT(e.what(), Catch::Contains("before its first checkpoint"));
  CHECK_FALSE(std::filesystem::exists(path + ".repair"));
}

TEST_CASE("inspecting a file that is not a run file names the file", "[scenarios][hdf5][errors]") {
  TempDir dir;
  const std::string text = dir.write("notes.h5", "not HDF5\n");
  CHECK_THROWS_WITH(scenarios::summarize_run_file(text),
                    Catch::StartsWith(text + ": not an HDF5 file"));
  const std::string empty = (dir.path() / "empty.h5").string();
  { h5::Handle f = h5::create_file(empty); }
  CHECK_THROWS_WITH(scenarios::summarize_run_file(empty),
                    Catch::StartsWith(empty + ": not a parktwin run file"));
}

TEST_CASE("a checkpoint of a World with SOTL and actuated signals resumes it bit for bit",
          "[scenarios][checkpoint][control]") {
  for (const char* policy : {"sotl", "actuated"}) {
    INFO(policy);
    scenarios::RunMeta meta = scenarios::run_meta_of(scenarios::load_manifest(
        std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml"));
    meta.controllers.signals = policy;
    const traffic::Network net = scenarios::load_network(meta.network_path);
    const traffic::Demand demand = scenarios::load_run_demand(meta, net);
    const std::unique_ptr<World> straight = scenarios::make_world(meta, net, demand);
    for (int i = 0; i < 700; ++i) straight->step();
    scenarios::Checkpoint cp;
    cp.take(*straight, 0, 0);
    // The controllers' memory travels in the checkpoint: the surface's buffers, SOTL's
    // counters, the actuated gaps.
    const auto named = [&](const std::string& name) {
      return std::any_of(cp.parts.begin(), cp.parts.end(),
                         [&](const auto& p) { return p.first == name; });
    };
    CHECK(named("signals.ctrl"));
    CHECK(named("signals.target_phase"));
    CHECK(named("signals.sotl_counters"));
    CHECK(named("signals.actuated_gaps"));
    for (int i = 0; i < 700; ++i) straight->step();

    const std::unique_ptr<World> resumed = scenarios::make_world(meta, net, demand);
    cp.restore(*resumed, "memory");
    for (int i = 0; i < 700; ++i) resumed->step();
    CHECK(resumed->traffic().state_hash() == straight->traffic().state_hash());
    CHECK(resumed->traffic().kpis().average_travel_time_s ==
          straight->traffic().kpis().average_travel_time_s);
  }
}
