// Phase 2 of the step: vehicles waiting to depart enter their start lane, each lane's in the
// order they came, as long as the next one finds a place (SUMO's insertion without
// --eager-insert: one refused keeps those behind it on its lane waiting too). Where a vehicle
// enters is its Trip::depart_pos (SUMO's departPos): at the lane's start with its body still in
// the junction (base, the model's own: one per lane and step), or at a position given, drawn
// or found free, wherever its leader is far enough ahead and everyone behind it, on the lane
// or on the junction links feeding it, can still stop behind it braking comfortably.

#include <cmath>

#include "engine/rng.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

namespace {
// A vehicle placed in a free gap stands this far clear of the least position that is safe
// (SUMO's POSITION_EPS in MSLane::freeInsertion).
constexpr double kFreeInsertionMargin_m = 0.1;
}  // namespace

void TrafficSim::enter_waiting_vehicles() {
  TrafficState& s = state_;
  SegmentQueues& q = s.queues;
  if (s.counters.created == s.counters.entered) return;  // nobody waits
  for (Index lane = 0; lane < net_.lane_count(); ++lane) {
    if (s.lane_closed[lane] != 0) continue;
    for (Index v = s.wait_head[lane]; v != kNone; v = s.wait_head[lane]) {
      const VehicleType& type = type_of(v);
      const bool base = demand_.trips[v].depart_pos == DepartPos::base;
      if (base && !room_at_start(lane, type)) break;
      if (q.full(lane)) {
        ++s.counters.queue_overflows;
        break;
      }
      double pos = 0.0;
      if (!entry_place(v, lane, pos)) break;
      s.wait_head[lane] = s.wait_next[v];
      if (s.wait_head[lane] == kNone) s.wait_tail[lane] = kNone;
      s.wait_next[v] = kNone;
      s.status[v] = VehicleStatus::running;
      s.enter_time_s[v] = time_s();
      s.pos_m[v] = pos;
      // The delay counts from where it entered: the lane's first `pos` metres were not driven.
      free_time_s_[v] -= pos / free_speed(v, lane);
      s.speed_mps[v] = demand_.trips[v].depart_speed == 0.0f ? 0.0 : entry_speed(v, lane, pos);
      s.route_pos[v] = 0;
      s.planned_link[v] = choose_link(v, lane, 0);
      remember_lanes_on(v);
      const Index at = slot_at(lane, pos);
      if (at == q.size(lane)) {
        q.push_back(lane, v);
      } else {
        q.insert_at(lane, at, v);
      }
      ++s.counters.entered;
    }
  }
}

Index TrafficSim::slot_at(Index lane, double pos) const {
  const SegmentQueues& q = state_.queues;
  Index at = 0;
  while (at < q.size(lane) && state_.pos_m[q.at(lane, at)] > pos) ++at;
  return at;
}

bool TrafficSim::entry_place(Index v, Index lane, double& pos) const {
  const Trip& t = demand_.trips[v];
  const VehicleType& type = type_of(v);
  const double length = net_.seg_length_m[lane];
  switch (t.depart_pos) {
    case DepartPos::base:
      pos = 0.0;
      return room_at_start(lane, type) && entry_is_safe(lane, type);
    case DepartPos::given: {
      const auto given = static_cast<double>(t.depart_pos_m);
      pos = std::clamp(given < 0.0 ? length + given : given, 0.0, length);
      return fits_at(v, lane, pos);
    }
    case DepartPos::random:
    case DepartPos::random_free:
      // Drawn anew at each try, as SUMO does.
      pos = length * rng::uniform(config_.seed, TrafficStream::depart_pos, v,
                                  static_cast<std::uint64_t>(state_.step));
      if (fits_at(v, lane, pos)) return true;
      return t.depart_pos == DepartPos::random_free && free_place(v, lane, pos);
    case DepartPos::free:
      return free_place(v, lane, pos);
  }
  return false;
}

bool TrafficSim::fits_at(Index v, Index lane, double pos) const {
  const TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  const VehicleType& me = type_of(v);
  const Index at = slot_at(lane, pos);
  if (at > 0) {
    const Index leader = q.at(lane, at - 1);
    if (s.pos_m[leader] - type_of(leader).length_m - pos < me.min_gap_m) return false;
  }
  if (at < q.size(lane)) return can_stop_behind(q.at(lane, at), pos - s.pos_m[q.at(lane, at)], me);
  // The lane's last vehicle: the nearest coming through the junction behind must stop for it.
  return entry_is_safe(lane, me, pos);
}

// SUMO's MSLane::freeInsertion: first the lane's start; then, from the back of the lane
// forward, the first gap where the vehicle fits, as far back in it as its follower allows.
bool TrafficSim::free_place(Index v, Index lane, double& pos) const {
  const TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  const VehicleType& me = type_of(v);
  pos = 0.0;
  if (room_at_start(lane, me) && entry_is_safe(lane, me)) return true;
  for (Index j = q.size(lane); j-- > 0;) {
    const Index follower = q.at(lane, j);
    const double f_speed = s.speed_mps[follower];
    const VehicleType& ft = type_of(follower);
    const double least = s.pos_m[follower] + me.length_m + ft.min_gap_m +
                         f_speed * f_speed / (2.0 * ft.usual_decel_mps2) +
                         f_speed * config_.step_s + kFreeInsertionMargin_m;
    double most = net_.seg_length_m[lane];
    if (j > 0) {
      const Index leader = q.at(lane, j - 1);
      most = s.pos_m[leader] - type_of(leader).length_m - me.min_gap_m;
    }
    if (least <= most) {
      pos = least;
      return true;
    }
  }
  return false;
}

// SUMO's departSpeed: the speed asked for, or the lane's limit, or the desired speed, but no
// faster than lets the vehicle stop behind its leader on the lane and before the lane's end.
double TrafficSim::entry_speed(Index v, Index lane, double pos) const {
  const TrafficState& s = state_;
  const VehicleType& me = type_of(v);
  const float asked = demand_.trips[v].depart_speed;
  const double limit = net_.seg_speed_limit_mps[lane];
  const double desired = std::min(me.max_speed_mps, limit * s.speed_factor[v]);
  double speed = static_cast<double>(asked);
  const SegmentQueues& q = s.queues;
  if (asked == kDepartSpeedLimit) {
    speed = limit;
  } else if (asked == kDepartSpeedMax) {
    speed = desired;
  } else if (asked == kDepartSpeedRandom) {  // SUMO: uniform up to min(maxSpeed, lane limit)
    speed = rng::uniform(config_.seed, TrafficStream::depart_speed, v, 0) *
            std::min(me.max_speed_mps, limit);
  } else if (asked == kDepartSpeedAvg || asked == kDepartSpeedLast) {
    // SUMO: the mean speed of the vehicles on the lane, or its last one's; desired if empty.
    speed = desired;
    if (q.size(lane) > 0 && asked == kDepartSpeedLast) speed = s.speed_mps[q.back(lane)];
    if (q.size(lane) > 0 && asked == kDepartSpeedAvg) {
      double sum = 0.0;
      for (Index j = 0; j < q.size(lane); ++j) sum += s.speed_mps[q.at(lane, j)];
      speed = sum / q.size(lane);
    }
  }
  double room = net_.seg_length_m[lane];
  if (const Index at = slot_at(lane, pos); at > 0) {
    const Index leader = q.at(lane, at - 1);
    room = s.pos_m[leader] - type_of(leader).length_m - me.min_gap_m;
  }
  room -= pos;
  // Stopping from v takes v^2 / 2b plus a step's travel at v (the reaction of a step).
  const double b = me.usual_decel_mps2, dt = config_.step_s;
  const double safe =
      std::max(0.0, -b * dt + std::sqrt(b * b * dt * dt + 2.0 * b * std::max(room, 0.0)));
  return std::min(speed, safe);
}

bool TrafficSim::room_at_start(Index lane, const VehicleType& type) const {
  const SegmentQueues& q = state_.queues;
  if (q.size(lane) == 0) return true;
  const Index tail = q.back(lane);
  return state_.pos_m[tail] > type_of(tail).length_m + type.min_gap_m;
}

bool TrafficSim::can_stop_behind(Index w, double distance, const VehicleType& type) const {
  const VehicleType& wt = type_of(w);
  const double v = state_.speed_mps[w];
  const double needed =
      type.length_m + wt.min_gap_m + v * v / (2.0 * wt.usual_decel_mps2) + v * config_.step_s;
  return !(distance < needed);
}

// A vehicle put near the start of a lane that junction links feed may stick its body back into
// the junction: it may enter only if the nearest vehicle coming through each of those links
// can still stop behind it with its minimum gap, braking comfortably (SUMO checks insertion
// against approaching vehicles the same way; CityFlow does not, and overlaps there).
bool TrafficSim::entry_is_safe(Index lane, const VehicleType& type, double pos) const {
  const TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  for (Index i = in_links_begin_[lane]; i < in_links_begin_[lane + 1]; ++i) {
    const Index k = in_links_[i];
    const Index ks = net_.link_segment(k);
    Index w = kNone;
    double distance = pos;  // from w's front bumper to the new vehicle's front
    if (q.size(ks) > 0) {
      w = q.front(ks);
      distance += net_.seg_length_m[ks] - s.pos_m[w];
    } else {
      const Index from = net_.link_from_lane[k];
      if (q.size(from) > 0 && s.planned_link[q.front(from)] == k) {
        w = q.front(from);
        distance += net_.seg_length_m[from] - s.pos_m[w] + net_.seg_length_m[ks];
      }
    }
    if (w != kNone && !can_stop_behind(w, distance, type)) return false;
  }
  return true;
}

}  // namespace parktwin::traffic
