#include "scenarios/replay.h"

#include <algorithm>

#include "engine/error.h"
#include "scenarios/hdf5/h5.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"

namespace parktwin::scenarios {

ReplayReader::ReplayReader(const std::string& path) : path_(path) {
  meta_ = read_run_meta(path);
  net_ = load_network(meta_.network_path);
  const h5::Handle file = h5::open_file(path);
  time_s_ = h5::read_column<double>(file.get(), "/series/time_s", path);
  if (time_s_.empty()) throw Error("run file has no samples").in_file(path).field("/series/time_s");
  if (net_.signal_count() > 0) {
    phases_ = h5::read_column<std::uint32_t>(file.get(), "/series/traffic/signal_phase", path);
  }
  if (h5::exists(file.get(), "trajectories")) {
    count_ = h5::read_column<std::uint32_t>(file.get(), "/trajectories/vehicles_in_network", path);
    offset_.assign(count_.size() + 1, 0);
    for (std::size_t i = 0; i < count_.size(); ++i) offset_[i + 1] = offset_[i] + count_[i];
  }
  building_series_ = h5::exists(file.get(), "series/buildings");
}

ReplayReader::~ReplayReader() = default;

std::size_t ReplayReader::sample_at(double time_s) const {
  // Last sample at or before time_s; rows past the time axis (a crash) are not used.
  const auto it = std::upper_bound(time_s_.begin(), time_s_.end(), time_s);
  return it == time_s_.begin() ? 0 : static_cast<std::size_t>(it - time_s_.begin()) - 1;
}

Snapshot ReplayReader::at(double time_s) {
  const std::size_t sample = sample_at(time_s);
  Snapshot s = sample < count_.size() ? from_trajectories(sample) : by_simulation(sample);
  const std::size_t G = net_.signal_count();
  if (G > 0 && (sample + 1) * G <= phases_.size()) {
    s.signal_phase.assign(phases_.begin() + static_cast<std::ptrdiff_t>(sample * G),
                          phases_.begin() + static_cast<std::ptrdiff_t>((sample + 1) * G));
  }
  place(s);
  return s;
}

Snapshot ReplayReader::from_trajectories(std::size_t sample) const {
  // Reads only this sample's rows: a long run's trajectories need not fit in memory.
  const h5::Handle file = h5::open_file(path_);
  const std::uint64_t first = offset_[sample], n = count_[sample];
  const auto vehicle =
      h5::read_rows<std::uint32_t>(file.get(), "/trajectories/vehicle", first, n, path_);
  const auto segment =
      h5::read_rows<std::uint32_t>(file.get(), "/trajectories/segment", first, n, path_);
  const auto pos = h5::read_rows<float>(file.get(), "/trajectories/pos_m", first, n, path_);
  const auto speed = h5::read_rows<float>(file.get(), "/trajectories/speed_mps", first, n, path_);
  Snapshot s;
  s.time_s = time_s_[sample];
  s.vehicles.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    s.vehicles[i] = {vehicle[i], segment[i], pos[i], speed[i], {}, 0.0};
  }
  return s;
}

void ReplayReader::simulate_to(std::size_t sample) {
  const std::int64_t step = std::llround(time_s_[sample] / meta_.step_s);
  if (!world_ || world_->traffic().state().step > step) {
    if (!demand_) demand_ = std::make_unique<traffic::Demand>(load_run_demand(meta_, net_));
    world_ = make_world(meta_, net_, *demand_);
  }
  while (world_->traffic().state().step < step) world_->step();
}

Snapshot ReplayReader::by_simulation(std::size_t sample) {
  simulate_to(sample);
  TrafficSample taken(net_, demand_->trip_count());
  taken.take(world_->traffic());
  Snapshot s;
  s.time_s = world_->time_s();
  s.vehicles.resize(taken.vehicles_in_network);
  for (std::size_t i = 0; i < taken.vehicles_in_network; ++i) {
    s.vehicles[i] = {
        taken.vehicle[i], taken.segment[i], taken.pos_m[i], taken.speed_mps[i], {}, 0.0};
  }
  return s;
}

void ReplayReader::place(Snapshot& s) const {
  for (VehicleSnapshot& v : s.vehicles) {
    if (v.segment >= net_.segment_count()) {
      throw Error("trajectory names a segment the network does not have")
          .in_file(path_)
          .field("/trajectories/segment")
          .found(std::to_string(v.segment));
    }
    const geo::PolylineView shape = net_.seg_shape[v.segment];
    // Positions along the segment's own length; its shape may be slightly longer or shorter.
    const double s_along =
        net_.seg_length_m[v.segment] > 0.0
            ? static_cast<double>(v.pos_m) * shape.length() / net_.seg_length_m[v.segment]
            : 0.0;
    v.position = shape.point_at(s_along);
    v.heading = shape.heading_at(s_along);
  }
}

bool ReplayReader::has_buildings() const {
  return building_series_ || (!has_trajectories() && !meta_.buildings_path.empty());
}

BuildingsSnapshot ReplayReader::buildings_at(double time_s) {
  if (!has_buildings()) {
    throw Error("run file has no building series")
        .in_file(path_)
        .field("/series/buildings")
        .expected("a run with buildings, recorded by this version");
  }
  const std::size_t sample = sample_at(time_s);
  BuildingsSnapshot b;
  b.time_s = time_s_[sample];
  if (!building_series_) {  // files from before building series, simulated again
    simulate_to(sample);
    const buildings::BuildingsState& s = world_->buildings()->state();
    b.air_c = s.air_c;
    b.operative_c = s.operative_c;
    b.electric_w = s.electric_w;
    b.pv_w = s.pv_w;
    b.hvac_heat_w = s.hvac_heat_w;
    b.site_electric_w = s.site_electric_w;
    b.site_pv_w = s.site_pv_w;
    b.outdoor_c = s.outdoor_c;
    b.sun_elevation_deg = s.sun_elevation_deg;
    return b;
  }
  // Reads only this sample's row: a long run's series need not fit in memory.
  const h5::Handle file = h5::open_file(path_);
  const h5::Handle g = h5::open_group(file.get(), "/series/buildings", path_);
  const hid_t id = g.get();
  if (h5::exists(id, "air_c")) {  // absent for a stock of no buildings
    b.air_c = h5::read_row<float>(id, "air_c", sample, path_);
    b.operative_c = h5::read_row<float>(id, "operative_c", sample, path_);
    b.electric_w = h5::read_row<float>(id, "electric_w", sample, path_);
    b.pv_w = h5::read_row<float>(id, "pv_w", sample, path_);
    b.hvac_heat_w = h5::read_row<float>(id, "hvac_heat_w", sample, path_);
  }
  const auto one = [&](const char* name) {
    return h5::read_rows<double>(id, name, sample, 1, path_).front();
  };
  b.site_electric_w = one("site_electric_w");
  b.site_pv_w = one("site_pv_w");
  b.outdoor_c = one("outdoor_c");
  b.sun_elevation_deg = one("sun_elevation_deg");
  return b;
}

}  // namespace parktwin::scenarios
