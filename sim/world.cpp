#include "sim/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "engine/error.h"

namespace parktwin {

World::World(const traffic::Network& net, const traffic::Demand& demand,
             const traffic::TrafficConfig& config, std::vector<traffic::TrafficEvent> events,
             traffic::SignalController signals)
    : traffic_(net, demand, config), events_(std::move(events)), signals_(std::move(signals)) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const auto& a, const auto& b) { return a.step < b.step; });
  signals_.attach(traffic_);
}

void World::attach_buildings(std::unique_ptr<const buildings::BuildingStock> stock,
                             std::unique_ptr<const energy::WeatherSeries> weather,
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
  buildings_ = std::make_unique<buildings::BuildingsSim>(*stock_, *weather_, config);
  building_period_steps_ = every.period_steps;
  offsets_ = std::move(offsets);
  std::stable_sort(offsets_.begin(), offsets_.end(),
                   [](const auto& a, const auto& b) { return a.step < b.step; });
  next_offset_ = 0;
}

void World::attach_energy(std::unique_ptr<const energy::DistrictAssets> assets,
                          std::unique_ptr<const energy::Tariff> tariff,
                          std::unique_ptr<const coupling::CarParks> car_parks,
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
  const std::int64_t now = traffic_.state().step;
  while (next_event_ < events_.size() && events_[next_event_].step <= now) {
    traffic::apply_event(events_[next_event_++], traffic_);
  }
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

}  // namespace parktwin
