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
  if (buildings_ && now % building_period_steps_ == 0) buildings_->step();
}

void World::restored() {
  const std::int64_t now = traffic_.state().step;
  // The offset in force is in the restored buildings' state.
  next_offset_ = static_cast<std::size_t>(
      std::find_if(offsets_.begin(), offsets_.end(), [&](const auto& o) { return o.step >= now; }) -
      offsets_.begin());
  next_event_ = static_cast<std::size_t>(
      std::find_if(events_.begin(), events_.end(), [&](const auto& e) { return e.step >= now; }) -
      events_.begin());
  signals_.attach(traffic_);
}

}  // namespace parktwin
