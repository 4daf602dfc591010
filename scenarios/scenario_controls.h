#pragma once
// What a scenario says acts on the World while it runs, as written (by name), and its
// resolution against the loaded network:
//   - events ([[events]] in the manifest, /events in the run file): closures, signal
//     retimings, demand multipliers and heat waves at given times;
//   - controllers ([controllers] in the manifest, /controllers in the run file): the policy
//     of every signal.
// A run file records these specs, so a resumed run and a replay rebuild the same World.

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sim/buildings/buildings_sim.h"
#include "sim/energy/energy_sim.h"
#include "sim/traffic/demand_scaling.h"
#include "sim/traffic/events.h"
#include "sim/traffic/network.h"
#include "sim/traffic/signal_control.h"

namespace parktwin::scenarios {

// The event types a scenario may use, in the order docs/scenario-format.md lists them.
inline constexpr const char* kEventTypes[] = {"close_road", "open_road",    "close_lane",
                                              "open_lane",  "signal_plan",  "demand_multiplier",
                                              "heat_wave",  "feeder_outage"};

struct EventSpec {
  double at_s = 0.0;             // simulated seconds after the start
  std::string type;              // one of kEventTypes
  std::string road;              // close_road, open_road, close_lane, open_lane
  std::int64_t lane = -1;        // close_lane, open_lane: index in its road, 0 = leftmost
  std::string junction;          // signal_plan
  std::vector<double> phases_s;  // signal_plan: one duration per phase
  double factor = 1.0;           // demand_multiplier
  double delta_c = 0.0;          // heat_wave: added to the outdoor air temperature (K)
  std::string feeder;            // feeder_outage
  // demand_multiplier, heat_wave, feeder_outage
  double until_s = std::numeric_limits<double>::infinity();
  std::string file;  // where it was written, for errors
  int line = 0;
};

struct SignalControlSpec {
  std::string signals = "fixed_time";  // every signal's policy unless a junction says otherwise
  // A trained policy's folder (`signals = "policy:DIR"`, resolved against the manifest's
  // folder): its signals are `agent`s that the tools hand to the policy. Empty: none.
  std::string policy_path;
  std::vector<std::pair<std::string, std::string>> junctions;  // junction id -> policy
  double min_green_s = traffic::SignalControlParams{}.min_green_s;
  // sotl, actuated, webster and agent signals: a green is ended after this long
  double max_green_s = traffic::SignalControlParams{}.max_green_s;
  // The district's batteries and EV chargers (sim/energy/energy_sim.h, ev_charging.h).
  std::string batteries = "time_of_use";
  std::string charging = "immediate";
  // A trained energy policy's folder (`energy = "policy:DIR"`): it drives the district's
  // batteries, charging and HVAC as its card says, the rules above the rest. Empty: the rules.
  std::string energy_policy_path;
  std::string file;  // where [controllers] was written, for errors
  int line = 0;
};

// The events that act while the World runs (all but demand multipliers), at the step that
// first starts at or after their time. Error naming the event's file and line, and the key,
// for a road, lane or junction the network lacks, or a plan of another phase count.
std::vector<traffic::TrafficEvent> runtime_events(const std::vector<EventSpec>& events,
                                                  const traffic::Network& net, double step_s);
// The heat waves, as changes of the outdoor air temperature's offset at the first step at or
// after each start and end.
std::vector<buildings::OutdoorOffset> weather_offsets(const std::vector<EventSpec>& events,
                                                      double step_s);
// The feeder outages, as a feeder going out and back in at the first step at or after each
// start and end. Error naming the event's file and line for a feeder the grid lacks.
std::vector<energy::FeederOutage> feeder_outages(const std::vector<EventSpec>& events,
                                                 const energy::DistrictAssets& assets,
                                                 double step_s);
// The demand multipliers, as windows of departure times.
std::vector<traffic::DemandScaling> demand_scalings(const std::vector<EventSpec>& events);
// One policy per signal. Error naming the file and line for a junction the network lacks or
// one without a signal.
std::vector<traffic::SignalPolicy> signal_policies(const SignalControlSpec& spec,
                                                   const traffic::Network& net);

}  // namespace parktwin::scenarios
