#include "scenarios/scenario_controls.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace parktwin::scenarios {

namespace {

Error event_error(const EventSpec& e, const std::string& message, const std::string& key) {
  Error err(message);
  err.in_file(e.file).at_line(e.line).field("events." + key);
  return err;
}

// The first step that starts at or after t (a hair of tolerance, so that t = 0.3 with a step of
// 0.1 s is step 3, not 4).
std::int64_t first_step_at(double t_s, double step_s) {
  return static_cast<std::int64_t>(std::ceil(t_s / step_s - 1e-9));
}

traffic::Index find_junction(const traffic::Network& net, const std::string& id) {
  for (std::size_t j = 0; j < net.junction_count(); ++j) {
    if (net.junction_id[j] == id) return static_cast<traffic::Index>(j);
  }
  return traffic::kNone;
}

}  // namespace

std::vector<traffic::TrafficEvent> runtime_events(const std::vector<EventSpec>& events,
                                                  const traffic::Network& net, double step_s) {
  using traffic::EventKind;
  std::vector<traffic::TrafficEvent> out;
  for (const EventSpec& e : events) {
    if (e.type == "demand_multiplier" || e.type == "heat_wave" || e.type == "feeder_outage") {
      continue;
    }
    traffic::TrafficEvent t;
    t.step = first_step_at(e.at_s, step_s);
    if (e.type == "signal_plan") {
      const traffic::Index j = find_junction(net, e.junction);
      if (j == traffic::kNone) {
        throw event_error(e, "unknown junction", "junction")
            .expected("a junction of the network")
            .found(e.junction);
      }
      t.kind = EventKind::signal_plan;
      t.target = net.junction_signal[j];
      if (t.target == traffic::kNone) {
        throw event_error(e, "junction has no signal", "junction")
            .expected("a signalised junction")
            .found(e.junction);
      }
      const std::size_t n = net.signal_phases(t.target).size();
      if (e.phases_s.size() != n) {
        throw event_error(e, "signal plan has another number of phases", "phases")
            .expected(fmt::format("{} durations, one per phase of '{}'", n, e.junction))
            .found(std::to_string(e.phases_s.size()));
      }
      t.phase_durations_s = e.phases_s;
    } else {
      const traffic::Index road = net.find_road(e.road);
      if (road == traffic::kNone) {
        throw event_error(e, "unknown road", "road")
            .expected("a road of the network")
            .found(e.road);
      }
      if (e.type == "close_road" || e.type == "open_road") {
        t.kind = e.type == "close_road" ? EventKind::close_road : EventKind::open_road;
        t.target = road;
      } else {
        const int lanes = net.road_lane_count[road];
        if (e.lane < 0 || e.lane >= lanes) {
          throw event_error(e, "no such lane on the road", "lane")
              .expected(fmt::format("0..{} (road '{}' has {} lanes, 0 = leftmost)", lanes - 1,
                                    e.road, lanes))
              .found(std::to_string(e.lane));
        }
        t.kind = e.type == "close_lane" ? EventKind::close_lane : EventKind::open_lane;
        t.target = net.road_first_lane[road] + static_cast<traffic::Index>(e.lane);
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<buildings::OutdoorOffset> weather_offsets(const std::vector<EventSpec>& events,
                                                      double step_s) {
  std::vector<buildings::OutdoorOffset> out;
  for (const EventSpec& e : events) {
    if (e.type != "heat_wave") continue;
    out.push_back({first_step_at(e.at_s, step_s), e.delta_c});
    if (std::isfinite(e.until_s)) out.push_back({first_step_at(e.until_s, step_s), 0.0});
  }
  return out;
}

std::vector<energy::FeederOutage> feeder_outages(const std::vector<EventSpec>& events,
                                                 const energy::DistrictAssets& assets,
                                                 double step_s) {
  std::vector<energy::FeederOutage> out;
  for (const EventSpec& e : events) {
    if (e.type != "feeder_outage") continue;
    const auto it = std::find(assets.feeder_name.begin(), assets.feeder_name.end(), e.feeder);
    if (it == assets.feeder_name.end()) {
      throw event_error(e, "unknown feeder", "feeder")
          .expected("a feeder of the district: " + comma_list(assets.feeder_name))
          .found(e.feeder);
    }
    const auto f = static_cast<std::uint32_t>(it - assets.feeder_name.begin());
    out.push_back({first_step_at(e.at_s, step_s), f, true});
    if (std::isfinite(e.until_s)) out.push_back({first_step_at(e.until_s, step_s), f, false});
  }
  return out;
}

std::vector<traffic::DemandScaling> demand_scalings(const std::vector<EventSpec>& events) {
  std::vector<traffic::DemandScaling> out;
  for (const EventSpec& e : events) {
    if (e.type == "demand_multiplier") out.push_back({e.at_s, e.until_s, e.factor});
  }
  return out;
}

std::vector<traffic::SignalPolicy> signal_policies(const SignalControlSpec& spec,
                                                   const traffic::Network& net) {
  const auto parse = [&](const std::string& name, const std::string& key) {
    const auto p = traffic::parse_signal_policy(name);
    if (!p) {
      throw Error("unknown signal policy")
          .in_file(spec.file)
          .at_line(spec.line)
          .field(key)
          .expected("one of " + traffic::signal_policy_names())
          .found(name);
    }
    return *p;
  };
  // fixed_time (the default) runs each signal's own program: a fixed plan as planned, a
  // SUMO actuated program by its detectors (the actuated controller with the program's
  // minDur, maxDur, max-gap and detector-gap). A junction named below gets what it names.
  const traffic::SignalPolicy base = parse(spec.signals, "controllers.signals");
  std::vector<traffic::SignalPolicy> out(net.signal_count(), base);
  for (traffic::Index g = 0; g < net.signal_count(); ++g) {
    if (base == traffic::SignalPolicy::fixed_time && net.signal_actuated(g)) {
      out[g] = traffic::SignalPolicy::actuated;
    }
  }
  for (const auto& [junction, policy] : spec.junctions) {
    const std::string key = "controllers.junctions." + junction;
    const traffic::Index j = find_junction(net, junction);
    if (j == traffic::kNone || net.junction_signal[j] == traffic::kNone) {
      throw Error(j == traffic::kNone ? "unknown junction" : "junction has no signal")
          .in_file(spec.file)
          .at_line(spec.line)
          .field(key)
          .expected("a signalised junction of the network")
          .found(junction);
    }
    out[net.junction_signal[j]] = parse(policy, key);
  }
  return out;
}

}  // namespace parktwin::scenarios
