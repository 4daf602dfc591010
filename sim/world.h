#pragma once
// The World (DESIGN.md, "One step of the World"): the subsystems of one scenario and what
// acts on them, stepped together. One step:
//   1. events due at this step (closures, signal retimings)
//   2. controllers act (signal policies)
//   3. the subsystems advance (traffic; buildings and energy join here)
// Everything the next steps depend on lives in the subsystems' state: events already applied
// left their mark there and controllers keep nothing of their own, so a checkpoint of the
// traffic state resumes the World bit for bit.

#include <cstdint>
#include <span>
#include <vector>

#include "sim/traffic/events.h"
#include "sim/traffic/signal_control.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin {

class World {
 public:
  // The network and demand must outlive the World. Events in any order (applied by step,
  // ties in the order given).
  World(const traffic::Network& net, const traffic::Demand& demand,
        const traffic::TrafficConfig& config, std::vector<traffic::TrafficEvent> events,
        traffic::SignalController signals);

  void step();
  // Call after restoring a checkpoint into traffic(): events before its step are not
  // applied again (their effect is in the restored state).
  void restored();

  traffic::TrafficSim& traffic() { return traffic_; }
  const traffic::TrafficSim& traffic() const { return traffic_; }
  double time_s() const { return traffic_.time_s(); }
  std::span<const traffic::TrafficEvent> events() const { return events_; }
  std::size_t events_applied() const { return next_event_; }

 private:
  traffic::TrafficSim traffic_;
  std::vector<traffic::TrafficEvent> events_;
  std::size_t next_event_ = 0;
  traffic::SignalController signals_;
};

}  // namespace parktwin
