#include "scenarios/run_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <type_traits>

#include "engine/assert.h"
#include "engine/child_process.h"
#include "engine/error.h"
#include "engine/raw_bytes.h"
#include "engine/version.h"

namespace parktwin::scenarios {

namespace {

// Rows per chunk. A series keeps rows in memory until a chunk is full or the file is flushed,
// so a killed run loses at most the rows since the last flush.
constexpr std::size_t kChunkRows = 16;
// Values per chunk of a trajectory column (one value per vehicle per sample).
constexpr std::size_t kTrajectoryChunk = 8192;

template <class T>
void column(hid_t group, const char* name, const std::vector<T>& values) {
  h5::write_column<T>(group, name, std::span<const T>(values));
}

void write_network(hid_t file, const traffic::Network& net, const std::string& path) {
  const h5::Handle network = h5::create_group(file, "network", path);
  {
    const h5::Handle g = h5::create_group(network.get(), "junctions", path);
    std::vector<double> x, y;
    std::vector<std::int64_t> signal;
    for (std::size_t j = 0; j < net.junction_count(); ++j) {
      x.push_back(net.junction_pos[j].x);
      y.push_back(net.junction_pos[j].y);
      signal.push_back(net.junction_signal[j] == traffic::kNone
                           ? -1
                           : static_cast<std::int64_t>(net.junction_signal[j]));
    }
    h5::write_column(g.get(), "id", std::span<const std::string>(net.junction_id));
    column(g.get(), "x_m", x);
    column(g.get(), "y_m", y);
    column(g.get(), "signal", signal);
  }
  {
    const h5::Handle g = h5::create_group(network.get(), "roads", path);
    h5::write_column(g.get(), "id", std::span<const std::string>(net.road_id));
    column(g.get(), "from_junction", net.road_from);
    column(g.get(), "to_junction", net.road_to);
    column(g.get(), "first_lane", net.road_first_lane);
    column(g.get(), "lane_count", net.road_lane_count);
  }
  {
    const h5::Handle g = h5::create_group(network.get(), "lanes", path);
    const std::size_t L = net.lane_count();
    column(g.get(), "road", net.lane_road);
    column(g.get(), "index", net.lane_index);
    column(g.get(), "width_m", net.lane_width_m);
    column(g.get(), "length_m",
           std::vector<double>(net.seg_length_m.begin(), net.seg_length_m.begin() + L));
    column(
        g.get(), "speed_limit_mps",
        std::vector<double>(net.seg_speed_limit_mps.begin(), net.seg_speed_limit_mps.begin() + L));
  }
  {
    const h5::Handle g = h5::create_group(network.get(), "links", path);
    const std::size_t L = net.lane_count();
    column(g.get(), "from_lane", net.link_from_lane);
    column(g.get(), "to_lane", net.link_to_lane);
    column(g.get(), "movement", net.link_movement);
    column(g.get(), "length_m",
           std::vector<double>(net.seg_length_m.begin() + L, net.seg_length_m.end()));
  }
}

// Whether the run in `file` finished: /kpi holds state_hash, written last (write_kpis). /kpi
// itself exists from the file's creation on.
bool run_finished(hid_t file, const std::string& path) {
  if (!h5::exists(file, "kpi")) return false;
  const h5::Handle kpi = h5::open_group(file, "kpi", path);
  return h5::attr_exists(kpi.get(), "state_hash");
}

// The name a run file has while it is being created.
std::string partial_name(const std::string& path) { return path + ".partial"; }

// The partial name of a new run file at `path`; Error when a file has that path already.
std::string partial_name_of_new(const std::string& path) {
  if (std::filesystem::exists(path)) {
    throw Error("run file exists")
        .in_file(path)
        .expected("a new file name (--out never overwrites)");
  }
  return partial_name(path);
}

// Durations in their shortest exact form, comma-separated: read back bit for bit.
std::string join_durations(const std::vector<double>& values) {
  std::string text;
  for (const double v : values) {
    if (!text.empty()) text += ',';
    text += fmt::format("{}", v);
  }
  return text;
}

std::vector<double> split_durations(const std::string& text, const std::string& path) {
  std::vector<double> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find(',', at), text.size());
    try {
      out.push_back(std::stod(text.substr(at, end - at)));
    } catch (const std::exception&) {
      throw Error("bad phase durations").in_file(path).field("/events/phases_s").found(text);
    }
    at = end + 1;
  }
  return out;
}

void write_events(hid_t file, const std::vector<EventSpec>& events, const std::string& path) {
  const h5::Handle g = h5::create_group(file, "events", path);
  std::vector<double> time_s, factor, until_s, delta_c;
  std::vector<std::int64_t> lane;
  std::vector<std::string> type, road, junction, phases, feeder, source;
  for (const EventSpec& e : events) {
    time_s.push_back(e.at_s);
    type.push_back(e.type);
    road.push_back(e.road);
    lane.push_back(e.lane);
    junction.push_back(e.junction);
    phases.push_back(join_durations(e.phases_s));
    factor.push_back(e.factor);
    until_s.push_back(e.until_s);
    delta_c.push_back(e.delta_c);
    feeder.push_back(e.feeder);
    source.push_back(e.file.empty() ? std::string() : fmt::format("{}:{}", e.file, e.line));
  }
  column(g.get(), "time_s", time_s);
  h5::write_column(g.get(), "type", std::span<const std::string>(type));
  h5::write_column(g.get(), "road", std::span<const std::string>(road));
  column(g.get(), "lane", lane);
  h5::write_column(g.get(), "junction", std::span<const std::string>(junction));
  h5::write_column(g.get(), "phases_s", std::span<const std::string>(phases));
  column(g.get(), "factor", factor);
  column(g.get(), "until_s", until_s);
  column(g.get(), "delta_c", delta_c);
  h5::write_column(g.get(), "feeder", std::span<const std::string>(feeder));
  h5::write_column(g.get(), "source", std::span<const std::string>(source));
}

std::vector<EventSpec> read_events(hid_t file, const std::string& path) {
  std::vector<EventSpec> out;
  if (!h5::exists(file, "events")) return out;  // format 1: no events
  const h5::Handle g = h5::open_group(file, "events", path);
  const auto time_s = h5::read_column<double>(g.get(), "time_s", path);
  const auto type = h5::read_strings(g.get(), "type", path);
  const auto road = h5::read_strings(g.get(), "road", path);
  const auto lane = h5::read_column<std::int64_t>(g.get(), "lane", path);
  const auto junction = h5::read_strings(g.get(), "junction", path);
  const auto phases = h5::read_strings(g.get(), "phases_s", path);
  const auto factor = h5::read_column<double>(g.get(), "factor", path);
  const auto until_s = h5::read_column<double>(g.get(), "until_s", path);
  // Files from before heat waves have no delta_c: no event of theirs needs it.
  const auto delta_c = h5::exists(g.get(), "delta_c")
                           ? h5::read_column<double>(g.get(), "delta_c", path)
                           : std::vector<double>(time_s.size(), 0.0);
  // ... and from before feeder outages no feeder.
  const auto feeder = h5::exists(g.get(), "feeder") ? h5::read_strings(g.get(), "feeder", path)
                                                    : std::vector<std::string>(time_s.size());
  const auto source = h5::read_strings(g.get(), "source", path);
  const std::size_t n = time_s.size();
  for (const std::size_t size :
       {type.size(), road.size(), lane.size(), junction.size(), phases.size(), factor.size(),
        until_s.size(), delta_c.size(), feeder.size(), source.size()}) {
    if (size != n) {
      throw Error("the /events columns differ in length")
          .in_file(path)
          .expected(fmt::format("{} rows each", n));
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    EventSpec e;
    e.at_s = time_s[i];
    e.type = type[i];
    e.road = road[i];
    e.lane = lane[i];
    e.junction = junction[i];
    e.phases_s = split_durations(phases[i], path);
    e.factor = factor[i];
    e.until_s = until_s[i];
    e.delta_c = delta_c[i];
    e.feeder = feeder[i];
    e.file = path;  // errors about it point at the run file, row by row
    e.line = 0;
    out.push_back(std::move(e));
  }
  return out;
}

void write_controllers(hid_t file, const SignalControlSpec& spec, const traffic::Network& net,
                       const std::string& path) {
  const h5::Handle g = h5::create_group(file, "controllers", path);
  h5::write_attr(g.get(), "signals", spec.signals);
  h5::write_attr(g.get(), "min_green_s", spec.min_green_s);
  h5::write_attr(g.get(), "max_green_s", spec.max_green_s);
  h5::write_attr(g.get(), "policy_path", spec.policy_path);
  h5::write_attr(g.get(), "batteries", spec.batteries);
  h5::write_attr(g.get(), "charging", spec.charging);
  h5::write_attr(g.get(), "energy_policy_path", spec.energy_policy_path);
  std::vector<std::string> junction, policy;
  for (const auto& [j, p] : spec.junctions) junction.push_back(j), policy.push_back(p);
  h5::write_column(g.get(), "junction", std::span<const std::string>(junction));
  h5::write_column(g.get(), "policy", std::span<const std::string>(policy));
  // As resolved, one per signal (signal g is /network/junctions row with signal == g).
  std::vector<std::string> per_signal;
  for (const traffic::SignalPolicy p : signal_policies(spec, net)) {
    per_signal.emplace_back(traffic::signal_policy_name(p));
  }
  h5::write_column(g.get(), "signal_policy", std::span<const std::string>(per_signal));
}

SignalControlSpec read_controllers(hid_t file, const std::string& path) {
  SignalControlSpec spec;
  if (!h5::exists(file, "controllers")) return spec;  // format 1: fixed time everywhere
  const h5::Handle g = h5::open_group(file, "controllers", path);
  spec.signals = h5::read_string_attr(g.get(), "signals", path);
  spec.min_green_s = h5::read_double_attr(g.get(), "min_green_s", path);
  if (h5::attr_exists(g.get(), "max_green_s")) {  // files from before the control surface
    spec.max_green_s = h5::read_double_attr(g.get(), "max_green_s", path);
  }
  if (h5::attr_exists(g.get(), "policy_path")) {
    spec.policy_path = h5::read_string_attr(g.get(), "policy_path", path);
  }
  if (h5::attr_exists(g.get(), "batteries")) {  // files from before batteries: the defaults
    spec.batteries = h5::read_string_attr(g.get(), "batteries", path);
    spec.charging = h5::read_string_attr(g.get(), "charging", path);
  }
  if (h5::attr_exists(g.get(), "energy_policy_path")) {
    spec.energy_policy_path = h5::read_string_attr(g.get(), "energy_policy_path", path);
  }
  const auto junction = h5::read_strings(g.get(), "junction", path);
  const auto policy = h5::read_strings(g.get(), "policy", path);
  if (junction.size() != policy.size()) {
    throw Error("the /controllers columns differ in length").in_file(path);
  }
  for (std::size_t i = 0; i < junction.size(); ++i)
    spec.junctions.emplace_back(junction[i], policy[i]);
  spec.file = path;
  return spec;
}

}  // namespace

TrafficSample::TrafficSample(const traffic::Network& net, std::size_t trajectory_capacity)
    : lane_vehicles(net.lane_count()),
      lane_halting(net.lane_count()),
      lane_mean_speed_mps(net.lane_count()),
      signal_phase(net.signal_count()),
      vehicle(trajectory_capacity),
      segment(trajectory_capacity),
      pos_m(trajectory_capacity),
      speed_mps(trajectory_capacity) {}

void TrafficSample::take(const traffic::TrafficSim& sim) {
  const traffic::TrafficState& s = sim.state();
  time_s = sim.time_s();
  created = s.counters.created;
  finished = s.counters.finished;
  waiting = s.counters.created - s.counters.entered;
  running = s.counters.entered - s.counters.finished;
  sim.lane_state(lane_vehicles, lane_halting, lane_mean_speed_mps);
  std::copy(s.signal_phase.begin(), s.signal_phase.end(), signal_phase.begin());
  vehicles_in_network = 0;
  if (vehicle.empty()) return;
  const traffic::SegmentQueues& q = s.queues;
  for (traffic::Index seg = 0; seg < sim.network().segment_count(); ++seg) {
    for (traffic::Index i = 0; i < q.size(seg); ++i) {
      const traffic::Index v = q.at(seg, i);
      vehicle[vehicles_in_network] = v;
      segment[vehicles_in_network] = seg;
      pos_m[vehicles_in_network] = static_cast<float>(s.pos_m[v]);
      speed_mps[vehicles_in_network] = static_cast<float>(s.speed_mps[v]);
      ++vehicles_in_network;
    }
  }
}

RunSample::RunSample(const traffic::Network& net, std::size_t trajectory_capacity,
                     const World* world)
    : traffic(net, trajectory_capacity) {
  if (world == nullptr) return;
  if (const buildings::BuildingsSim* b = world->buildings()) buildings.emplace(b->stock().size());
  if (const energy::EnergySim* e = world->energy()) {
    energy.emplace(e->assets().buildings(), e->assets().feeders());
  }
}

void RunSample::take(const traffic::TrafficSim& sim) { traffic.take(sim); }

void RunSample::take(const World& world) {
  traffic.take(world.traffic());
  if (buildings) {
    PT_ASSERT(world.buildings() != nullptr, "a sample with buildings of a World without them");
    buildings->take(*world.buildings());
  }
  if (energy) {
    PT_ASSERT(world.energy() != nullptr, "a sample with energy of a World without it");
    energy->take(*world.energy());
  }
}

RunFileWriter::RunFileWriter(const std::string& path, const RunMeta& meta,
                             const traffic::Network& net, const World* world)
    : path_(path), file_(h5::create_file(partial_name_of_new(path))) {
  {
    const h5::Handle g = h5::create_group(file_.get(), "meta", path);
    h5::write_attr(g.get(), "format", std::string(kRunFileFormat));
    h5::write_attr(g.get(), "format_version", kRunFileFormatVersion);
    h5::write_attr(g.get(), "scenario", meta.scenario);
    h5::write_attr(g.get(), "scenario_path", meta.scenario_path);
    h5::write_attr(g.get(), "scenario_text", meta.scenario_text);
    h5::write_attr(g.get(), "network_path", meta.network_path);
    h5::write_attr(g.get(), "demand_path", meta.demand_path);
    h5::write_attr(g.get(), "buildings_path", meta.buildings_path);
    h5::write_attr(g.get(), "weather_path", meta.weather_path);
    h5::write_attr(g.get(), "buildings_step_s", meta.buildings_step_s);
    h5::write_attr(g.get(), "buildings_shading", std::int64_t{meta.buildings_shading ? 1 : 0});
    if (!std::isnan(meta.site_latitude_deg)) {
      h5::write_attr(g.get(), "site_latitude_deg", meta.site_latitude_deg);
      h5::write_attr(g.get(), "site_longitude_deg", meta.site_longitude_deg);
    }
    h5::write_attr(g.get(), "ev_share", meta.ev_share);
    h5::write_attr(g.get(), "grid_path", meta.grid_path);
    h5::write_attr(g.get(), "tariff_path", meta.tariff_path);
    h5::write_attr(g.get(), "carbon_kg_per_kwh", meta.carbon_kg_per_kwh);
    h5::write_attr(g.get(), "carbon_series_path", meta.carbon_series_path);
    h5::write_attr(g.get(), "land_cover_path", meta.land_cover_path);
    h5::write_attr(g.get(), "start", meta.start);
    h5::write_attr(g.get(), "seed", meta.seed);
    h5::write_attr(g.get(), "threads", meta.threads);
    h5::write_attr(g.get(), "step_s", meta.step_s);
    h5::write_attr(g.get(), "duration_s", meta.duration_s);
    h5::write_attr(g.get(), "sample_interval_s", meta.sample_interval_s);
    h5::write_attr(g.get(), "checkpoint_interval_s", meta.checkpoint_interval_s);
    h5::write_attr(g.get(), "lane_changing", std::int64_t{meta.lane_changing ? 1 : 0});
    h5::write_attr(g.get(), "teleport_after_s", meta.teleport_after_s);
    h5::write_attr(g.get(), "demand_scale", meta.demand_scale);
    h5::write_attr(g.get(), "trajectories", std::int64_t{meta.trajectories ? 1 : 0});
    h5::write_attr(g.get(), "parktwin_version", std::string(version()));
    h5::write_attr(g.get(), "git_hash", std::string(git_hash()));
    h5::write_attr(g.get(), "wall_start", meta.wall_start);
  }
  write_network(file_.get(), net, path);
  write_events(file_.get(), meta.events, path);
  write_controllers(file_.get(), meta.controllers, net, path);
  // Every group a later write goes into exists from the start, so that checkpoints and the
  // KPIs change only their own objects, never the symbol table of the root or of /checkpoint:
  // a kill in the middle of a flush can then damage only what is being written (the slot not
  // in force, or /kpi), which --resume rebuilds (bench/torture_kill_resume.py --at-syscalls).
  h5::Handle checkpoint = h5::create_group(file_.get(), "checkpoint", path);
  h5::write_attr(checkpoint.get(), "latest_slot", std::int64_t{-1});
  h5::create_group(checkpoint.get(), "slot0", path);
  h5::create_group(checkpoint.get(), "slot1", path);
  h5::create_group(file_.get(), "kpi", path);  // finished once it holds state_hash
  series_group_ = h5::create_group(file_.get(), "series", path);
  h5::create_group(series_group_.get(), "traffic", path);
  if (meta.trajectories) h5::create_group(file_.get(), "trajectories", path);
  if (world != nullptr) create_district_groups(file_.get(), series_group_.get(), *world, path);
  open_series(net, world, std::nullopt);
  flush();
  // Only now, complete and on disk, does the file take its name: a run killed while creating
  // it leaves no run file, only `<name>.partial`. A link, not a rename: it never replaces a
  // file that appeared under the name meanwhile.
  std::error_code failed;
  std::filesystem::create_hard_link(partial_name(path), path, failed);
  if (failed) {
    std::error_code ignored;
    std::filesystem::remove(partial_name(path), ignored);
    throw Error("cannot give the run file its name")
        .in_file(path)
        .expected("a new file name (--out never overwrites)")
        .found(failed.message());
  }
  std::filesystem::remove(partial_name(path), failed);
}

RunFileWriter::RunFileWriter(const std::string& path, const traffic::Network& net, Continue from,
                             const World* world)
    : path_(path), file_(h5::open_file(path, /*writable=*/true)) {
  series_group_ = h5::open_group(file_.get(), "series", path);
  const h5::Handle checkpoint = h5::open_group(file_.get(), "checkpoint", path);
  latest_slot_ = h5::read_int_attr(checkpoint.get(), "latest_slot", path);
  // What a kill while the KPIs were written left of them goes: they are written anew.
  if (h5::exists(file_.get(), "kpi")) {
    h5::clear_group(h5::open_group(file_.get(), "kpi", path).get(), path);
  }
  open_series(net, world, from);
  flush();
}

void RunFileWriter::open_series(const traffic::Network& net, const World* world,
                                std::optional<Continue> from) {
  const h5::Handle traffic = h5::open_group(series_group_.get(), "traffic", path_);
  const hid_t s = series_group_.get(), t = traffic.get();
  const std::string& path = path_;
  const auto series = [&](hid_t group, const char* name, hid_t type, std::size_t columns) {
    return from ? h5::Series::reopen(group, name, type, columns, kChunkRows, from->keep_rows, path)
                : h5::Series(group, name, type, columns, kChunkRows, path);
  };
  has_trajectories_ = h5::exists(file_.get(), "trajectories");
  if (has_trajectories_) {
    const h5::Handle g = h5::open_group(file_.get(), "trajectories", path);
    traj_count_ = series(g.get(), "vehicles_in_network", H5T_NATIVE_UINT32, 0);
    const auto column = [&](const char* name, hid_t type) {
      return from ? h5::Series::reopen(g.get(), name, type, 0, kTrajectoryChunk,
                                       from->keep_trajectory_rows, path)
                  : h5::Series(g.get(), name, type, 0, kTrajectoryChunk, path);
    };
    traj_vehicle_ = column("vehicle", H5T_NATIVE_UINT32);
    traj_segment_ = column("segment", H5T_NATIVE_UINT32);
    traj_pos_ = column("pos_m", H5T_NATIVE_FLOAT);
    traj_speed_ = column("speed_mps", H5T_NATIVE_FLOAT);
  }
  const std::size_t L = net.lane_count(), G = net.signal_count();
  time_s_ = series(s, "time_s", H5T_NATIVE_DOUBLE, 0);
  running_ = series(t, "running", H5T_NATIVE_UINT64, 0);
  waiting_ = series(t, "waiting", H5T_NATIVE_UINT64, 0);
  finished_ = series(t, "finished", H5T_NATIVE_UINT64, 0);
  created_ = series(t, "created", H5T_NATIVE_UINT64, 0);
  if (L > 0) {
    lane_vehicles_ = series(t, "lane_vehicles", H5T_NATIVE_UINT32, L);
    lane_halting_ = series(t, "lane_halting", H5T_NATIVE_UINT32, L);
    lane_mean_speed_ = series(t, "lane_mean_speed_mps", H5T_NATIVE_FLOAT, L);
  }
  has_signals_ = G > 0;
  if (has_signals_) signal_phase_ = series(t, "signal_phase", H5T_NATIVE_UINT32, G);
  district_.open(s, world, kChunkRows,
                 from ? std::optional<std::uint64_t>(from->keep_rows) : std::nullopt, path);
}

void RunFileWriter::append(const RunSample& sample) {
  const TrafficSample& x = sample.traffic;
  // The per-entity series first and the time axis last: a reader that trusts time_s's length
  // never reads a row that is not there.
  running_.append(&x.running);
  waiting_.append(&x.waiting);
  finished_.append(&x.finished);
  created_.append(&x.created);
  if (!x.lane_vehicles.empty()) {
    lane_vehicles_.append(x.lane_vehicles.data());
    lane_halting_.append(x.lane_halting.data());
    lane_mean_speed_.append(x.lane_mean_speed_mps.data());
  }
  if (has_signals_) signal_phase_.append(x.signal_phase.data());
  if (has_trajectories_) {
    traj_vehicle_.append_rows(x.vehicle.data(), x.vehicles_in_network);
    traj_segment_.append_rows(x.segment.data(), x.vehicles_in_network);
    traj_pos_.append_rows(x.pos_m.data(), x.vehicles_in_network);
    traj_speed_.append_rows(x.speed_mps.data(), x.vehicles_in_network);
    traj_count_.append(&x.vehicles_in_network);
  }
  district_.append(sample.buildings ? &*sample.buildings : nullptr,
                   sample.energy ? &*sample.energy : nullptr);
  time_s_.append(&x.time_s);
}

void RunFileWriter::write_checkpoint(const Checkpoint& c) {
  flush();  // the series rows the checkpoint counts are on disk before it names them
  const std::int64_t slot = latest_slot_ == 0 ? 1 : 0;
  const h5::Handle checkpoint = h5::open_group(file_.get(), "checkpoint", path_);
  const std::string name = fmt::format("slot{}", slot);
  const auto write_slot = [&] {
    const h5::Handle g = h5::exists(checkpoint.get(), name)
                             ? h5::open_group(checkpoint.get(), name, path_)
                             : h5::create_group(checkpoint.get(), name, path_);
    for (const auto& [part, bytes] : c.parts) h5::write_bytes(g.get(), part, bytes, path_);
    h5::write_attr(g.get(), "step", c.step);
    h5::write_attr(g.get(), "time_s", c.time_s);
    h5::write_attr(g.get(), "series_rows", c.series_rows);
    h5::write_attr(g.get(), "trajectory_rows", c.trajectory_rows);
  };
  try {
    write_slot();
  } catch (const Error&) {
    // The slot not in force may be half made by a write that failed (a full disk, then a
    // resume once space is back): it is made again (the space it took is not reused).
    h5::remove_link(checkpoint.get(), name, path_);
    write_slot();
  }
  h5::flush(file_.get(), path_);
  h5::write_attr(checkpoint.get(), "latest_slot", slot);
  h5::flush(file_.get(), path_);
  latest_slot_ = slot;
}

void RunFileWriter::flush() {
  // Rows kept in memory go out first, the time axis last (see append).
  for (h5::Series* series : {&running_, &waiting_, &finished_, &created_, &lane_vehicles_,
                             &lane_halting_, &lane_mean_speed_, &signal_phase_, &traj_vehicle_,
                             &traj_segment_, &traj_pos_, &traj_speed_, &traj_count_}) {
    series->write();
  }
  district_.write();
  time_s_.write();
  h5::flush(file_.get(), path_);
}

void RunFileWriter::write_kpis(const traffic::TrafficKpis& k, std::uint64_t state_hash,
                               double step_wall_s, const traffic::TrafficSim& tables,
                               const buildings::BuildingsKpis* buildings,
                               const energy::EnergyKpis* energy) {
  // Files made before /kpi was created with the file lack it.
  const h5::Handle g = h5::exists(file_.get(), "kpi") ? h5::open_group(file_.get(), "kpi", path_)
                                                      : h5::create_group(file_.get(), "kpi", path_);
  const hid_t id = g.get();
  const auto write = [&](const std::string& name, auto value) {
    if constexpr (std::is_floating_point_v<decltype(value)>) {
      h5::write_attr(id, name, static_cast<double>(value));
    } else {
      h5::write_attr(id, name, static_cast<std::uint64_t>(value));
    }
  };
  traffic::for_each_kpi(k, [&](const char* name, auto value) { write(name, value); });
  if (energy != nullptr) {
    energy::for_each_kpi(*energy, [&](const char* name, auto value) {
      write(std::string("energy.") + name, value);
    });
    for (const energy::FeederKpis& f : energy->feeders) {
      const std::string at = "energy.feeder." + f.name + ".";
      write(at + "capacity_kw", f.capacity_kw);
      write(at + "peak_kw", f.peak_kw);
      write(at + "overload_h", f.overload_h);
    }
  }
  if (buildings != nullptr) {
    buildings::for_each_kpi(*buildings, [&](const char* name, auto value) {
      write(std::string("buildings.") + name, value);
    });
  }
  h5::write_attr(id, "step_wall_s", step_wall_s);
  h5::write_column(id, "road_teleports", tables.road_teleports());
  const std::vector<std::uint32_t> waiting = tables.road_waiting();
  h5::write_column(id, "road_waiting", std::span<const std::uint32_t>(waiting));
  const traffic::Network& net = tables.network();
  if (net.detector_count() > 0) {
    const h5::Handle d = h5::create_group(id, "detectors", path_);
    std::vector<std::uint32_t> lanes(net.detector_lane.begin(), net.detector_lane.end());
    std::vector<std::uint64_t> counts(net.detector_count());
    for (traffic::Index i = 0; i < net.detector_count(); ++i) counts[i] = tables.detector_count(i);
    h5::write_column(d.get(), "id", std::span<const std::string>(net.detector_id));
    h5::write_column(d.get(), "lane", std::span<const std::uint32_t>(lanes));
    h5::write_column(d.get(), "pos_m", std::span<const double>(net.detector_pos_m));
    h5::write_column(d.get(), "count", std::span<const std::uint64_t>(counts));
  }
  flush();
  // Last, after the rest is on disk: its presence marks the run finished (run_finished).
  h5::write_attr(id, "state_hash", fmt::format("{:016x}", state_hash));
  flush();
}

namespace {

// A subsystem's state into the checkpoint's parts named "<prefix><part>", from slot `first`
// on, in the same slots every time (no allocation once sizes settle). Returns the slot after.
template <class Sim>
std::size_t save_parts(const Sim& sim, const std::string& prefix, std::size_t first,
                       std::vector<std::pair<std::string, std::vector<unsigned char>>>& parts) {
  std::size_t i = first;
  sim.save_state([&](const char* name, const auto& value) {
    if (i == parts.size()) parts.emplace_back(prefix + name, std::vector<unsigned char>());
    const auto bytes = raw_bytes(value);
    parts[i].second.assign(bytes.begin(), bytes.end());
    ++i;
  });
  return i;
}

// The parts of checkpoint `group` back into a subsystem, each checked for its size.
template <class Sim>
void restore_visiting(Sim& sim, const std::string& group,
                      const std::vector<std::pair<std::string, std::vector<unsigned char>>>& parts,
                      const std::string& path) {
  sim.restore_state([&](const char* name, auto& value) {
    const std::string full = name;
    const auto it =
        std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return p.first == full; });
    if (it == parts.end()) {
      throw Error("checkpoint lacks a part of the state").in_file(path).field(group + "/" + full);
    }
    // State sized from the inputs (buildings, feeders, trips) must keep its size: a
    // checkpoint of other inputs would leave the simulation writing past its arrays.
    if (!fits_current(value, it->second.size())) {
      throw Error(
          "checkpoint does not fit this run's inputs (an input file changed since the "
          "run started?)")
          .in_file(path)
          .field(group + "/" + full)
          .found(fmt::format("{} bytes", it->second.size()));
    }
    if (!assign_raw(value, it->second)) {
      throw Error("checkpoint part has the wrong size for this build")
          .in_file(path)
          .field(group + "/" + full)
          .found(fmt::format("{} bytes", it->second.size()));
    }
  });
}

// The same, with every error naming `path` and the part (the state's own check included).
template <class Sim>
void restore_parts(Sim& sim, const std::string& group,
                   const std::vector<std::pair<std::string, std::vector<unsigned char>>>& parts,
                   const std::string& path) {
  try {
    restore_visiting(sim, group, parts, path);
  } catch (Error& e) {
    // TrafficSim::check_state names the part it found corrupt; this names the file and group.
    if (!e.context().file.empty()) throw;
    const std::string field = group + "/" + e.context().field;
    e.in_file(path).field(field);
    throw;
  }
}

}  // namespace

void Checkpoint::take(const traffic::TrafficSim& sim, std::uint64_t rows_so_far,
                      std::uint64_t trajectory_rows_so_far) {
  step = sim.state().step;
  time_s = sim.time_s();
  series_rows = rows_so_far;
  trajectory_rows = trajectory_rows_so_far;
  save_parts(sim, "", 0, parts);
}

void Checkpoint::take(const World& world, std::uint64_t rows_so_far,
                      std::uint64_t trajectory_rows_so_far) {
  step = world.traffic().state().step;
  time_s = world.traffic().time_s();
  series_rows = rows_so_far;
  trajectory_rows = trajectory_rows_so_far;
  // Traffic's parts unprefixed, then "signals.", "buildings.", "energy." (World::save_state).
  save_parts(world, "", 0, parts);
}

namespace {

// The state restored is the one the group's attributes describe.
void check_restored(const traffic::TrafficSim& sim, const Checkpoint& c, const std::string& path) {
  if (sim.state().step != c.step) {
    throw Error("checkpoint's state is not at its step")
        .in_file(path)
        .field(c.group + "/step")
        .expected(fmt::format("step {}, as the group's attribute says", c.step))
        .found(fmt::format("step {}", sim.state().step));
  }
}

}  // namespace

void Checkpoint::restore(traffic::TrafficSim& sim, const std::string& path) const {
  restore_parts(sim, group, parts, path);
  check_restored(sim, *this, path);
}

void Checkpoint::restore(World& world, const std::string& path) const {
  restore_parts(world, group, parts, path);
  check_restored(world.traffic(), *this, path);
}

namespace {

// Opens a run file read-only, checking that it is one: the file and its /meta group.
std::pair<h5::Handle, h5::Handle> open_run_file(const std::string& path) {
  h5::Handle file = h5::open_file(path);
  if (!h5::exists(file.get(), "meta")) {
    throw Error("not a parktwin run file").in_file(path).expected("a /meta group");
  }
  h5::Handle meta = h5::open_group(file.get(), "meta", path);
  if (h5::read_attr_text(meta.get(), "format", path) != kRunFileFormat) {
    throw Error("not a parktwin run file")
        .in_file(path)
        .field("/meta/format")
        .expected(std::string("'") + kRunFileFormat + "'");
  }
  return {std::move(file), std::move(meta)};
}

}  // namespace

RunMeta read_run_meta(const std::string& path) {
  const auto opened = open_run_file(path);
  const h5::Handle& file = opened.first;  // not structured bindings: clang 14 cannot capture them
  const h5::Handle& meta = opened.second;
  RunMeta m;
  const auto text = [&](const char* name) { return h5::read_attr_text(meta.get(), name, path); };
  m.scenario = text("scenario");
  m.scenario_path = text("scenario_path");
  m.scenario_text = text("scenario_text");
  m.network_path = text("network_path");
  m.demand_path = text("demand_path");
  // Every run starts from a network and a demand file; resume, replay and export open them.
  for (const auto& [name, value] :
       {std::pair{"network_path", &m.network_path}, std::pair{"demand_path", &m.demand_path}}) {
    if (value->empty()) {
      throw Error("empty path")
          .in_file(path)
          .field(std::string("/meta/") + name)
          .expected(std::string("the ") + (name[0] == 'n' ? "network" : "demand") +
                    " file the run started with");
    }
  }
  // Runs recorded before buildings joined have no [buildings]: none.
  if (h5::attr_exists(meta.get(), "buildings_path")) {
    m.buildings_path = text("buildings_path");
    m.weather_path = text("weather_path");
    m.buildings_step_s = h5::read_double_attr(meta.get(), "buildings_step_s", path);
  }
  // A site of its own only when the scenario gave one.
  if (h5::attr_exists(meta.get(), "site_latitude_deg")) {
    m.site_latitude_deg = h5::read_double_attr(meta.get(), "site_latitude_deg", path);
    m.site_longitude_deg = h5::read_double_attr(meta.get(), "site_longitude_deg", path);
    if (!(std::abs(m.site_latitude_deg) <= 90.0) || !(std::abs(m.site_longitude_deg) <= 180.0)) {
      throw Error("site out of range")
          .in_file(path)
          .field("/meta site_latitude_deg, site_longitude_deg")
          .expected("-90..90 and -180..180 degrees")
          .found(fmt::format("{}, {}", m.site_latitude_deg, m.site_longitude_deg));
    }
  }
  // Files from before shading had none.
  m.buildings_shading =
      h5::attr_exists(meta.get(), "buildings_shading") && text("buildings_shading") == "1";
  if (h5::attr_exists(meta.get(), "ev_share")) {  // files from before energy: none
    m.ev_share = h5::read_double_attr(meta.get(), "ev_share", path);
    m.grid_path = text("grid_path");
    m.tariff_path = text("tariff_path");
    m.carbon_kg_per_kwh = h5::read_double_attr(meta.get(), "carbon_kg_per_kwh", path);
  }
  if (h5::attr_exists(meta.get(), "carbon_series_path")) {  // files from before: none
    m.carbon_series_path = text("carbon_series_path");
  }
  if (h5::attr_exists(meta.get(), "land_cover_path")) {  // files from before: none
    m.land_cover_path = text("land_cover_path");
  }
  m.start = text("start");
  m.seed = h5::read_uint_attr(meta.get(), "seed", path);
  m.threads = h5::read_int_attr(meta.get(), "threads", path);
  m.step_s = h5::read_double_attr(meta.get(), "step_s", path);
  m.duration_s = h5::read_double_attr(meta.get(), "duration_s", path);
  if (!(std::isfinite(m.step_s) && m.step_s > 0.0 && std::isfinite(m.duration_s) &&
        m.duration_s >= 0.0)) {
    throw Error("bad step or duration")
        .in_file(path)
        .field("/meta/step_s, /meta/duration_s")
        .expected("a step > 0 s and a duration >= 0 s")
        .found(fmt::format("{} s, {} s", m.step_s, m.duration_s));
  }
  m.sample_interval_s = h5::read_double_attr(meta.get(), "sample_interval_s", path);
  m.checkpoint_interval_s = h5::read_double_attr(meta.get(), "checkpoint_interval_s", path);
  m.lane_changing = text("lane_changing") == "1";
  if (h5::attr_exists(meta.get(), "teleport_after_s")) {  // files from before: never
    m.teleport_after_s = h5::read_double_attr(meta.get(), "teleport_after_s", path);
  }
  if (h5::attr_exists(meta.get(), "demand_scale")) {  // files from before: 1
    m.demand_scale = h5::read_double_attr(meta.get(), "demand_scale", path);
  }
  // The ranges a manifest allows (a run file is input too: found by fuzz_run_file).
  if (!(m.demand_scale >= 0.0 && m.demand_scale <= 100.0) ||
      !(m.ev_share >= 0.0 && m.ev_share <= 1.0)) {
    throw Error("demand scale or EV share out of range")
        .in_file(path)
        .field("/meta/demand_scale, /meta/ev_share")
        .expected("a demand scale in [0, 100] and an EV share in [0, 1]")
        .found(fmt::format("{}, {}", m.demand_scale, m.ev_share));
  }
  m.trajectories = text("trajectories") == "1";
  m.wall_start = text("wall_start");
  m.events = read_events(file.get(), path);
  m.controllers = read_controllers(file.get(), path);

  return m;
}

void repair_for_resume(const std::string& path) {
  // A write torn by a kill or a full disk can leave objects past the end of the file the
  // superblock records (HDF5 then refuses them: "addr overflow"): the end is moved to the
  // file's true end first (what h5clear --increment does).
  h5::extend_to_file_size(path);
  if (h5::all_objects_readable(path)) return;
  // Objects whose header never reached the disk (nothing can open or even unlink them):
  // everything else is copied, with only the checkpoint in force.
  std::int64_t slot = -1;
  {
    const h5::Handle file = h5::open_file(path);
    const h5::Handle checkpoint = h5::open_group(file.get(), "checkpoint", path);
    slot = h5::read_int_attr(checkpoint.get(), "latest_slot", path);
  }
  // Killed before its first checkpoint was complete (typically while writing it): nothing to
  // resume from, which read_resume_point says; copying the rest would be work for nothing.
  if (slot < 0) return;
  // libhdf5 is not hardened against corrupt metadata: copying an object that a kill left
  // half written has crashed it (bench/torture_kill_resume.py --at-syscalls). In a child
  // process such a crash is one more error naming the file.
  const std::string keep = fmt::format("slot{}", slot);
  try {
    run_in_child_process([&] { h5::rewrite_without_damage(path, keep); }, path,
                         "damaged beyond repair: HDF5 failed while copying what could be read");
  } catch (const Error&) {
    std::error_code ignored;
    std::filesystem::remove(path + ".repair", ignored);  // the child's half-made copy
    throw;
  }
}

ResumePoint read_resume_point(const std::string& path) {
  ResumePoint r;
  r.meta = read_run_meta(path);
  const auto [file, meta] = open_run_file(path);
  if (run_finished(file.get(), path)) {
    throw Error("the run in this file has finished; nothing to resume").in_file(path);
  }
  const h5::Handle checkpoint = h5::open_group(file.get(), "checkpoint", path);
  const std::int64_t slot = h5::read_int_attr(checkpoint.get(), "latest_slot", path);
  if (slot < 0) {
    throw Error("the run stopped before its first checkpoint; start it again")
        .in_file(path)
        .expected(
            fmt::format("a checkpoint (one every {} simulated s)", r.meta.checkpoint_interval_s));
  }
  r.checkpoint.group = fmt::format("/checkpoint/slot{}", slot);
  const h5::Handle g = h5::open_group(checkpoint.get(), fmt::format("slot{}", slot), path);
  r.checkpoint.step = h5::read_int_attr(g.get(), "step", path);
  r.checkpoint.time_s = h5::read_double_attr(g.get(), "time_s", path);
  // A checkpoint lies within its run: resuming from any other step would step (almost) for
  // ever or not at all.
  const double steps = std::ceil(r.meta.duration_s / r.meta.step_s - 1e-9);
  if (r.checkpoint.step < 0 || static_cast<double>(r.checkpoint.step) > steps ||
      !(std::abs(r.checkpoint.time_s - static_cast<double>(r.checkpoint.step) * r.meta.step_s) <=
        1e-6 * std::max(1.0, std::abs(r.checkpoint.time_s)))) {
    throw Error("checkpoint outside its run")
        .in_file(path)
        .field(r.checkpoint.group + "/step")
        .expected(fmt::format("0..{} steps of {} s, agreeing with time_s", steps, r.meta.step_s))
        .found(fmt::format("step {}, time_s {}", r.checkpoint.step, r.checkpoint.time_s));
  }
  r.checkpoint.series_rows = h5::read_uint_attr(g.get(), "series_rows", path);
  r.checkpoint.trajectory_rows = h5::read_uint_attr(g.get(), "trajectory_rows", path);
  for (const h5::DatasetInfo& d : h5::list_datasets(g.get())) {
    const std::string name = d.path.substr(1);
    r.checkpoint.parts.emplace_back(name, h5::read_bytes(g.get(), name, path));
  }
  return r;
}

RunFileSummary summarize_run_file(const std::string& path) {
  const auto [file, meta] = open_run_file(path);
  RunFileSummary summary;
  for (const std::string& name : h5::attr_names(meta.get())) {
    if (name == "scenario_text") continue;  // shown by --meta-text, not in the table
    summary.meta.emplace_back(name, h5::read_attr_text(meta.get(), name, path));
  }
  if (run_finished(file.get(), path)) {
    const h5::Handle kpi = h5::open_group(file.get(), "kpi", path);
    for (const std::string& name : h5::attr_names(kpi.get())) {
      summary.kpis.emplace_back(name, h5::read_attr_text(kpi.get(), name, path));
    }
  }
  summary.datasets = h5::list_datasets(file.get());
  return summary;
}

}  // namespace parktwin::scenarios
