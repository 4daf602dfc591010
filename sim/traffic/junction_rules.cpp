// Rules of a junction for the vehicle about to enter it (TrafficSim::plan_segment): who
// merges first onto a lane, right of way and gap acceptance (CityFlow's fixed crossing time, or
// SUMO's arrival and leaving times, MSLink::blockedByFoe), keep-clear (MSVehicle::
// checkRewindLinkLanes) and a red light beyond a short lane. Sources beside each rule.

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/traffic/model_constants.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

namespace {
using model::kHaltingSpeed, model::kKeepClearDepth, model::kMovingTailSpeed, model::kNoLimit;
}  // namespace

void TrafficSim::merge_leader(Index v, Index link, double distance_to_merge, Index& leader,
                              double& gap) const {
  const TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  const Index lane = net_.link_to_lane[link];
  // Nearer goes first; on a tie the lower vehicle id, so both sides agree.
  const auto ahead_of_v = [&](Index w, double d) {
    return d < distance_to_merge || (d == distance_to_merge && w < v);
  };
  for (Index i = in_links_begin_[lane]; i < in_links_begin_[lane + 1]; ++i) {
    const Index k = in_links_[i];
    if (k == link) continue;
    const Index ks = net_.link_segment(k);
    const Index from = net_.link_from_lane[k];
    // A foe that must give way to v's link waits for v (must_yield): following it would
    // deadlock the two.
    const auto gives_way = [&] { return net_.yields(k, link) && link_minor(k); };  // asked late
    Index w = kNone;
    double d = 0.0;  // foe's distance to the merge point (the lane start)
    if (net_.zipper(link)) {
      // A zipper merge (MSLink::getZipperSpeed follows every foe that gets to the merge
      // first, the nearest binding): the foe nearest before v in the merge order, among the
      // vehicles on the foe link's lane bound for it while its light lets them go, then those
      // on the link (nearer the merge), each from the back.
      if (link_green(k) && !gives_way()) {
        for (Index j = q.size(from); j-- > 0 && w == kNone;) {
          const Index x = q.at(from, j);
          const double dx = net_.seg_length_m[from] - s.pos_m[x] + net_.seg_length_m[ks];
          if (s.planned_link[x] == k && ahead_of_v(x, dx)) w = x, d = dx;
        }
      }
      for (Index j = q.size(ks); j-- > 0 && w == kNone;) {
        const Index x = q.at(ks, j);
        const double dx = net_.seg_length_m[ks] - s.pos_m[x];
        if (ahead_of_v(x, dx)) w = x, d = dx;
      }
      if (w == kNone) continue;
    } else if (q.size(ks) > 0 && net_.sumo_junctions) {
      // SUMO's networks: the last vehicle on the foe link that is ahead of v at the merge.
      for (Index j = q.size(ks); j-- > 0 && w == kNone;) {
        const Index x = q.at(ks, j);
        const double dx = net_.seg_length_m[ks] - s.pos_m[x];
        if (ahead_of_v(x, dx)) w = x, d = dx;
      }
      if (w == kNone) continue;
      // One short of its internal junction that gives way to v's link waits there for v.
      if (s.pos_m[w] < net_.link_wait(k) && gives_way()) continue;
    } else if (q.size(ks) > 0) {
      w = q.front(ks);
      d = net_.seg_length_m[ks] - s.pos_m[w];
      // One short of its internal junction that gives way to v's link waits there for v.
      if (s.pos_m[w] < net_.link_wait(k) && gives_way()) continue;
    } else {
      // A foe still on its lane matters only if its light lets it go (one held at red is no
      // foe, as in CityFlow's notification of approaching vehicles).
      if (q.size(from) == 0 || s.planned_link[q.front(from)] != k || !link_green(k)) continue;
      if (gives_way()) continue;
      w = q.front(from);
      d = net_.seg_length_m[from] - s.pos_m[w] + net_.seg_length_m[ks];
    }
    if (!ahead_of_v(w, d)) continue;
    const double g = distance_to_merge - d - type_of(w).length_m;
    if (leader == kNone || g < gap) leader = w, gap = g;
  }
}

// Right of way at a junction (Network::yield_to): v may not enter `link` while a vehicle is on
// a link it must yield to, or while such a vehicle, allowed to go, reaches the junction
// before v would have crossed it. CityFlow's networks: a fixed crossing time, with the
// arrival estimated at current speeds. SUMO's (Network::sumo_junctions): v's arrival and
// leaving times (its body clear of the link, accelerating to the link's speed) against the
// foe's, with SUMO's look-ahead of 1 s (MSLink::blockedByFoe). A vehicle that has waited at
// the line for long stops yielding to foes that wait too, which breaks deadlocks such as four
// vehicles at an all-way right-before-left junction, deterministically. `inside`: v waits at
// the link's internal junction (Network::link_wait_m), `remaining` before it; there it yields
// as its light says now: on a red it clears the junction (SUMO's turners that waited inside
// leave when the light changes).
bool TrafficSim::must_yield(Index v, Index link, double remaining, double speed,
                            bool inside) const {
  const auto foes = net_.yield_to(link);
  if (foes.empty() || !link_minor(link)) return false;
  const TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  constexpr double kCrossingTime = 3.0;  // s our vehicle needs to clear the conflict area
  constexpr double kLookahead = 1.0;     // s, SUMO's MSLink look-ahead for foes
  constexpr double kPatience = 20.0;     // s of waiting before a standoff is broken
  const VehicleType& me = type_of(v);
  const bool sumo = net_.sumo_junctions;
  const Index ls = net_.link_segment(link);
  const double my_arrival =
      sumo ? time_to_cover(remaining, speed, me, net_.seg_speed_limit_mps[ls] * s.speed_factor[v])
           : remaining / std::max(speed, 1.0);
  const double my_leave =
      sumo ? time_to_cover(remaining + net_.seg_length_m[ls] -
                               (inside ? net_.link_wait(link) : 0.0) + me.length_m,
                           speed, me, net_.seg_speed_limit_mps[ls] * s.speed_factor[v])
           : my_arrival + kCrossingTime;
  const bool impatient = static_cast<double>(s.totals[v].halted_s) > kPatience;
  for (const Index f : foes) {
    const Index fs = net_.link_segment(f);
    if (q.size(fs) > 0) {
      // A foe is inside the junction; waiting inside too, short of its own internal
      // junction, it holds nobody waiting inside (two turners would wait for each other).
      const Index w = q.back(fs);
      const bool waits = inside && s.pos_m[w] < net_.link_wait(f) && s.speed_mps[w] < kHaltingSpeed;
      if (!waits || q.size(fs) > 1) return true;
      continue;
    }
    const Index from = net_.link_from_lane[f];
    if (q.size(from) == 0) continue;
    const Index w = q.front(from);
    if (s.planned_link[w] != f || !link_green(f)) continue;
    const double dist = net_.seg_length_m[from] - s.pos_m[w];
    if (dist > lookahead_of(w)) continue;
    if (impatient && s.speed_mps[w] < kHaltingSpeed) continue;
    if (!sumo) {
      if (dist / std::max(s.speed_mps[w], 1.0) < my_leave) return true;
      continue;
    }
    const VehicleType& wt = type_of(w);
    const double cap = net_.seg_speed_limit_mps[fs] * s.speed_factor[w];
    const double foe_arrival = time_to_cover(dist, s.speed_mps[w], wt, cap);
    const double foe_leave =
        time_to_cover(dist + net_.seg_length_m[fs] + wt.length_m, s.speed_mps[w], wt, cap);
    if (foe_arrival < my_leave + kLookahead && foe_leave > my_arrival) return true;
  }
  return false;
}

// Seconds to drive `distance` from `speed`, accelerating at the type's rate up to `cap`.
double TrafficSim::time_to_cover(double distance, double speed, const VehicleType& t, double cap) {
  cap = std::max(std::min(cap, t.max_speed_mps), 0.1);
  const double a = t.max_accel_mps2;
  if (speed >= cap) return distance / cap;
  const double t1 = (cap - speed) / a;
  const double d1 = speed * t1 + 0.5 * a * t1 * t1;
  if (distance <= d1) return (-speed + std::sqrt(speed * speed + 2.0 * a * distance)) / a;
  return t1 + (distance - d1) / cap;
}

double TrafficSim::red_light_ahead(Index v, Index seg, double pos, double lookahead) const {
  const TrafficState& s = state_;
  double ahead = net_.seg_length_m[seg] - pos;  // to the end of the current segment
  Index cur = seg, rp = s.route_pos[v];
  Index planned = s.planned_link[v];
  for (int depth = 0; depth < kKeepClearDepth; ++depth) {
    const Index next = next_segment(v, cur, rp, planned);
    if (next == kNone) break;
    if (!net_.is_link(next)) {
      rp += 1;
      const double end = ahead + net_.seg_length_m[next];
      if (end > lookahead || rp + 1 >= route_length(v)) break;
      if (cur != seg || net_.is_link(seg)) {  // the current lane's own link is checked already
        const Index k = choose_link(v, next, rp);
        if (k != kNone && !link_green(k)) return std::max(end, 0.0);
      }
    }
    ahead += net_.seg_length_m[next];
    if (ahead > lookahead) break;
    cur = next;
    planned = kNone;
  }
  return kNoLimit;
}

bool TrafficSim::room_beyond(Index v, Index link) const {
  const TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  const Index to = net_.link_to_lane[link];
  const VehicleType& me = type_of(v);
  if (net_.link_keep_clear.empty() || net_.link_keep_clear[link] == 0) {
    if (q.size(to) == 0) return true;
    const Index tail = q.back(to);
    return s.pos_m[tail] > type_of(tail).length_m + me.length_m ||
           s.speed_mps[tail] >= kMovingTailSpeed;
  }
  // SUMO's keep-clear (MSVehicle::checkRewindLinkLanes): the space beyond the link up to
  // the last standing vehicle, less what the moving vehicles ahead of it (and those in the
  // junction bound for the same lane) will fill, each with its gap, must hold this vehicle.
  // A lane with nobody standing on it passes the count on to the next lane of the route,
  // as far as kKeepClearDepth lanes (short lanes between the two halves of a junction), the
  // junctions between them counting as space; the junction ahead does not: nobody is to
  // wait inside it.
  const double needed = me.length_m + me.min_gap_m;
  bool any = false;
  double space = 0.0;
  Index via = link, rp = s.route_pos[v] + 1;
  for (int depth = 0; depth < kKeepClearDepth; ++depth) {
    const Index lane = net_.link_to_lane[via];
    if (depth > 0) space += net_.seg_length_m[net_.link_segment(via)];  // beyond the first
    for (Index i = in_links_begin_[lane]; i < in_links_begin_[lane + 1]; ++i) {
      const Index ks = net_.link_segment(in_links_[i]);
      for (Index j = 0, n = q.size(ks); j < n; ++j) {
        const VehicleType& wt = type_of(q.at(ks, j));
        space -= wt.length_m + wt.min_gap_m;
        any = true;
      }
    }
    bool standing = false;
    double lane_space = net_.seg_length_m[lane];
    for (Index j = q.size(lane); j-- > 0;) {
      const Index w = q.at(lane, j);
      const VehicleType& wt = type_of(w);
      any = true;
      if (s.speed_mps[w] < kHaltingSpeed) {
        lane_space += s.pos_m[w] - wt.length_m - wt.min_gap_m - net_.seg_length_m[lane];
        standing = true;
        break;
      }
      lane_space -= wt.length_m + wt.min_gap_m;
    }
    space += lane_space;
    if (standing || space >= needed || rp + 1 >= route_length(v)) break;
    via = choose_link(v, lane, rp);
    if (via == kNone) break;
    rp += 1;
  }
  return !any || space >= needed;
}

}  // namespace parktwin::traffic
