#include "tools/traffic_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "engine/error.h"
#include "engine/input_file.h"
#include "scenarios/buildings_geojson.h"
#include "scenarios/land_cover_geojson.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/scenario_controls.h"
#include "scenarios/traffic_inputs.h"
#include "tools/policy_agents.h"

namespace parktwin::cli {

bool is_hdf5_file(const std::string& path) {
  std::string why;
  if (!is_input_file(path, why)) return false;  // its reader says why
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 8 && std::string(magic, 8) == "\x89HDF\r\n\x1a\n";
}

TrafficSource::TrafficSource(const std::string& path) {
  if (is_hdf5_file(path)) {
    replay_ = std::make_unique<scenarios::ReplayReader>(path);
    meta_ = replay_->meta();
    net_ = &replay_->network();
    demand_ = scenarios::load_run_demand(meta_, *net_);
    replay_events_ = scenarios::runtime_events(meta_.events, *net_, meta_.step_s);
    std::stable_sort(replay_events_.begin(), replay_events_.end(),
                     [](const auto& a, const auto& b) { return a.step < b.step; });
    if (replay_->has_buildings()) {
      replay_stock_ = std::make_unique<const buildings::BuildingStock>(
          buildings::build_stock(scenarios::load_buildings(meta_.buildings_path)));
    }
  } else {
    meta_ = scenarios::run_meta_of(scenarios::load_manifest(path));
    own_net_ = std::make_unique<traffic::Network>(scenarios::load_network(meta_.network_path));
    net_ = own_net_.get();
    demand_ = scenarios::load_run_demand(meta_, *net_);
    world_ = scenarios::make_world(meta_, *net_, demand_);
    attach_policy_agent(meta_, *world_);
  }
  if (!meta_.land_cover_path.empty()) {
    for (scenarios::LandPolygon& p : scenarios::load_land_cover(meta_.land_cover_path)) {
      ground_cover_.push_back({p.cover == scenarios::Cover::water ? render::GroundCover::water
                                                                  : render::GroundCover::park,
                               std::move(p.outline)});
    }
  }
  mark_agents();
  take();
}

// The signals an agent runs (a learned policy), by the scenario's or the run's controllers:
// the viewer rings their junctions.
void TrafficSource::mark_agents() {
  const std::vector<traffic::SignalPolicy> policies =
      scenarios::signal_policies(meta_.controllers, *net_);
  signal_agent_.assign(policies.size(), 0);
  for (std::size_t g = 0; g < policies.size(); ++g) {
    signal_agent_[g] = policies[g] == traffic::SignalPolicy::agent ? 1 : 0;
  }
}

std::unique_ptr<TrafficSource> TrafficSource::variant_of(const TrafficSource& base,
                                                         std::vector<scenarios::EventSpec> edits) {
  std::unique_ptr<TrafficSource> v(new TrafficSource());
  v->meta_ = base.meta_;
  // After the base's own events: at one step, events apply in the order given (World).
  for (scenarios::EventSpec& e : edits) v->meta_.events.push_back(std::move(e));
  v->net_ = base.net_;
  v->ground_cover_ = base.ground_cover_;
  v->demand_ = scenarios::load_run_demand(v->meta_, *v->net_);
  v->world_ = scenarios::make_world(v->meta_, *v->net_, v->demand_);
  attach_policy_agent(v->meta_, *v->world_);
  v->mark_agents();
  v->take();
  return v;
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
    lane_closed_.resize(net_->lane_count());
    for (traffic::Index l = 0; l < net_->lane_count(); ++l) {
      lane_closed_[l] = world_->traffic().lane_closed(l) ? 1 : 0;
    }
    return;
  }
  const scenarios::Snapshot snap = replay_->at(time_s_);
  if (sample_.vehicle.size() < snap.vehicles.size() ||
      sample_.signal_phase.size() != net_->signal_count()) {
    sample_ = scenarios::TrafficSample(*net_, std::max(snap.vehicles.size(), demand_.trip_count()));
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
  replay_closures(snap.time_s);
  // A new sample only: the viewer seeks every frame, samples come every minute or so.
  if (replay_stock_ && snap.time_s != replay_buildings_time_s_) take_replay_buildings();
}

void TrafficSource::take_replay_buildings() {
  scenarios::BuildingsSnapshot b = replay_->buildings_at(time_s_);
  replay_buildings_time_s_ = b.time_s;
  if (b.air_c.size() != replay_stock_->size()) {
    throw Error("the run's building series do not fit its buildings file")
        .in_file(meta_.buildings_path)
        .expected(fmt::format("{} buildings, as the run file's series", b.air_c.size()))
        .found(fmt::format("{} buildings", replay_stock_->size()));
  }
  buildings::BuildingsState& s = replay_buildings_;
  s.air_c = std::move(b.air_c);
  s.operative_c = std::move(b.operative_c);
  s.electric_w = std::move(b.electric_w);
  s.pv_w = std::move(b.pv_w);
  s.hvac_heat_w = std::move(b.hvac_heat_w);
  s.site_electric_w = b.site_electric_w;
  s.site_pv_w = b.site_pv_w;
  s.outdoor_c = b.outdoor_c;
  s.sun_elevation_deg = b.sun_elevation_deg;
  // Not in the series: sums since the start read as 0.
  for (auto* v : {&s.heating_kwh, &s.cooling_kwh, &s.hvac_electric_kwh, &s.lighting_kwh,
                  &s.equipment_kwh, &s.discomfort_kh, &s.unmet_heat_kwh, &s.pv_kwh}) {
    v->assign(replay_stock_->size(), 0.0);
  }
}

const buildings::BuildingStock* TrafficSource::building_stock() const {
  if (world_) return world_->buildings() ? &world_->buildings()->stock() : nullptr;
  return replay_stock_.get();
}

const buildings::BuildingsState* TrafficSource::buildings_state() const {
  if (world_) return world_->buildings() ? &world_->buildings()->state() : nullptr;
  return replay_stock_ ? &replay_buildings_ : nullptr;
}

// A run file records the events that acted on it (/events), not the lanes closed at each
// sample: the closures at `time_s` are those of the events applied by then, in their order.
void TrafficSource::replay_closures(double time_s) {
  lane_closed_.assign(net_->lane_count(), 0);
  for (const traffic::TrafficEvent& e : replay_events_) {
    if (static_cast<double>(e.step) * meta_.step_s > time_s + 1e-9) continue;
    const bool close =
        e.kind == traffic::EventKind::close_road || e.kind == traffic::EventKind::close_lane;
    if (e.kind == traffic::EventKind::close_road || e.kind == traffic::EventKind::open_road) {
      const traffic::Index first = net_->road_first_lane[e.target];
      for (traffic::Index l = first; l < first + net_->road_lane_count[e.target]; ++l) {
        lane_closed_[l] = close ? 1 : 0;
      }
    } else if (e.kind == traffic::EventKind::close_lane ||
               e.kind == traffic::EventKind::open_lane) {
      lane_closed_[e.target] = close ? 1 : 0;
    }
  }
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
  f.lane_closed = lane_closed_;
  f.signal_agent = signal_agent_;
  return f;
}

}  // namespace parktwin::cli
