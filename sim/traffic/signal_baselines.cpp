// SOTL (Cools, Gershenson & D'Hooghe 2008) and actuated gap-out control (SUMO's actuated
// type, HCM 2010 ch. 31) on the control surface. See signal_baselines.h.

#include "sim/traffic/signal_baselines.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "engine/assert.h"
#include "engine/error.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

namespace {

bool green_in(std::uint64_t mask, std::uint32_t phase) { return ((mask >> phase) & 1u) != 0; }

// Vehicles counted in `per_movement` for the movements of agent a that phase q lets go and
// phase p does not (p = kNone: all of q's).
std::uint64_t phase_demand(const Network& net, const SignalSurface& surface, std::size_t a,
                           std::uint32_t q, std::uint32_t p,
                           std::span<const std::uint32_t> per_movement) {
  std::uint64_t n = 0;
  for (const Index m : surface.movements(a)) {
    const std::uint64_t mask = net.movement_green_phases[m];
    if (green_in(mask, q) && (p == kNone || !green_in(mask, p))) n += per_movement[m];
  }
  return n;
}

std::int32_t index_of(std::span<const std::uint32_t> greens, std::uint32_t phase) {
  return static_cast<std::int32_t>(std::find(greens.begin(), greens.end(), phase) - greens.begin());
}

void check_positive(double v, const char* name, bool zero_ok) {
  if (!std::isfinite(v) || v < 0.0 || (!zero_ok && v == 0.0)) {
    throw Error("invalid signal control parameter")
        .field(name)
        .expected(zero_ok ? "a finite number >= 0" : "a finite number > 0")
        .found(fmt::format("{}", v));
  }
}

}  // namespace

Sotl::Sotl(const SignalSurface& surface, std::vector<Index> agents, SotlParams params)
    : agents_(std::move(agents)), params_(params), kappa_(surface.agents(), 0.0) {
  check_positive(params_.theta_veh_s, "sotl.theta", false);
  check_positive(params_.approach_m, "sotl.approach_m", false);
  check_positive(params_.platoon_m, "sotl.platoon_m", true);
}

void Sotl::decide(const TrafficSim& sim, SignalSurface& surface, std::span<std::uint32_t> near,
                  std::span<std::uint32_t> close) {
  if (agents_.empty()) return;
  const Network& net = sim.network();
  surface.approaching(sim, params_.approach_m, false, near);
  surface.approaching(sim, params_.platoon_m, false, close);
  const double dt = sim.config().step_s;
  for (const Index a : agents_) {
    const Index g = surface.signal(a);
    const std::uint32_t p = sim.signal_phase(g);
    if (!surface.is_green(g, p)) continue;  // the surface runs the clearance
    std::uint64_t red_near = 0, green_near = 0, green_close = 0;
    for (const Index m : surface.movements(a)) {
      if (green_in(net.movement_green_phases[m], p)) {
        green_near += near[m];
        green_close += close[m];
      } else {
        red_near += near[m];
      }
    }
    kappa_[a] += static_cast<double>(red_near) * dt;  // rule 1
    const auto gs = surface.greens(a);
    surface.ctrl()[a] = index_of(gs, p);  // keep, unless a rule below switches
    if (sim.signal_time_in_phase_s(g) < surface.min_green_s(g, p) - kClockTolerance_s) {
      continue;  // rule 2
    }
    if (green_close > 0 && green_close <= params_.platoon_max) continue;  // rule 3
    const bool switch_now =
        kappa_[a] >= params_.theta_veh_s || (green_near == 0 && red_near > 0);  // rules 1 and 4
    if (!switch_now) continue;
    std::int32_t best = -1;
    std::uint64_t best_n = 0;
    for (std::size_t i = 0; i < gs.size(); ++i) {
      if (gs[i] == p) continue;
      const std::uint64_t n = phase_demand(net, surface, a, gs[i], p, near);
      if (best < 0 || n > best_n) {
        best = static_cast<std::int32_t>(i);
        best_n = n;
      }
    }
    if (best < 0) continue;  // a single green: nothing to switch to
    surface.ctrl()[a] = best;
    kappa_[a] = 0.0;
  }
}

Actuated::Actuated(const SignalSurface& surface, std::vector<Index> agents, ActuatedParams params)
    : agents_(std::move(agents)), params_(params), gap_s_(surface.agents(), 0.0) {
  check_positive(params_.max_gap_s, "actuated.max_gap", false);
  check_positive(params_.detector_m, "actuated.detector_m", false);
}

// SUMO's actuated program (MSActuatedTrafficLightLogic, gap-based): is a vehicle over, or
// has one passed during the last step, a detector detector-gap seconds of travel at the
// lane's limit before the stop line, on a lane with a link green in phase p? (An induction
// loop, swept over the step, so a vehicle that jumps past the point in one step counts.)
static bool detector_hit(const TrafficSim& sim, const SignalSurface& surface, std::size_t a,
                         std::uint32_t p) {
  const Network& net = sim.network();
  const TrafficState& s = sim.state();
  const Index g = surface.signal(a);
  const double dt = sim.config().step_s;
  for (const Index lane : surface.in_lanes(a)) {
    bool green = false;
    for (Index k = net.lane_links_begin[lane]; k < net.lane_links_begin[lane + 1] && !green; ++k) {
      green = green_in(net.movement_green_phases[net.link_movement[k]], p);
    }
    if (!green) continue;
    const double length = net.seg_length_m[lane];
    const double at =
        std::max(0.0, length - net.signal_detector_gap_s[g] * net.seg_speed_limit_mps[lane]);
    for (Index i = 0; i < s.queues.size(lane); ++i) {
      const Index v = s.queues.at(lane, i);
      const double front = s.pos_m[v];
      if (front < at) break;  // front first: the rest are behind the detector too
      const double back_before =
          front - sim.demand().types[sim.demand().trips[v].type].length_m - s.speed_mps[v] * dt;
      if (back_before <= at) return true;
    }
  }
  return false;
}

void Actuated::decide(const TrafficSim& sim, SignalSurface& surface,
                      std::span<std::uint32_t> in_zone, std::span<std::uint32_t> waiting) {
  if (agents_.empty()) return;
  const Network& net = sim.network();
  surface.approaching(sim, params_.detector_m, true, in_zone);
  surface.approaching(sim, std::numeric_limits<double>::infinity(), false, waiting);
  const double dt = sim.config().step_s;
  for (const Index a : agents_) {
    const Index g = surface.signal(a);
    const std::uint32_t p = sim.signal_phase(g);
    if (!surface.is_green(g, p)) {
      gap_s_[a] = 0.0;
      continue;
    }
    const auto gs = surface.greens(a);
    const std::int32_t current = index_of(gs, p);
    surface.ctrl()[a] = current;
    if (net.signal_actuated(g)) {
      // The network's own actuated program: extended while vehicles keep passing its
      // detectors, between the phase's minDur and maxDur (the surface ends it there), then on
      // to the next green in the program's order, as SUMO does.
      gap_s_[a] = detector_hit(sim, surface, a, p) ? 0.0 : gap_s_[a] + dt;
      if (sim.signal_time_in_phase_s(g) < surface.min_green_s(g, p) - kClockTolerance_s) continue;
      if (gap_s_[a] < net.signal_max_gap_s[g] - kClockTolerance_s) continue;
      surface.ctrl()[a] =
          static_cast<std::int32_t>((static_cast<std::size_t>(current) + 1) % gs.size());
      continue;
    }
    // A vehicle moving through the zone of a movement the green serves resets the gap.
    const bool detected = phase_demand(net, surface, a, p, kNone, in_zone) > 0;
    gap_s_[a] = detected ? 0.0 : gap_s_[a] + dt;
    if (sim.signal_time_in_phase_s(g) < surface.min_green_s(g, p) - kClockTolerance_s) continue;
    if (gap_s_[a] < params_.max_gap_s - kClockTolerance_s) continue;
    // Gap out: the next green in plan order with vehicles waiting for it.
    for (std::size_t k = 1; k < gs.size(); ++k) {
      const std::size_t i = (static_cast<std::size_t>(current) + k) % gs.size();
      if (phase_demand(net, surface, a, gs[i], p, waiting) > 0) {
        surface.ctrl()[a] = static_cast<std::int32_t>(i);
        break;
      }
    }
  }
}

}  // namespace parktwin::traffic
