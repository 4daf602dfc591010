// Teleports, as SUMO has them
// (https://sumo.dlr.de/docs/Simulation/Why_Vehicles_are_teleporting.html and MSVehicleTransfer in
// SUMO's sources): the front vehicle of a lane or junction link that has stood for time-to-teleport
// (TrafficConfig::teleport_after_s) leaves the network. It passes each road of its route ahead in
// that road's free-flow time; during that time it re-enters at the road's start as soon as a lane
// has room for it, and at the end of its route it arrives. A jam that nothing else resolves (a
// gridlock, a vehicle that cannot change lanes) so resolves as in SUMO, and is counted (KPI
// teleports, per road).

#include <algorithm>

#include "sim/traffic/model_constants.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

// After the step's moves and lane changes, sequentially and in segment order, so the same
// vehicles go whatever the thread count; only chunks whose plan saw a stuck front are read.
void TrafficSim::teleport_stuck() {
  TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  const std::size_t segs = net_.segment_count();
  for (std::size_t c = 0; c < chunk_stuck_.size(); ++c) {
    if (chunk_stuck_[c] == 0) continue;
    const std::size_t end = std::min(segs, (c + 1) * model::kSegmentsPerChunk);
    for (std::size_t seg = c * model::kSegmentsPerChunk; seg < end; ++seg) {
      const Index g = static_cast<Index>(seg);
      if (q.size(g) == 0) continue;
      const Index v = q.front(g);
      if (s.speed_mps[v] < model::kHaltingSpeed &&
          static_cast<double>(s.totals[v].halted_s) >= config_.teleport_after_s) {
        start_teleport(v, g);
      }
    }
  }
}

void TrafficSim::start_teleport(Index v, Index seg) {
  TrafficState& s = state_;
  s.queues.pop_front(seg);
  const Index from_lane = net_.is_link(seg) ? net_.link_from_lane[net_.segment_link(seg)] : seg;
  ++s.road_teleports[net_.lane_road[from_lane]];
  ++s.counters.teleports;
  // It drives the rest of its segment virtually; the next road is then the first it may
  // re-enter on (SUMO puts a teleported vehicle on the next edge of its route).
  const double rest = std::max(0.0, net_.seg_length_m[seg] - s.pos_m[v]) / free_speed(v, seg);
  free_time_s_[v] += rest;
  s.status[v] = VehicleStatus::teleporting;
  s.segment[v] = kNone;
  s.planned_link[v] = kNone;
  s.lc_target[v] = kNone;
  s.pos_m[v] = 0.0;
  s.speed_mps[v] = 0.0;
  s.totals[v].halted_s = 0.0f;
  s.route_pos[v] += 1;
  const double end_of_step = static_cast<double>(s.step + 1) * config_.step_s;
  if (s.route_pos[v] >= route_length(v)) {
    s.route_pos[v] = route_length(v) - 1;  // it stood on its last road: it arrives next step
    s.teleport_ready_s[v] = end_of_step;
  } else {
    const Index lane0 = net_.road_first_lane[route_road(v, s.route_pos[v])];
    s.teleport_ready_s[v] = end_of_step + rest + net_.seg_length_m[lane0] / free_speed(v, lane0);
  }
  s.teleporting.push_back(v);
}

// At the start of a step, before waiting vehicles enter (SUMO inserts teleported vehicles
// first), in the order they left the network.
void TrafficSim::reinsert_teleported() {
  TrafficState& s = state_;
  const double now = time_s();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < s.teleporting.size(); ++i) {
    const Index v = s.teleporting[i];
    bool out = false;
    while (true) {
      const Index rp = s.route_pos[v];
      const bool last = rp + 1 >= route_length(v);
      if (!(last && s.teleport_ready_s[v] <= now + 1e-9) && reenter(v, rp)) {
        out = true;
        break;
      }
      if (s.teleport_ready_s[v] > now + 1e-9) break;
      if (last) {
        finish(v, true);  // SUMO: "ends teleporting on end edge"; it arrives
        out = true;
        break;
      }
      // No room on this road in its time: it has passed it, on to the next one.
      const auto road_time = [&](Index k) {
        const Index lane0 = net_.road_first_lane[route_road(v, k)];
        return net_.seg_length_m[lane0] / free_speed(v, lane0);
      };
      free_time_s_[v] += road_time(rp);
      s.route_pos[v] = rp + 1;
      s.teleport_ready_s[v] += road_time(rp + 1);
    }
    if (!out) s.teleporting[kept++] = v;
  }
  s.teleporting.resize(kept);
}

bool TrafficSim::reenter(Index v, Index rp) {
  TrafficState& s = state_;
  SegmentQueues& q = s.queues;
  const VehicleType& type = type_of(v);
  const Index road = route_road(v, rp);
  const Index first = net_.road_first_lane[road];
  // Of the lanes with room, those that lead on along the route first, then the most room
  // (SUMO's free lane), then the lowest index.
  Index best = kNone;
  bool best_leads = false;
  double best_room = -1.0;
  for (Index l = first; l < first + net_.road_lane_count[road]; ++l) {
    if (!may_use(v, l) || s.lane_closed[l] != 0 || q.full(l) || !room_at_start(l, type)) continue;
    if (!entry_is_safe(l, type)) continue;
    const bool leads = leads_on(v, l, rp, model::kLeadOnDepth);
    const double room =
        q.size(l) == 0 ? net_.seg_length_m[l] : s.pos_m[q.back(l)] - type_of(q.back(l)).length_m;
    if (best == kNone || (leads && !best_leads) || (leads == best_leads && room > best_room)) {
      best = l;
      best_leads = leads;
      best_room = room;
    }
  }
  if (best == kNone) return false;
  s.status[v] = VehicleStatus::running;
  s.segment[v] = best;
  s.pos_m[v] = 0.0;
  s.speed_mps[v] = 0.0;
  s.route_pos[v] = rp;
  s.planned_link[v] = choose_link(v, best, rp);
  remember_lanes_on(v);
  q.push_back(best, v);
  return true;
}

}  // namespace parktwin::traffic
