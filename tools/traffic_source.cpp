#include "tools/traffic_source.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"

namespace parktwin::cli {

bool is_hdf5_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 8 && std::string(magic, 8) == "\x89HDF\r\n\x1a\n";
}

TrafficSource::TrafficSource(const std::string& path) {
  if (is_hdf5_file(path)) {
    replay_ = std::make_unique<scenarios::ReplayReader>(path);
    meta_ = replay_->meta();
    demand_ = scenarios::load_run_demand(meta_, replay_->network());
  } else {
    meta_ = scenarios::run_meta_of(scenarios::load_manifest(path));
    net_ = std::make_unique<traffic::Network>(scenarios::load_network(meta_.network_path));
    demand_ = scenarios::load_run_demand(meta_, *net_);
    world_ = scenarios::make_world(meta_, *net_, demand_);
  }
  take();
}

TrafficSource::~TrafficSource() = default;

void TrafficSource::seek(double time_s) {
  time_s = std::clamp(time_s, 0.0, meta_.duration_s);
  if (world_) {
    const auto step = static_cast<std::int64_t>(std::floor(time_s / meta_.step_s + 1e-9));
    while (world_->traffic().state().step < step) world_->step();
  } else {
    time_s_ = time_s;
  }
  take();
}

void TrafficSource::take() {
  if (world_) {
    if (sample_.vehicle.size() != demand_.trip_count()) {
      sample_ = scenarios::TrafficSample(*net_, demand_.trip_count());
    }
    sample_.take(world_->traffic());
    time_s_ = world_->time_s();
    return;
  }
  const scenarios::Snapshot snap = replay_->at(time_s_);
  if (sample_.vehicle.size() < snap.vehicles.size() ||
      sample_.signal_phase.size() != replay_->network().signal_count()) {
    sample_ = scenarios::TrafficSample(replay_->network(),
                                       std::max(snap.vehicles.size(), demand_.trip_count()));
  }
  sample_.vehicles_in_network = static_cast<std::uint32_t>(snap.vehicles.size());
  for (std::size_t i = 0; i < snap.vehicles.size(); ++i) {
    sample_.vehicle[i] = snap.vehicles[i].vehicle;
    sample_.segment[i] = snap.vehicles[i].segment;
    sample_.pos_m[i] = snap.vehicles[i].pos_m;
    sample_.speed_mps[i] = snap.vehicles[i].speed_mps;
  }
  if (!snap.signal_phase.empty()) sample_.signal_phase = snap.signal_phase;
  sample_.time_s = snap.time_s;
}

render::TrafficFrame TrafficSource::frame() const {
  const std::size_t n = sample_.vehicles_in_network;
  render::TrafficFrame f;
  f.time_s = world_ ? time_s_ : sample_.time_s;
  f.vehicle = std::span(sample_.vehicle).first(n);
  f.segment = std::span(sample_.segment).first(n);
  f.pos_m = std::span(sample_.pos_m).first(n);
  f.speed_mps = std::span(sample_.speed_mps).first(n);
  f.signal_phase = sample_.signal_phase;
  return f;
}

}  // namespace parktwin::cli
