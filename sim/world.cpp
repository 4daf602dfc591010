#include "sim/world.h"

#include <algorithm>
#include <utility>

namespace parktwin {

World::World(const traffic::Network& net, const traffic::Demand& demand,
             const traffic::TrafficConfig& config, std::vector<traffic::TrafficEvent> events,
             traffic::SignalController signals)
    : traffic_(net, demand, config), events_(std::move(events)), signals_(std::move(signals)) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const auto& a, const auto& b) { return a.step < b.step; });
  signals_.attach(traffic_);
}

void World::step() {
  const std::int64_t now = traffic_.state().step;
  while (next_event_ < events_.size() && events_[next_event_].step <= now) {
    traffic::apply_event(events_[next_event_++], traffic_);
  }
  signals_.act(traffic_);
  traffic_.step();
}

void World::restored() {
  const std::int64_t now = traffic_.state().step;
  next_event_ = static_cast<std::size_t>(
      std::find_if(events_.begin(), events_.end(), [&](const auto& e) { return e.step >= now; }) -
      events_.begin());
  signals_.attach(traffic_);
}

}  // namespace parktwin
