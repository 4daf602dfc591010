// A restored state is input like any other (a checkpoint in a run file anyone may have
// edited): before the step reads it, every index in it must point inside its arrays and every
// structure built of indices (segment queues, waiting lists) must hang together, or the step
// would read and write out of bounds. Sizes are checked where the parts are read (a part sized
// from the inputs keeps its size); this checks what they hold. O(vehicles + segments).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/error.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

namespace {

[[noreturn]] void corrupt(const char* part, const std::string& what, const std::string& found) {
  throw Error("corrupt state: " + what).field(part).found(found);
}

bool finite_nonneg(double x) { return std::isfinite(x) && x >= 0.0; }

// A signal's time left in its phase, or (held) below zero its time in it: a year either way
// is more than any run.
constexpr double kMaxSignalClock_s = 366.0 * 86400.0;

}  // namespace

void TrafficSim::check_state() const {
  const TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  const std::size_t N = demand_.trip_count();
  const std::size_t S = net_.segment_count(), L = net_.lane_count(), K = net_.link_count();

  if (s.step < 0) corrupt("step", "negative step", std::to_string(s.step));
  if (s.next_trip > N) {
    corrupt("next_trip", fmt::format("beyond the {} trips", N), std::to_string(s.next_trip));
  }
  // The queues' layout is the network's (sized at init from lane lengths), never the file's.
  for (Index g = 0, at = 0; g < S; at += q.capacity[g], ++g) {
    if (q.capacity[g] != queue_capacity(g) || q.begin[g] != at ||
        (g + 1 == S && at + q.capacity[g] != q.pool.size())) {
      corrupt("queue_capacity", fmt::format("segment {}'s queue differs from the network's", g),
              fmt::format("{} slots from {}", q.capacity[g], q.begin[g]));
    }
  }
  for (std::size_t g = 0; g < S; ++g) {
    if (q.count[g] > q.capacity[g]) {
      corrupt("queue_count",
              fmt::format("segment {} holds more than its capacity of {}", g, q.capacity[g]),
              std::to_string(q.count[g]));
    }
    if (q.head[g] >= std::max<Index>(q.capacity[g], 1)) {
      corrupt("queue_head",
              fmt::format("segment {}'s front lies outside its {} slots", g, q.capacity[g]),
              std::to_string(q.head[g]));
    }
  }

  // Every vehicle: its status, and the indices its status makes the step read.
  std::size_t running = 0;
  for (Index v = 0; v < N; ++v) {
    const auto status = static_cast<std::uint8_t>(s.status[v]);
    if (status > static_cast<std::uint8_t>(VehicleStatus::teleporting)) {
      corrupt("status", fmt::format("vehicle {} has no such status", v), std::to_string(status));
    }
    if (s.reroute_begin[v] != kNone &&
        (s.reroute_begin[v] > s.rerouted_roads.size() ||
         s.reroute_length[v] > s.rerouted_roads.size() - s.reroute_begin[v] ||
         s.reroute_length[v] == 0)) {
      corrupt("reroute_begin", fmt::format("vehicle {}'s new route lies outside the routes", v),
              fmt::format("{} + {} of {}", s.reroute_begin[v], s.reroute_length[v],
                          s.rerouted_roads.size()));
    }
    if (s.status[v] == VehicleStatus::pending || s.status[v] == VehicleStatus::finished) continue;
    const Index length = route_length(v);
    if (s.route_pos[v] >= length) {
      corrupt("route_pos", fmt::format("vehicle {} beyond its route of {} roads", v, length),
              std::to_string(s.route_pos[v]));
    }
    for (Index k = 0; k < length; ++k) {
      if (route_road(v, k) >= net_.road_count()) {
        corrupt("rerouted_roads", fmt::format("vehicle {}'s route has no such road", v),
                std::to_string(route_road(v, k)));
      }
    }
    if (!demand_.stops_begin.empty() && s.next_stop[v] > demand_.stops_of(v).size()) {
      corrupt("next_stop", fmt::format("vehicle {} has no such stop", v),
              std::to_string(s.next_stop[v]));
    }
    if (s.status[v] == VehicleStatus::teleporting) continue;
    const Index seg = s.segment[v];
    if (seg >= (s.status[v] == VehicleStatus::waiting ? L : S)) {
      corrupt("segment", fmt::format("vehicle {} on no such segment", v), std::to_string(seg));
    }
    if (s.status[v] == VehicleStatus::waiting) continue;
    ++running;
    if (s.planned_link[v] != kNone && s.planned_link[v] >= K) {
      corrupt("planned_link", fmt::format("vehicle {} plans no such link", v),
              std::to_string(s.planned_link[v]));
    }
    if (s.lc_target[v] != kNone && s.lc_target[v] >= L) {
      corrupt("lc_target", fmt::format("vehicle {} targets no such lane", v),
              std::to_string(s.lc_target[v]));
    }
    if (!std::isfinite(s.pos_m[v]) || !finite_nonneg(s.speed_mps[v])) {
      corrupt("pos_m", fmt::format("vehicle {}'s position or speed is not a number", v),
              fmt::format("{} m, {} m/s", s.pos_m[v], s.speed_mps[v]));
    }
  }

  // The queues hold exactly the running vehicles, each on the segment it says it is on.
  std::size_t queued = 0;
  for (Index g = 0; g < S; ++g) {
    for (Index i = 0; i < q.count[g]; ++i) {
      const Index v = q.at(g, i);
      if (v >= N || s.status[v] != VehicleStatus::running || s.segment[v] != g) {
        corrupt("queue_pool",
                fmt::format("segment {} holds a vehicle that is not running on it", g),
                std::to_string(v));
      }
    }
    queued += q.count[g];
  }
  if (queued != running) {
    corrupt("queue_count", "segment queues disagree with the running vehicles",
            fmt::format("{} queued, {} running", queued, running));
  }

  // Waiting lists: chains of waiting vehicles on their own lane, without a loop.
  std::size_t waiting_listed = 0;
  for (Index lane = 0; lane < L; ++lane) {
    Index last = kNone;
    for (Index v = s.wait_head[lane]; v != kNone; v = s.wait_next[v]) {
      if (v >= N || s.status[v] != VehicleStatus::waiting || s.segment[v] != lane ||
          ++waiting_listed > N) {
        corrupt("wait_head", fmt::format("lane {}'s waiting list is broken", lane),
                std::to_string(v));
      }
      last = v;
    }
    if (s.wait_tail[lane] != last) {
      corrupt("wait_tail", fmt::format("lane {}'s waiting list ends elsewhere", lane),
              std::to_string(s.wait_tail[lane]));
    }
  }
  for (Index v = 0; v < N; ++v) {
    if (s.wait_next[v] != kNone && s.wait_next[v] >= N) {
      corrupt("wait_next", fmt::format("vehicle {} waits behind no such vehicle", v),
              std::to_string(s.wait_next[v]));
    }
  }

  // The teleporting list: each teleporting vehicle once.
  std::size_t teleporting = 0;
  for (Index v = 0; v < N; ++v) teleporting += s.status[v] == VehicleStatus::teleporting ? 1 : 0;
  if (s.teleporting.size() != teleporting) {
    corrupt("teleporting", "list disagrees with the vehicles' status",
            fmt::format("{} listed, {} teleporting", s.teleporting.size(), teleporting));
  }
  for (const Index v : s.teleporting) {
    if (v >= N || s.status[v] != VehicleStatus::teleporting) {
      corrupt("teleporting", "a teleporting vehicle that is not one", std::to_string(v));
    }
  }

  // Signals: a phase the plan has, durations the clock can advance by (advance_signals adds
  // phases until the time left is positive: a cycle of 0 s, or a time left far below zero,
  // would keep it adding).
  for (std::size_t k = 0; k < s.phase_duration_s.size(); ++k) {
    if (!finite_nonneg(s.phase_duration_s[k])) {
      corrupt("phase_duration_s", fmt::format("phase {} lasts no time it could", k),
              fmt::format("{} s", s.phase_duration_s[k]));
    }
  }
  for (Index g = 0; g < net_.signal_count(); ++g) {
    const auto phases = net_.signal_phases(g);
    double cycle = 0.0;
    for (std::uint32_t p = 0; p < phases.size(); ++p) cycle += phase_duration_s(g, p);
    if (!(cycle > 0.0)) {
      corrupt("phase_duration_s", fmt::format("signal {}'s cycle lasts no time", g), "0 s");
    }
    if (s.signal_phase[g] >= phases.size() || !std::isfinite(s.signal_remaining_s[g]) ||
        std::abs(s.signal_remaining_s[g]) > kMaxSignalClock_s) {
      corrupt("signal_phase", fmt::format("signal {} has no such phase or time left", g),
              fmt::format("phase {} with {} s left", s.signal_phase[g], s.signal_remaining_s[g]));
    }
  }
  std::uint32_t closed = 0;
  for (const std::uint8_t c : s.lane_closed) closed += c != 0 ? 1u : 0u;
  if (closed != s.closed_lanes) {
    corrupt("closed_lanes", "count of closed lanes disagrees with the lanes",
            fmt::format("{} against {}", s.closed_lanes, closed));
  }
}

}  // namespace parktwin::traffic
