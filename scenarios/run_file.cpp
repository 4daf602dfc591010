#include "scenarios/run_file.h"

#include <fmt/format.h>

#include <type_traits>

#include "engine/error.h"
#include "engine/version.h"

namespace parktwin::scenarios {

namespace {

// Rows per chunk. A series keeps rows in memory until a chunk is full or the file is flushed,
// so a killed run loses at most the rows since the last flush.
constexpr std::size_t kChunkRows = 16;

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

}  // namespace

TrafficSample::TrafficSample(const traffic::Network& net)
    : lane_vehicles(net.lane_count()),
      lane_halting(net.lane_count()),
      lane_mean_speed_mps(net.lane_count()),
      signal_phase(net.signal_count()) {}

void TrafficSample::take(const traffic::TrafficSim& sim) {
  const traffic::TrafficState& s = sim.state();
  time_s = sim.time_s();
  created = s.counters.created;
  finished = s.counters.finished;
  waiting = s.counters.created - s.counters.entered;
  running = s.counters.entered - s.counters.finished;
  sim.lane_state(lane_vehicles, lane_halting, lane_mean_speed_mps);
  std::copy(s.signal_phase.begin(), s.signal_phase.end(), signal_phase.begin());
}

RunFileWriter::RunFileWriter(const std::string& path, const RunMeta& meta,
                             const traffic::Network& net)
    : path_(path), file_(h5::create_file(path)) {
  {
    const h5::Handle g = h5::create_group(file_.get(), "meta", path);
    h5::write_attr(g.get(), "format", std::string(kRunFileFormat));
    h5::write_attr(g.get(), "format_version", kRunFileFormatVersion);
    h5::write_attr(g.get(), "scenario", meta.scenario);
    h5::write_attr(g.get(), "scenario_path", meta.scenario_path);
    h5::write_attr(g.get(), "scenario_text", meta.scenario_text);
    h5::write_attr(g.get(), "network_path", meta.network_path);
    h5::write_attr(g.get(), "demand_path", meta.demand_path);
    h5::write_attr(g.get(), "seed", meta.seed);
    h5::write_attr(g.get(), "threads", meta.threads);
    h5::write_attr(g.get(), "step_s", meta.step_s);
    h5::write_attr(g.get(), "duration_s", meta.duration_s);
    h5::write_attr(g.get(), "sample_interval_s", meta.sample_interval_s);
    h5::write_attr(g.get(), "parktwin_version", std::string(version()));
    h5::write_attr(g.get(), "git_hash", std::string(git_hash()));
    h5::write_attr(g.get(), "wall_start", meta.wall_start);
  }
  write_network(file_.get(), net, path);
  series_group_ = h5::create_group(file_.get(), "series", path);
  const h5::Handle traffic = h5::create_group(series_group_.get(), "traffic", path);
  const hid_t s = series_group_.get(), t = traffic.get();
  const std::size_t L = net.lane_count(), G = net.signal_count();
  time_s_ = h5::Series(s, "time_s", H5T_NATIVE_DOUBLE, 0, kChunkRows, path);
  running_ = h5::Series(t, "running", H5T_NATIVE_UINT64, 0, kChunkRows, path);
  waiting_ = h5::Series(t, "waiting", H5T_NATIVE_UINT64, 0, kChunkRows, path);
  finished_ = h5::Series(t, "finished", H5T_NATIVE_UINT64, 0, kChunkRows, path);
  created_ = h5::Series(t, "created", H5T_NATIVE_UINT64, 0, kChunkRows, path);
  if (L > 0) {
    lane_vehicles_ = h5::Series(t, "lane_vehicles", H5T_NATIVE_UINT32, L, kChunkRows, path);
    lane_halting_ = h5::Series(t, "lane_halting", H5T_NATIVE_UINT32, L, kChunkRows, path);
    lane_mean_speed_ = h5::Series(t, "lane_mean_speed_mps", H5T_NATIVE_FLOAT, L, kChunkRows, path);
  }
  has_signals_ = G > 0;
  if (has_signals_) {
    signal_phase_ = h5::Series(t, "signal_phase", H5T_NATIVE_UINT32, G, kChunkRows, path);
  }
  flush();
}

void RunFileWriter::append(const TrafficSample& x) {
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
  time_s_.append(&x.time_s);
}

void RunFileWriter::flush() {
  // Rows kept in memory go out first, the time axis last (see append).
  for (h5::Series* series : {&running_, &waiting_, &finished_, &created_, &lane_vehicles_,
                             &lane_halting_, &lane_mean_speed_, &signal_phase_, &time_s_}) {
    series->write();
  }
  h5::flush(file_.get(), path_);
}

void RunFileWriter::write_kpis(const traffic::TrafficKpis& k, std::uint64_t state_hash,
                               double step_wall_s) {
  const h5::Handle g = h5::create_group(file_.get(), "kpi", path_);
  const hid_t id = g.get();
  traffic::for_each_kpi(k, [&](const char* name, auto value) {
    if constexpr (std::is_floating_point_v<decltype(value)>) {
      h5::write_attr(id, name, static_cast<double>(value));
    } else {
      h5::write_attr(id, name, static_cast<std::uint64_t>(value));
    }
  });
  h5::write_attr(id, "step_wall_s", step_wall_s);
  h5::write_attr(id, "state_hash", fmt::format("{:016x}", state_hash));
  flush();
}

RunFileSummary summarize_run_file(const std::string& path) {
  const h5::Handle file = h5::open_file(path);
  if (!h5::exists(file.get(), "meta")) {
    throw Error("not a parktwin run file").in_file(path).expected("a /meta group");
  }
  const h5::Handle meta = h5::open_group(file.get(), "meta", path);
  if (h5::read_attr_text(meta.get(), "format", path) != kRunFileFormat) {
    throw Error("not a parktwin run file")
        .in_file(path)
        .field("/meta/format")
        .expected(std::string("'") + kRunFileFormat + "'");
  }
  RunFileSummary summary;
  for (const std::string& name : h5::attr_names(meta.get())) {
    if (name == "scenario_text") continue;  // shown by --meta-text, not in the table
    summary.meta.emplace_back(name, h5::read_attr_text(meta.get(), name, path));
  }
  if (h5::exists(file.get(), "kpi")) {
    const h5::Handle kpi = h5::open_group(file.get(), "kpi", path);
    for (const std::string& name : h5::attr_names(kpi.get())) {
      summary.kpis.emplace_back(name, h5::read_attr_text(kpi.get(), name, path));
    }
  }
  summary.datasets = h5::list_datasets(file.get());
  return summary;
}

}  // namespace parktwin::scenarios
