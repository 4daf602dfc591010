// Lane changes, decided in the plan phase from the state before the step and applied after
// the transfer in lane order: MOBIL (lane_change.h) for discretionary changes; mandatory ones
// toward the lanes that lead on along the route (SUMO's strategic "best lanes"), with SUMO
// LC2013's cooperation: a blocked changer drops back behind the vehicle alongside, a follower
// lets a stopped changer in, and two stopped side by side, each bound for the other's lane,
// swap.

#include <algorithm>
#include <limits>

#include "engine/parallel.h"
#include "sim/traffic/lane_change.h"
#include "sim/traffic/model_constants.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

namespace {
using model::kHaltingSpeed, model::kRoomToChange_m, model::kSegmentsPerChunk;
}  // namespace

void TrafficSim::neighbours(Index lane, double pos, Index skip, Index& leader,
                            Index& follower) const {
  const TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  leader = follower = kNone;
  // Positions fall from front to back: the first vehicle at or behind pos is the follower.
  Index lo = 0, hi = q.size(lane);
  while (lo < hi) {
    const Index mid = (lo + hi) / 2;
    if (s.pos_m[q.at(lane, mid)] > pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (Index j = lo; j-- > 0;) {
    if (q.at(lane, j) != skip) {
      leader = q.at(lane, j);
      break;
    }
  }
  for (Index j = lo; j < q.size(lane); ++j) {
    if (q.at(lane, j) != skip) {
      follower = q.at(lane, j);
      break;
    }
  }
}

bool TrafficSim::must_change(Index v, Index lane) const {
  const TrafficState& s = state_;
  const Index rp = s.route_pos[v];
  // Its next stop, or its arrival lane, is on this road, on another lane (stops.cpp).
  if (const Index target = lane_target_here(v);
      target != kNone && net_.lane_road[target] == net_.lane_road[lane]) {
    return target != lane;
  }
  if (rp + 1 >= route_length(v)) return false;
  // Quick answer for the usual case: the planned link (usable, chosen among those that lead
  // on) ends on a lane long enough to change lanes on.
  if (const Index k = s.planned_link[v];
      k != kNone && s.segment[v] == lane &&
      net_.seg_length_m[net_.link_to_lane[k]] >= kRoomToChange_m) {
    return false;
  }
  // Its lane has no link onto the next road, or its link leads into a lane that does not
  // lead on (a short lane whose links miss the roads after it): SUMO's strategic change
  // toward its "best lanes".
  return s.planned_link[v] == kNone || !lane_leads_on(v, lane);
}

bool TrafficSim::leads_on_toward(Index v, Index lane, int dir) const {
  const Index road = net_.lane_road[lane];
  const Index first = net_.road_first_lane[road];
  const int lanes = net_.road_lane_count[road];
  for (int k = net_.lane_index[lane]; k >= 0 && k < lanes; k += dir) {
    if (lane_leads_on(v, first + static_cast<Index>(k))) return true;
  }
  return false;
}

Index TrafficSim::waiting_to_merge(Index v, Index lane) const {
  const TrafficState& s = state_;
  const Index road = net_.lane_road[lane];
  if (net_.road_lane_count[road] < 2) return kNone;
  const Index first = net_.road_first_lane[road];
  const int index = net_.lane_index[lane];
  Index best = kNone;
  double best_gap = 0.0;
  for (const int dir : {-1, 1}) {
    const int side = index + dir;
    if (side < 0 || side >= net_.road_lane_count[road]) continue;
    const Index beside = first + static_cast<Index>(side);
    Index x = kNone, behind = kNone;
    neighbours(beside, s.pos_m[v], kNone, x, behind);
    if (x == kNone || s.speed_mps[x] >= kHaltingSpeed) continue;
    const double g = s.pos_m[x] - type_of(x).length_m - s.pos_m[v];
    if (g < 0.0 || !may_use(x, lane) || !must_change(x, beside) ||
        !leads_on_toward(x, lane, -dir)) {
      continue;
    }
    if (best == kNone || g < best_gap) best = x, best_gap = g;
  }
  return best;
}

Index TrafficSim::decide_lane_change(Index v, Index seg, Index i, Index& fall_behind) const {
  const TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  fall_behind = kNone;
  const Index road = net_.lane_road[seg];
  const int lanes = net_.road_lane_count[road];
  if (lanes < 2) return kNone;
  const mobil::Params& p = config_.mobil;
  if (static_cast<double>(s.step - s.lc_last_step[v]) * config_.step_s < p.cooldown_s) return kNone;
  const Index rp = s.route_pos[v];
  const Index next_road = rp + 1 < route_length(v) ? route_road(v, rp + 1) : kNone;
  const bool mandatory = must_change(v, seg);
  const Index first = net_.road_first_lane[road];
  const int index = net_.lane_index[seg];

  auto desired = [&](Index w, Index lane) {
    return std::min(type_of(w).max_speed_mps, net_.seg_speed_limit_mps[lane] * s.speed_factor[w]);
  };
  // Bumper-to-bumper gap from w (behind) to x (ahead); -1: no vehicle ahead.
  auto gap = [&](Index w, Index x) {
    return x == kNone ? -1.0 : s.pos_m[x] - type_of(x).length_m - s.pos_m[w];
  };
  auto acc = [&](Index w, Index lane, Index ahead) {
    return mobil::accel(type_of(w), s.speed_mps[w], desired(w, lane), gap(w, ahead),
                        ahead == kNone ? 0.0 : s.speed_mps[ahead]);
  };
  const Index old_leader = i > 0 ? q.at(seg, i - 1) : kNone;
  const Index old_follower = i + 1 < q.size(seg) ? q.at(seg, i + 1) : kNone;
  double a_self = 0.0;  // its own acceleration where it is: computed once, when first needed
  bool a_self_known = false;

  Index best = kNone;
  double best_gain = -1e9;
  for (const int dir : {-1, 1}) {
    const int target_index = index + dir;
    if (target_index < 0 || target_index >= lanes) continue;
    const Index target = first + static_cast<Index>(target_index);
    if (!may_use(v, target)) continue;
    if (mandatory) {
      if (!leads_on_toward(v, target, dir)) continue;  // only toward a lane that leads on
    } else if ((next_road != kNone || lane_target_here(v) != kNone) && !lane_leads_on(v, target)) {
      continue;  // a discretionary change never leaves the route, nor the lane it must reach
    }
    if (q.full(target)) continue;
    Index lead = kNone, follow = kNone;
    neighbours(target, s.pos_m[v], v, lead, follow);
    // Room: no overlap with the new leader or follower.
    const bool lead_blocks = lead != kNone && gap(v, lead) < 0.5;
    const bool follow_blocks = follow != kNone && gap(follow, v) < 0.5;
    if (lead_blocks || follow_blocks) {
      if (!mandatory) continue;
      // Two vehicles stopped side by side, each needing the other's lane: they swap
      // (apply_lane_changes), as nothing else would ever free them.
      const Index blocker = lead_blocks ? lead : follow;
      if (s.speed_mps[v] < kHaltingSpeed && s.speed_mps[blocker] < kHaltingSpeed &&
          must_change(blocker, target) && may_use(blocker, seg) &&
          leads_on_toward(blocker, seg, -dir)) {
        return target;
      }
      if (lead_blocks && fall_behind == kNone) fall_behind = lead;
      continue;
    }
    // Safety: the new follower need not brake harder than b_safe (one standing still need
    // not brake at all; IDM's "deceleration" of a standing vehicle close behind is virtual).
    const double follow_after = follow != kNone ? acc(follow, target, v) : 0.0;
    if (follow != kNone && follow_after < -p.safe_decel_mps2 &&
        s.speed_mps[follow] >= kHaltingSpeed) {
      continue;
    }
    if (mandatory) {
      fall_behind = kNone;
      return target;
    }
    // Discretionary: MOBIL's incentive, with the gains computed only now that they count.
    const double new_follower_gain =
        follow != kNone ? follow_after - acc(follow, target, lead) : 0.0;
    if (!a_self_known) a_self = acc(v, seg, old_leader), a_self_known = true;
    const double gain_self = acc(v, target, lead) - a_self;
    double old_follower_gain = 0.0;
    if (old_follower != kNone) {
      old_follower_gain = acc(old_follower, seg, old_leader) - acc(old_follower, seg, v);
    }
    if (!mobil::incentive(gain_self, new_follower_gain, old_follower_gain, p)) continue;
    const double total = gain_self + p.politeness * (new_follower_gain + old_follower_gain);
    if (total > best_gain) best = target, best_gain = total;
  }
  return best;
}

void TrafficSim::apply_lane_changes() {
  TrafficState& s = state_;
  SegmentQueues& q = s.queues;
  // Candidates in lane order, front to back: a fixed order, whatever the thread count. Only
  // chunks whose plan chose a change hold any (a target is chosen afresh every step).
  lc_candidates_.clear();
  const par::ChunkPlan chunks{net_.segment_count(), kSegmentsPerChunk};
  for (std::size_t c = 0; c < chunks.chunks(); ++c) {
    if (chunk_changes_[c] == 0) continue;
    const auto end = static_cast<Index>(std::min<std::size_t>(chunks.end(c), net_.lane_count()));
    for (Index lane = static_cast<Index>(chunks.begin(c)); lane < end; ++lane) {
      for (Index j = 0; j < q.size(lane); ++j) {
        const Index v = q.at(lane, j);
        const Index t = s.lc_target[v];
        if (t != kNone && net_.lane_road[t] == net_.lane_road[lane]) lc_candidates_.push_back(v);
      }
    }
  }
  auto length_of = [&](Index w) { return type_of(w).length_m; };
  // Room for w at its position on `lane`, not counting `skip`.
  auto room = [&](Index w, Index lane, Index skip) {
    Index lead = kNone, follow = kNone;
    neighbours(lane, s.pos_m[w], skip, lead, follow);
    return !(lead != kNone && s.pos_m[lead] - length_of(lead) - s.pos_m[w] < 0.5) &&
           !(follow != kNone && s.pos_m[w] - length_of(w) - s.pos_m[follow] < 0.5);
  };
  auto move = [&](Index w, Index from, Index to) {
    Index at = 0;
    while (q.at(from, at) != w) ++at;
    q.erase_at(from, at);
    Index slot = 0;
    while (slot < q.size(to) && s.pos_m[q.at(to, slot)] > s.pos_m[w]) ++slot;
    q.insert_at(to, slot, w);
    s.segment[w] = to;
    s.planned_link[w] = choose_link(w, to, s.route_pos[w]);
    s.lc_last_step[w] = s.step;
    ++s.counters.lane_changes;
  };
  for (const Index v : lc_candidates_) {
    const Index from = s.segment[v], to = s.lc_target[v];
    if (to == kNone) continue;  // already swapped
    s.lc_target[v] = kNone;
    if (q.full(to)) continue;
    // Re-check room against where everybody is now (others changed or moved this step).
    if (room(v, to, kNone)) {
      move(v, from, to);
      continue;
    }
    // Two stopped side by side, each bound for the other's lane (decide_lane_change): swap.
    Index lead = kNone, follow = kNone;
    neighbours(to, s.pos_m[v], v, lead, follow);
    for (const Index b : {lead, follow}) {
      if (b == kNone || s.lc_target[b] != from || s.segment[b] != to) continue;
      if (!room(v, to, b) || !room(b, from, v)) continue;
      s.lc_target[b] = kNone;
      move(v, from, to);
      move(b, to, from);
      break;
    }
  }
}

}  // namespace parktwin::traffic
