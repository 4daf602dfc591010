// Webster's fixed-time plans from a day's flows (Webster 1958). See webster.h.

#include "sim/traffic/webster.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "engine/error.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

namespace {

// Subsets of at most this many greens are searched (2^16 sets); a signal with more greens
// runs them all.
constexpr std::size_t kMaxSearchedGreens = 16;

// Lanes from which movement m may be taken, per movement.
std::vector<double> movement_lanes(const Network& net) {
  std::vector<double> lanes(net.movement_count(), 0.0);
  // Links are grouped by their start lane: a movement counts a lane at its first link there.
  for (Index k = 0; k < net.link_count(); ++k) {
    const Index m = net.link_movement[k];
    const bool first_of_lane =
        std::none_of(net.link_movement.begin() + net.lane_links_begin[net.link_from_lane[k]],
                     net.link_movement.begin() + k, [m](Index o) { return o == m; });
    if (first_of_lane) lanes[m] += 1.0;
  }
  return lanes;
}

// Webster's plan for agent a: the set of greens with the shortest optimal cycle (above).
WebsterPlan plan_for(const SignalSurface& surface, std::size_t a, const WebsterParams& params,
                     std::span<const double> lanes) {
  const Network& net = surface.network();
  const Index g = surface.signal(a);
  const auto greens = surface.greens(a);
  const std::size_t n = greens.size();
  std::uint64_t all_greens = 0;
  for (const std::uint32_t p : greens) all_greens |= std::uint64_t{1} << p;

  // The movements a choice of greens must serve: green in some green but not in all phases.
  struct Load {
    std::uint32_t greens;  // bit i: greens[i] serves it
    double y;              // flow ratio
  };
  std::vector<Load> loads;
  const std::uint64_t every = net.signal_phases(g).size() >= 64
                                  ? ~std::uint64_t{0}
                                  : (std::uint64_t{1} << net.signal_phases(g).size()) - 1;
  for (const Index m : surface.movements(a)) {
    const std::uint64_t mask = net.movement_green_phases[m];
    if ((mask & all_greens) == 0 || (mask & every) == every) continue;
    Load l{0, 0.0};
    for (std::size_t i = 0; i < n && i < 32; ++i) {
      if (((mask >> greens[i]) & 1u) != 0) l.greens |= 1u << i;
    }
    const double capacity = params.movement_saturation_vph[m] * std::max(lanes[m], 1.0);
    l.y = params.movement_flow_vph[m] / capacity;
    loads.push_back(l);
  }
  std::vector<double> lost(n);
  for (std::size_t i = 0; i < n; ++i) lost[i] = surface.clearance_s(g, greens[i]);

  // y_i of each chosen green for a set: its movements' ratios, shared among the chosen greens
  // that serve them.
  std::vector<double> y(n);
  const auto ratios = [&](std::uint32_t set) {
    std::fill(y.begin(), y.end(), 0.0);
    for (const Load& l : loads) {
      const std::uint32_t chosen = l.greens & set;
      const double share = l.y / std::popcount(chosen);
      for (std::uint32_t b = chosen; b != 0; b &= b - 1) {
        const auto i = static_cast<std::size_t>(std::countr_zero(b));
        y[i] = std::max(y[i], share);
      }
    }
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += ((set >> i) & 1u) != 0 ? y[i] : 0.0;
    return sum;
  };

  const std::uint32_t full = n >= 32 ? ~0u : (1u << n) - 1;
  std::uint32_t best = full;
  if (n <= kMaxSearchedGreens) {
    // Feasible sets (Y < 1) by C0, then the rest by Y; fewer greens, then the lower set, on a
    // tie: deterministic.
    double best_key[3] = {2.0, 0.0, 0.0};
    for (std::uint32_t set = 1; set <= full; ++set) {
      bool covers = true;
      for (const Load& l : loads) covers = covers && (l.greens & set) != 0;
      if (!covers) continue;
      const double Y = ratios(set);
      double L = 0.0;
      for (std::size_t i = 0; i < n; ++i) L += ((set >> i) & 1u) != 0 ? lost[i] : 0.0;
      const double key[3] = {Y < 1.0 ? 0.0 : 1.0, Y < 1.0 ? (1.5 * L + 5.0) / (1.0 - Y) : Y,
                             static_cast<double>(std::popcount(set))};
      if (std::lexicographical_compare(key, key + 3, best_key, best_key + 3)) {
        std::copy(key, key + 3, best_key);
        best = set;
      }
    }
  }

  WebsterPlan plan;
  plan.flow_ratio = ratios(best);
  for (std::size_t i = 0; i < n; ++i) {
    if (((best >> i) & 1u) == 0) continue;
    plan.greens.push_back(greens[i]);
    plan.green_s.push_back(y[i]);  // the ratio for now
    plan.lost_s += lost[i];
  }
  const double min_green = surface.params().min_green_s;
  const double max_green = surface.params().max_green_s;
  const double Y = plan.flow_ratio;
  const double floor_s = std::max(
      params.min_cycle_s, plan.lost_s + min_green * static_cast<double>(plan.greens.size()));
  const double cycle = Y < 1.0
                           ? std::clamp((1.5 * plan.lost_s + 5.0) / (1.0 - Y),
                                        std::min(floor_s, params.max_cycle_s), params.max_cycle_s)
                           : params.max_cycle_s;
  // The effective green in proportion to the y_i; a green below the minimum gets the minimum
  // and the others share what is left, again in proportion (until none is below): the cycle
  // stays C where it can (the floor above leaves room for every minimum).
  const std::size_t k = plan.greens.size();
  std::vector<double> ratio = plan.green_s;
  if (!(Y > 0.0)) std::fill(ratio.begin(), ratio.end(), 1.0);
  std::vector<std::uint8_t> at_min(k, 0);
  for (bool changed = true; changed;) {
    changed = false;
    double free_s = std::max(cycle - plan.lost_s, 0.0), free_ratio = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
      if (at_min[i] != 0) {
        free_s -= min_green;
      } else {
        free_ratio += ratio[i];
      }
    }
    for (std::size_t i = 0; i < k; ++i) {
      if (at_min[i] != 0) {
        plan.green_s[i] = min_green;
        continue;
      }
      plan.green_s[i] = free_ratio > 0.0 ? free_s * ratio[i] / free_ratio : min_green;
      if (plan.green_s[i] < min_green) {
        at_min[i] = 1;
        changed = true;
      }
    }
  }
  plan.cycle_s = plan.lost_s;
  for (double& green : plan.green_s) {
    green = std::clamp(green, min_green, std::max(min_green, max_green));
    plan.cycle_s += green;
  }
  return plan;
}

}  // namespace

std::vector<double> movement_flows(const Network& net, const Demand& demand, double begin_s,
                                   double end_s, double peak_window_s) {
  // Movements by (from road, to road), to find the one between two roads of a route.
  struct Key {
    Index from, to, movement;
    bool operator<(const Key& o) const { return from != o.from ? from < o.from : to < o.to; }
  };
  std::vector<Key> keys;
  keys.reserve(net.movement_count());
  for (Index m = 0; m < net.movement_count(); ++m) {
    keys.push_back({net.movement_from_road[m], net.movement_to_road[m], m});
  }
  std::sort(keys.begin(), keys.end());
  const double span_s = end_s - begin_s;
  const double window_s = peak_window_s > 0.0 ? std::min(peak_window_s, span_s) : span_s;
  if (!(window_s > 0.0)) return std::vector<double>(net.movement_count(), 0.0);
  // Counts per movement and window (windows of window_s from begin_s; a last, shorter one is
  // merged into the one before, so that every rate is over a full window or more).
  const auto windows = std::max<std::size_t>(1, static_cast<std::size_t>(span_s / window_s));
  std::vector<double> count(net.movement_count() * windows, 0.0);
  for (const Trip& t : demand.trips) {
    if (t.depart_s < begin_s || t.depart_s >= end_s) continue;
    const std::size_t w =
        std::min(windows - 1, static_cast<std::size_t>((t.depart_s - begin_s) / window_s));
    for (Index k = 0; k + 1 < t.route_length; ++k) {
      const Key key{demand.route_road(t, k), demand.route_road(t, k + 1), 0};
      const auto at = std::lower_bound(keys.begin(), keys.end(), key);
      if (at != keys.end() && at->from == key.from && at->to == key.to) {
        count[at->movement * windows + w] += 1.0;
      }
    }
  }
  std::vector<double> flow(net.movement_count(), 0.0);
  for (Index m = 0; m < net.movement_count(); ++m) {
    for (std::size_t w = 0; w < windows; ++w) {
      const double length_s =
          w + 1 == windows ? span_s - window_s * static_cast<double>(w) : window_s;
      flow[m] = std::max(flow[m], count[m * windows + w] * 3600.0 / length_s);
    }
  }
  return flow;
}

WebsterParams webster_inputs(const Network& net, const Demand& demand, double begin_s,
                             double end_s) {
  WebsterParams p;
  p.movement_flow_vph = movement_flows(net, demand, begin_s, end_s, 900.0);
  // The vehicle type most trips use discharges the queues.
  VehicleType type;
  if (!demand.types.empty()) {
    std::vector<std::size_t> uses(demand.types.size(), 0);
    for (const Trip& t : demand.trips) ++uses[t.type];
    type = demand.types[static_cast<std::size_t>(std::max_element(uses.begin(), uses.end()) -
                                                 uses.begin())];
  }
  p.movement_saturation_vph.assign(net.movement_count(), 0.0);
  std::vector<double> lane_speed(net.movement_count(), 0.0);
  for (Index k = 0; k < net.link_count(); ++k) {
    const Index m = net.link_movement[k];
    lane_speed[m] = std::max(lane_speed[m], net.seg_speed_limit_mps[net.link_segment(k)]);
  }
  for (Index m = 0; m < net.movement_count(); ++m) {
    double v =
        std::min(type.max_speed_mps, lane_speed[m] > 0.0 ? lane_speed[m] : type.max_speed_mps);
    if (net.movement_turn[m] != Turn::straight) v = std::min(v, type.turn_speed_mps);
    v = std::max(v, 1.0);
    p.movement_saturation_vph[m] =
        3600.0 * v / (type.length_m + type.min_gap_m + v * type.headway_s);
  }
  return p;
}

Webster::Webster(const SignalSurface& surface, std::vector<Index> agents,
                 const WebsterParams& params)
    : agents_(std::move(agents)), plan_(surface.agents()) {
  if (agents_.empty()) return;
  const Network& net = surface.network();
  if (params.movement_flow_vph.size() != net.movement_count()) {
    throw Error("Webster's plans need the flow of every movement")
        .field("webster flows")
        .expected(fmt::format("{} (one per movement of the network)", net.movement_count()))
        .found(std::to_string(params.movement_flow_vph.size()));
  }
  for (const double f : params.movement_flow_vph) {
    if (!(f >= 0.0) || !std::isfinite(f)) {
      throw Error("invalid movement flow")
          .field("webster flows")
          .expected(">= 0")
          .found(fmt::format("{}", f));
    }
  }
  if (!(params.min_cycle_s > 0.0) || !(params.max_cycle_s >= params.min_cycle_s) ||
      !std::isfinite(params.max_cycle_s)) {
    throw Error("invalid Webster cycle bounds")
        .field("min_cycle_s, max_cycle_s")
        .expected("0 < min_cycle_s <= max_cycle_s, finite")
        .found(fmt::format("{}, {}", params.min_cycle_s, params.max_cycle_s));
  }
  if (params.movement_saturation_vph.size() != net.movement_count()) {
    throw Error("Webster's plans need the saturation flow of every movement")
        .field("webster saturation flows")
        .expected(fmt::format("{} (one per movement of the network)", net.movement_count()))
        .found(std::to_string(params.movement_saturation_vph.size()));
  }
  for (const double f : params.movement_saturation_vph) {
    if (!(f > 0.0) || !std::isfinite(f)) {
      throw Error("invalid saturation flow")
          .field("webster saturation flows")
          .expected("> 0")
          .found(fmt::format("{}", f));
    }
  }
  const std::vector<double> lanes = movement_lanes(net);
  for (const Index a : agents_) plan_[a] = plan_for(surface, a, params, lanes);
}

void Webster::decide(const TrafficSim& sim, SignalSurface& surface) const {
  for (const Index a : agents_) {
    const Index g = surface.signal(a);
    const std::uint32_t p = sim.signal_phase(g);
    if (!surface.is_green(g, p)) continue;  // the surface runs the clearance to its target
    const WebsterPlan& plan = plan_[a];
    const auto greens = surface.greens(a);
    const auto index_in = [&](std::uint32_t phase) {
      return static_cast<std::int32_t>(std::find(greens.begin(), greens.end(), phase) -
                                       greens.begin());
    };
    const auto at = std::find(plan.greens.begin(), plan.greens.end(), p);
    if (at == plan.greens.end()) {  // a green the plan does not run (the start): its first
      surface.ctrl()[a] = index_in(plan.greens.front());
      continue;
    }
    const auto i = static_cast<std::size_t>(at - plan.greens.begin());
    const bool done = sim.signal_time_in_phase_s(g) >= plan.green_s[i] - kClockTolerance_s;
    surface.ctrl()[a] = index_in(done ? plan.greens[(i + 1) % plan.greens.size()] : p);
  }
}

}  // namespace parktwin::traffic
