#include "sim/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "engine/assert.h"
#include "engine/error.h"
#include "engine/raw_bytes.h"

namespace parktwin {

World::World(const traffic::Network& net, const traffic::Demand& demand,
             const traffic::TrafficConfig& config, std::vector<traffic::TrafficEvent> events,
             traffic::SignalController signals)
    : traffic_(net, demand, config), events_(std::move(events)), signals_(std::move(signals)) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const auto& a, const auto& b) { return a.step < b.step; });
  signals_.attach(traffic_);
}

void World::attach_buildings(std::shared_ptr<const buildings::BuildingStock> stock,
                             std::shared_ptr<const energy::WeatherSeries> weather,
                             const buildings::BuildingsConfig& config,
                             std::vector<buildings::OutdoorOffset> offsets) {
  if (traffic_.state().step != 0) {
    throw Error("buildings attached to a World that has run")
        .found(fmt::format("step {}", traffic_.state().step));
  }
  // The SimClock's rule: a subsystem's period is a whole multiple of the step, or an error.
  const Schedule every = SimClock(traffic_.config().step_s).every(config.step_s);
  stock_ = std::move(stock);
  weather_ = std::move(weather);
  buildings_config_ = config;
  buildings_ = std::make_unique<buildings::BuildingsSim>(*stock_, *weather_, config);
  building_period_steps_ = every.period_steps;
  offsets_ = std::move(offsets);
  std::stable_sort(offsets_.begin(), offsets_.end(),
                   [](const auto& a, const auto& b) { return a.step < b.step; });
  next_offset_ = 0;
}

void World::attach_energy(std::shared_ptr<const energy::DistrictAssets> assets,
                          std::shared_ptr<const energy::Tariff> tariff,
                          std::shared_ptr<const coupling::CarParks> car_parks,
                          const energy::EnergyConfig& config, std::uint64_t seed,
                          std::vector<energy::FeederOutage> outages) {
  if (!buildings_) throw Error("energy needs buildings").expected("attach_buildings first");
  if (traffic_.state().step != 0) {
    throw Error("energy attached to a World that has run")
        .found(fmt::format("step {}", traffic_.state().step));
  }
  assets_ = std::move(assets);
  tariff_ = std::move(tariff);
  car_parks_ = std::move(car_parks);
  energy_config_ = config;
  energy::EnergyConfig c = config;
  c.step_s = buildings_->time_step_s();
  energy_ = std::make_unique<energy::EnergySim>(*assets_, *tariff_, c,
                                                coupling::ev_trip_count(traffic_.demand()));
  ev_seed_ = seed;
  outages_ = std::move(outages);
  std::stable_sort(outages_.begin(), outages_.end(),
                   [](const auto& a, const auto& b) { return a.step < b.step; });
  next_outage_ = 0;
}

void World::step() {
  if (arena_) {
    arena_->execute([this] { step_here(); });
  } else {
    step_here();
  }
}

void World::step_here() {
  const std::int64_t now = traffic_.state().step;
  while (next_event_ < events_.size() && events_[next_event_].step <= now) {
    traffic::apply_event(events_[next_event_++], traffic_);
  }
  if (agent_) agent_->act(*this);
  signals_.act(traffic_);
  traffic_.step();
  while (buildings_ && next_offset_ < offsets_.size() && offsets_[next_offset_].step <= now) {
    buildings_->set_outdoor_offset(offsets_[next_offset_++].offset_c);
  }
  if (energy_) {
    while (next_outage_ < outages_.size() && outages_[next_outage_].step <= now) {
      const energy::FeederOutage& o = outages_[next_outage_++];
      energy_->set_feeder_out(o.feeder, o.out);
      // Without the grid the buildings' HVAC stops (PV and batteries keep lights and
      // equipment on where they can): their zones float.
      for (std::size_t b = 0; b < assets_->buildings(); ++b) {
        if (assets_->feeder[b] == o.feeder) buildings_->set_hvac_off(b, o.out);
      }
    }
    coupling::plug_in_arrivals(traffic_, *car_parks_, buildings_->stock(), *energy_, ev_seed_);
  }
  if (buildings_ && now % building_period_steps_ == 0) {
    buildings_->step();
    if (energy_) energy_->step(buildings_->state().electric_w, buildings_->state().pv_w);
  }
}

void World::restored() {
  const std::int64_t now = traffic_.state().step;
  // The offset in force is in the restored buildings' state.
  next_offset_ = static_cast<std::size_t>(
      std::find_if(offsets_.begin(), offsets_.end(), [&](const auto& o) { return o.step >= now; }) -
      offsets_.begin());
  next_outage_ = static_cast<std::size_t>(
      std::find_if(outages_.begin(), outages_.end(), [&](const auto& o) { return o.step >= now; }) -
      outages_.begin());
  next_event_ = static_cast<std::size_t>(
      std::find_if(events_.begin(), events_.end(), [&](const auto& e) { return e.step >= now; }) -
      events_.begin());
  signals_.attach(traffic_);
}

void World::set_threads(int threads) {
  if (threads < 0) {
    throw Error("invalid thread count for a World")
        .expected("0 (the process's limit) or more")
        .found(std::to_string(threads));
  }
  threads_ = threads;
  arena_ = threads > 0 ? std::make_unique<tbb::task_arena>(threads) : nullptr;
}

std::unique_ptr<World> World::copy_at_start(std::uint64_t seed) const {
  traffic::TrafficConfig config = traffic_.config();
  config.seed = seed;
  auto copy = std::make_unique<World>(
      traffic_.network(), traffic_.demand(), config, events_,
      // a fresh controller: the same policies, no memory
      traffic::SignalController(traffic_.network(), signals_.policies(), signals_.params()));
  if (buildings_) {
    copy->attach_buildings(stock_, weather_, buildings_config_, offsets_);
    if (energy_) copy->attach_energy(assets_, tariff_, car_parks_, energy_config_, seed, outages_);
  }
  copy->set_threads(threads_);
  return copy;
}

void World::snapshot(WorldSnapshot& out) const {
  out.step = traffic_.state().step;
  out.network = &traffic_.network();
  out.demand = &traffic_.demand();
  std::size_t i = 0;
  save_state([&](const char*, const auto& value) {
    if (i == out.parts.size()) out.parts.emplace_back();
    const auto bytes = raw_bytes(value);
    out.parts[i].assign(bytes.begin(), bytes.end());
    ++i;
  });
  out.parts.resize(i);
}

WorldSnapshot World::snapshot() const {
  WorldSnapshot out;
  snapshot(out);
  return out;
}

void World::restore(const WorldSnapshot& snap) {
  // Checked before anything is assigned, so a mismatch changes nothing. The same model and
  // subsystems give the same parts with the same element types.
  std::size_t parts = 0;
  save_state([&](const char*, const auto&) { ++parts; });
  if (snap.step < 0) throw Error("empty World snapshot").expected("one taken by snapshot()");
  if (snap.network != &traffic_.network() || snap.demand != &traffic_.demand() ||
      parts != snap.parts.size()) {
    throw Error("snapshot of another World")
        .expected(fmt::format("one of a World with this network and demand and {} parts", parts))
        .found(fmt::format("{} parts{}", snap.parts.size(),
                           snap.network != &traffic_.network() ? ", another network" : ""));
  }
  std::size_t i = 0;
  restore_state([&](const char*, auto& value) {
    const bool ok = assign_raw(value, snap.parts[i++]);
    PT_ASSERT(ok, "a snapshot part that fits assigns");
    (void)ok;
  });
}

}  // namespace parktwin
