#include "sim/traffic/traffic_sim.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "engine/assert.h"
#include "engine/error.h"
#include "engine/hash.h"
#include "engine/parallel.h"
#include "engine/rng.h"
#include "sim/traffic/car_following.h"
#include "sim/traffic/emissions.h"
#include "sim/traffic/lane_choice.h"
#include "sim/traffic/model_constants.h"

namespace parktwin::traffic {

namespace {

using model::kHaltingSpeed, model::kRoomToChange_m, model::kLeadOnDepth, model::kNoLimit;
using model::kSegmentsPerChunk, model::kFallBackSpeed, model::kFoeVisibility_m;
using model::kZipperLook_m;

}  // namespace

TrafficSim::TrafficSim(const Network& net, const Demand& demand, const TrafficConfig& config)
    : net_(net), demand_(demand), config_(config), router_(net) {
  if (!(config.step_s > 0.0) || !std::isfinite(config.step_s)) {
    throw Error("time step must be positive")
        .field("step")
        .expected("> 0 s")
        .found(fmt::format("{} s", config.step_s));
  }
  const std::size_t n = demand.trip_count();
  const std::size_t segs = net.segment_count();
  TrafficState& s = state_;
  s.pos_m.assign(n, 0.0);
  s.speed_mps.assign(n, 0.0);
  s.next_pos_m.assign(n, 0.0);
  s.next_speed_mps.assign(n, 0.0);
  s.segment.assign(n, kNone);
  s.route_pos.assign(n, 0);
  s.reroute_begin.assign(n, kNone);
  s.reroute_length.assign(n, 0);
  s.planned_link.assign(n, kNone);
  s.status.assign(n, VehicleStatus::pending);
  s.wait_next.assign(n, kNone);
  s.speed_factor.assign(n, 1.0);
  s.totals.assign(n, VehicleTotals{});
  vehicle_type_.resize(n);
  for (std::size_t v = 0; v < n; ++v) {
    vehicle_type_[v] = static_cast<std::uint16_t>(demand.trips[v].type);
  }
  for (const VehicleType& t : demand.types) {
    type_lookahead_m_.push_back(safe_speed::lookahead_distance(t, config_.step_s));
  }
  s.lc_target.assign(n, kNone);
  lanes_on_.assign(n, 0);
  lanes_on_rp_.assign(n, kNone);
  lanes_on_route_.assign(n, kNone);
  s.lc_last_step.assign(n, std::numeric_limits<std::int64_t>::min() / 2);
  lc_candidates_.reserve(n);
  closure_stranded_.reserve(n);
  s.create_time_s.assign(n, 0.0);
  s.enter_time_s.assign(n, 0.0);
  s.finish_time_s.assign(n, 0.0);
  s.next_stop.assign(n, 0);
  s.stop_leave_s.assign(n, -1.0);
  has_stops_ = !demand.stops.empty();
  s.moves.reserve(n);
  s.teleporting.reserve(n);
  s.teleport_ready_s.assign(n, 0.0);
  s.road_teleports.assign(net.road_count(), 0);
  routes_at_departure_ = std::any_of(demand.trips.begin(), demand.trips.end(),
                                     [](const Trip& t) { return t.route_at_departure; });
  arrivals_mid_lane_ = std::any_of(demand.trips.begin(), demand.trips.end(),
                                   [](const Trip& t) { return t.arrival_pos != ArrivalPos::max; });
  s.finished_last_step.reserve(n);
  free_time_s_.assign(n, 0.0);
  chunk_halting_.assign(par::ChunkPlan{segs, kSegmentsPerChunk}.chunks(), 0);
  chunk_leaves_.assign(par::ChunkPlan{segs, kSegmentsPerChunk}.chunks(), 0);
  chunk_stuck_.assign(par::ChunkPlan{segs, kSegmentsPerChunk}.chunks(), 0);
  chunk_changes_.assign(par::ChunkPlan{segs, kSegmentsPerChunk}.chunks(), 0);
  chunk_stops_.assign(par::ChunkPlan{segs, kSegmentsPerChunk}.chunks(), 0);
  segment_leaves_.assign(segs, 0);

  // Queue capacity: a jam of the shortest vehicle type at zero gap, plus room for the
  // vehicles that enter during one step.
  double shortest = std::numeric_limits<double>::infinity();
  for (const VehicleType& t : demand.types) shortest = std::min(shortest, t.length_m);
  shortest_vehicle_m_ = std::isfinite(shortest) ? shortest : 5.0;
  SegmentQueues& q = s.queues;
  q.begin.resize(segs);
  q.capacity.resize(segs);
  q.head.assign(segs, 0);
  q.count.assign(segs, 0);
  Index total = 0;
  for (std::size_t i = 0; i < segs; ++i) {
    q.begin[i] = total;
    q.capacity[i] = queue_capacity(static_cast<Index>(i));
    total += q.capacity[i];
  }
  q.pool.assign(total, kNone);

  s.wait_head.assign(net.lane_count(), kNone);
  s.wait_tail.assign(net.lane_count(), kNone);

  s.signal_phase.assign(net.signal_count(), 0);
  s.signal_held.assign(net.signal_count(), 0);
  detector_counts_.assign(net.detector_count(), 0);
  lane_detectors_begin_.assign(net.lane_count() + 1, 0);
  for (Index d = 0; d < net.detector_count(); ++d)
    ++lane_detectors_begin_[net.detector_lane[d] + 1];
  for (std::size_t l = 0; l < net.lane_count(); ++l) {
    lane_detectors_begin_[l + 1] += lane_detectors_begin_[l];
  }
  lane_detectors_.resize(net.detector_count());
  {
    std::vector<Index> fill(lane_detectors_begin_.begin(), lane_detectors_begin_.end() - 1);
    for (Index d = 0; d < net.detector_count(); ++d)
      lane_detectors_[fill[net.detector_lane[d]]++] = d;
  }
  s.signal_remaining_s.assign(net.signal_count(), 0.0);
  s.phase_duration_s.resize(net.phases.size());
  for (std::size_t p = 0; p < net.phases.size(); ++p)
    s.phase_duration_s[p] = net.phases[p].duration_s;
  s.lane_closed.assign(net.lane_count(), 0);
  for (Index g = 0; g < net.signal_count(); ++g) {
    double cycle = 0.0;
    for (const SignalPhase& p : net.signal_phases(g)) cycle += p.duration_s;
    if (net.signal_phases(g).empty() || !(cycle > 0.0)) {
      throw Error("signal plan has no phase with a positive duration")
          .field(fmt::format("junction '{}'", net.junction_id[net.signal_junction[g]]))
          .expected("a cycle > 0 s");
    }
    s.signal_remaining_s[g] = net.signal_phases(g)[0].duration_s;
  }
  // Links ending on each lane, for the insertion check of vehicles entering mid-network.
  in_links_begin_.assign(net.lane_count() + 1, 0);
  for (Index k = 0; k < net.link_count(); ++k) ++in_links_begin_[net.link_to_lane[k] + 1];
  for (std::size_t l = 0; l < net.lane_count(); ++l) in_links_begin_[l + 1] += in_links_begin_[l];
  in_links_.resize(net.link_count());
  {
    std::vector<Index> fill(in_links_begin_.begin(), in_links_begin_.end() - 1);
    for (Index k = 0; k < net.link_count(); ++k) in_links_[fill[net.link_to_lane[k]]++] = k;
  }
  Index widest = 1;
  road_length_m_.assign(net.road_count(), 0.0);
  road_limit_mps_.assign(net.road_count(), 0.0);
  for (std::size_t r = 0; r < net.road_count(); ++r) {
    widest = std::max<Index>(widest, net.road_lane_count[r]);
    for (Index l = net.road_first_lane[r]; l < net.road_first_lane[r] + net.road_lane_count[r];
         ++l) {
      road_length_m_[r] = std::max(road_length_m_[r], net.seg_length_m[l]);
      road_limit_mps_[r] = std::max(road_limit_mps_[r], net.seg_speed_limit_mps[l]);
    }
  }
  lane_scratch_.reserve(widest);
  if (routes_at_departure_) init_road_speeds();
}

// ---- phase 1: trips whose departure time has come join their start lane's queue --------

void TrafficSim::create_trips() {
  TrafficState& s = state_;
  const double now = time_s();
  while (s.next_trip < demand_.trip_count() && demand_.trips[s.next_trip].depart_s <= now + 1e-9) {
    const Index v = s.next_trip++;
    if (s.status[v] != VehicleStatus::pending) continue;  // inserted before its departure
    s.status[v] = VehicleStatus::waiting;
    s.segment[v] = net_.road_first_lane[demand_.route_road(demand_.trips[v], 0)];
    if (demand_.trips[v].route_at_departure && demand_.trips[v].route_length > 1) {
      route_at_departure(v);
    }
    // A trip whose route crosses a closed road sets off on a way around it.
    if (s.closed_lanes > 0 && (blocked_arcs(), route_blocked(v, 0))) {
      reroute_around_closures(v, closure_cost_s_);
    }
    const Index lane = start_lane(v, kNone);
    s.create_time_s[v] = now;
    s.speed_factor[v] = draw_speed_factor(v);
    s.segment[v] = lane;
    if (s.wait_tail[lane] == kNone) {
      s.wait_head[lane] = v;
    } else {
      s.wait_next[s.wait_tail[lane]] = v;
    }
    s.wait_tail[lane] = v;
    ++s.counters.created;
  }
}

Index TrafficSim::start_lane(Index v, Index current) {
  const Index first = route_road(v, 0);
  const Index second = route_length(v) > 1 ? route_road(v, 1) : kNone;
  lane_scratch_.clear();
  start_lanes(net_, first, second, lane_scratch_,
              state_.closed_lanes > 0 ? std::span<const std::uint8_t>(state_.lane_closed)
                                      : std::span<const std::uint8_t>());
  PT_ASSERT(!lane_scratch_.empty(), "validated routes always have a start lane");
  // Of those, the lanes that lead on as far as they must (all of them on CityFlow's networks);
  // if none does, any.
  // Lanes it may not drive go (SUMO's permissions; none on CityFlow's networks), unless none
  // is left.
  const auto barred = [&](Index l) { return !may_use(v, l); };
  if (!std::all_of(lane_scratch_.begin(), lane_scratch_.end(), barred)) {
    lane_scratch_.erase(std::remove_if(lane_scratch_.begin(), lane_scratch_.end(), barred),
                        lane_scratch_.end());
  }
  const auto bad = [&](Index l) { return !leads_on(v, l, 0, kLeadOnDepth); };
  if (!std::all_of(lane_scratch_.begin(), lane_scratch_.end(), bad)) {
    lane_scratch_.erase(std::remove_if(lane_scratch_.begin(), lane_scratch_.end(), bad),
                        lane_scratch_.end());
  }
  if (std::find(lane_scratch_.begin(), lane_scratch_.end(), current) != lane_scratch_.end()) {
    return current;
  }
  // A lane the trip asks for (SUMO's departLane), where it may drive and it is open.
  const std::int16_t asked = demand_.trips[v].depart_lane;
  if (asked >= 0 && asked < net_.road_lane_count[first]) {
    const Index lane = net_.road_first_lane[first] + static_cast<Index>(asked);
    if (may_use(v, lane) && (state_.closed_lanes == 0 || state_.lane_closed[lane] == 0)) {
      return lane;
    }
  } else if (asked == kDepartLaneFirst) {
    return *std::max_element(lane_scratch_.begin(), lane_scratch_.end());  // the rightmost
  }
  // First choice at creation (draw 0); a move off a lane that closed draws again (draw 1).
  const std::uint64_t draw = current == kNone ? 0 : 1;
  return lane_scratch_[rng::uniform_int(config_.seed, TrafficStream::start_lane, v, draw,
                                        lane_scratch_.size())];
}

double TrafficSim::draw_speed_factor(Index v) const {
  const VehicleType& t = type_of(v);
  if (!(t.speed_factor_dev > 0.0)) return t.speed_factor_mean;
  // Redraw outside [min, max], as SUMO's normc distribution does; give up after 16 tries.
  for (std::uint64_t k = 0; k < 16; ++k) {
    const double f =
        t.speed_factor_mean +
        t.speed_factor_dev * rng::normal(config_.seed, TrafficStream::speed_factor, v, k);
    if (f >= t.speed_factor_min && f <= t.speed_factor_max) return f;
  }
  return t.speed_factor_mean;
}

// ---- phase 2: waiting vehicles enter (insertion.cpp) -----------------------------------

// ---- lane and link sequence -----------------------------------------------------------

bool TrafficSim::leads_on(Index v, Index lane, Index k, int depth) const {
  if (k + 1 >= route_length(v) || depth <= 0) return true;
  const Index next = route_road(v, k + 1);
  for (Index l = net_.lane_links_begin[lane]; l < net_.lane_links_begin[lane + 1]; ++l) {
    const Index to = net_.link_to_lane[l];
    if (net_.lane_road[to] != next || !may_use(v, to)) continue;
    if (net_.seg_length_m[to] >= kRoomToChange_m || leads_on(v, to, k + 1, depth - 1)) return true;
  }
  return false;
}

bool TrafficSim::lanes_on_current(Index v) const {
  return lanes_on_rp_[v] == state_.route_pos[v] && lanes_on_route_[v] == state_.reroute_begin[v];
}

void TrafficSim::remember_lanes_on(Index v) {
  if (lanes_on_current(v)) return;
  const Index rp = state_.route_pos[v];
  const Index road = route_road(v, rp);
  const Index first = net_.road_first_lane[road];
  const Index lanes = std::min<Index>(net_.road_lane_count[road], 64);
  std::uint64_t mask = 0;
  for (Index j = 0; j < lanes; ++j) {
    if (leads_on(v, first + j, rp, kLeadOnDepth)) mask |= std::uint64_t{1} << j;
  }
  // A stop on this road: its lane first (stops.cpp), the route's lanes after it; on the last
  // road, the arrival lane (Trip::arrival_lane).
  if (const Index target = lane_target_here(v);
      target != kNone && net_.lane_road[target] == road && net_.lane_index[target] < 64) {
    mask = std::uint64_t{1} << net_.lane_index[target];
  }
  lanes_on_[v] = mask;
  lanes_on_rp_[v] = rp;
  lanes_on_route_[v] = state_.reroute_begin[v];
}

bool TrafficSim::lane_leads_on(Index v, Index lane) const {
  const Index rp = state_.route_pos[v];
  const Index j = net_.lane_index[lane];
  if (lanes_on_current(v) && j < 64 && net_.lane_road[lane] == route_road(v, rp)) {
    return ((lanes_on_[v] >> j) & 1u) != 0;
  }
  return leads_on(v, lane, rp, kLeadOnDepth);
}

Index TrafficSim::choose_link(Index v, Index lane, Index rp) const {
  const Index length = route_length(v);
  if (rp + 1 >= length) return kNone;
  const Index next_road = route_road(v, rp + 1);
  const auto continues = [&](Index to) {
    return net_.seg_length_m[to] >= kRoomToChange_m ? leads_on(v, to, rp + 1, 1)
                                                    : leads_on(v, to, rp + 1, kLeadOnDepth);
  };
  return select_link_by(net_, lane, next_road,
                        state_.closed_lanes > 0 ? std::span<const std::uint8_t>(state_.lane_closed)
                                                : std::span<const std::uint8_t>(),
                        continues, [&](Index to) { return may_use(v, to); });
}

Index TrafficSim::next_segment(Index v, Index seg, Index rp, Index planned) const {
  if (net_.is_link(seg)) return net_.link_to_lane[net_.segment_link(seg)];
  const Index link = seg == state_.segment[v] ? planned : choose_link(v, seg, rp);
  return link == kNone ? kNone : net_.link_segment(link);
}

double TrafficSim::free_speed(Index v, Index seg) const {
  const double limit =
      net_.is_link(seg) && !net_.sumo_junctions ? kNoLimit : net_.seg_speed_limit_mps[seg];
  return std::min(type_of(v).max_speed_mps, limit);
}

bool TrafficSim::link_amber(Index link) const {
  const Index m = net_.link_movement[link];
  const Index signal = net_.junction_signal[net_.movement_junction[m]];
  if (signal == kNone) return false;
  const auto phases = net_.signal_phases(signal);
  const std::uint32_t p = state_.signal_phase[signal];
  if (phases[p].kind != PhaseKind::amber) return false;
  const auto before = static_cast<std::uint32_t>((p + phases.size() - 1) % phases.size());
  return ((net_.movement_green_phases[m] >> before) & 1u) != 0;
}

// ---- phase 3: plan every vehicle's speed and advance from the state before the step -----

// Can a vehicle of type `me` at `speed` still stop within `distance`? One standing stays,
// though rounding may have put it a hair past the line.
static bool can_stop(const VehicleType& me, double speed, double distance) {
  return speed < kHaltingSpeed ||
         safe_speed::min_brake_distance(me, speed) <= std::max(distance, 0.0);
}

// With Krauss (SUMO's networks), only what lies within reach of this step's speed: a leader
// standing, a red light or a junction further than the braking distance from the fastest
// speed the vehicle may reach, plus its reaction and one step of travel, minGap and the foe
// visibility distance, leaves every cap of the step above that speed (safe speed, stop, turn
// and minor-link approach), so need not be looked for (SUMO's MSVehicle::planMove looks as far
// as brakeGap(maxNextSpeed) in the same way). Other models look `lookahead` ahead always.
static double approach_lookahead(const VehicleType& me, double speed, double dt, double lookahead) {
  if (me.model != CarFollowing::krauss) return lookahead;
  const double v = std::min(me.max_speed_mps, speed + me.max_accel_mps2 * dt);
  const double reach = v * v / (2.0 * me.usual_decel_mps2) + (me.headway_s + dt) * v +
                       me.min_gap_m + kFoeVisibility_m;
  return std::min(reach, lookahead);
}

template <bool kUnitStep>
TrafficSim::SegmentPlan TrafficSim::plan_segment(Index seg) {
  TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  const double dt = kUnitStep ? 1.0 : config_.step_s;
  const double seg_len = net_.seg_length_m[seg];
  const double seg_limit =
      net_.is_link(seg) && !net_.sumo_junctions ? kNoLimit : net_.seg_speed_limit_mps[seg];
  std::uint32_t halting = 0;
  bool stuck = false, changes = false, at_stops = false;
  const bool teleports = config_.teleport_after_s > 0.0;

  for (Index i = 0, n = q.size(seg); i < n; ++i) {
    const Index v = q.at(seg, i);
    const VehicleType& me = type_of(v);
    const double speed = s.speed_mps[v];
    const double pos = s.pos_m[v];
    // Dwelling at a stop: it stands until update_stops lets it go; neither halting (no
    // teleport) nor delayed.
    if (has_stops_ && s.stop_leave_s[v] >= 0.0) {
      s.next_speed_mps[v] = 0.0;
      s.next_pos_m[v] = pos;
      if (config_.lane_changing) s.lc_target[v] = kNone;
      s.totals[v].halted_s = 0.0f;
      free_time_s_[v] += dt;
      at_stops = true;
      continue;
    }
    const double lookahead = lookahead_of(v);
    // How far a leader, a red light or a junction can matter in this step (approach_lookahead).
    const double approach = approach_lookahead(me, speed, dt, lookahead);

    // Leader: the vehicle ahead on this segment, or for the front vehicle the last one on the
    // next segments of the route within the lookahead distance.
    Index leader = kNone;
    double gap = 0.0;
    if (i > 0) {
      leader = q.at(seg, i - 1);
      gap = s.pos_m[leader] - type_of(leader).length_m - pos;
    } else {
      double ahead = seg_len - pos;
      Index cur = seg, rp = s.route_pos[v];
      while (true) {
        const Index next = next_segment(v, cur, rp, s.planned_link[v]);
        if (next == kNone) break;
        if (net_.is_link(next)) {
          // Links leaving one lane overlap at their start: the nearest last vehicle on any
          // of them is a leader.
          const Index from = net_.link_from_lane[net_.segment_link(next)];
          for (Index k = net_.lane_links_begin[from]; k < net_.lane_links_begin[from + 1]; ++k) {
            const Index ks = net_.link_segment(k);
            if (q.size(ks) == 0) continue;
            const Index w = q.back(ks);
            // A turner gone wholly into its own way through the junction, to wait at its
            // internal junction, no longer holds the others (SUMO's internal lanes part).
            if (ks != next && net_.link_wait(k) > 0.0 && s.pos_m[w] > type_of(w).length_m) {
              continue;
            }
            const double g = ahead + s.pos_m[w] - type_of(w).length_m;
            if (leader == kNone || g < gap) leader = w, gap = g;
          }
        } else {
          rp += 1;
          if (q.size(next) > 0) {
            const Index w = q.back(next);
            leader = w;
            gap = ahead + s.pos_m[w] - type_of(w).length_m;
          }
        }
        if (leader != kNone) break;
        ahead += net_.seg_length_m[next];
        if (ahead > approach) break;
        cur = next;
      }
    }

    // Merging: links that end on the same lane are foes; whoever is nearer the lane start goes
    // first and the other follows it as if it were already ahead. Only the front vehicle of a
    // link, or of a lane whose next link is empty (on SUMO's networks: whatever its link
    // holds), looks; at a SUMO zipper merge every vehicle within kZipperLook_m of it, as each
    // vehicle approaching a zipper link adapts to its foes (MSLink::getZipperSpeed).
    if (const Index k = net_.is_link(seg) ? net_.segment_link(seg) : s.planned_link[v];
        k != kNone && (i == 0 || net_.zipper(k))) {
      const double to_merge =
          seg_len - pos + (net_.is_link(seg) ? 0.0 : net_.seg_length_m[net_.link_segment(k)]);
      const bool looks = net_.zipper(k) ? to_merge <= kZipperLook_m
                         : net_.is_link(seg)
                             ? true
                             : (net_.sumo_junctions || q.size(net_.link_segment(k)) == 0) &&
                                   seg_len - pos <= lookahead;
      if (looks) merge_leader(v, k, to_merge, leader, gap);
    }

    // Lane change, decided from the state before the step. A mandatory change blocked by a
    // vehicle alongside falls behind it (fall_behind); a vehicle stopped beside this one's
    // path that must move into this lane is let in (SUMO's cooperative lane changing).
    Index fall_behind = kNone;
    if (config_.lane_changing && !net_.is_link(seg)) {
      s.lc_target[v] = decide_lane_change(v, seg, i, fall_behind);
      changes = changes || s.lc_target[v] != kNone;
      if (seg_len - pos <= lookahead) {
        const Index x = waiting_to_merge(v, seg);
        if (x != kNone) {
          const double g = s.pos_m[x] - type_of(x).length_m - pos;
          if (leader == kNone || g < gap) leader = x, gap = g;
        }
      }
    } else if (config_.lane_changing) {
      s.lc_target[v] = kNone;
    }

    // Junction ahead: stop at the line on red, when the lane beyond has no room, or when a
    // vehicle with right of way is coming; slow to the turn speed before a turn.
    bool must_stop = false;
    bool hold_at_end = false;  // stop at the lane's end even if it takes more than braking
    double turn_cap = kNoLimit;
    const Index link = s.planned_link[v];
    const double remaining = seg_len - pos;
    double stop_dist = remaining;  // where a vehicle that must stop stops
    if (config_.lane_changing && !net_.is_link(seg) && link == kNone &&
        s.route_pos[v] + 1 < route_length(v) && remaining <= lookahead) {
      // This lane does not lead on: wait at its end for a gap to change lanes.
      must_stop = true;
      hold_at_end = teleports;
    } else if (!net_.is_link(seg) && link != kNone && remaining <= approach) {
      const Index to = net_.link_to_lane[link];
      const bool room = room_beyond(v, link);
      const bool red = !link_green(link);
      // A turn with an internal junction yields inside the junction, not at the line.
      const bool waits_inside = net_.link_wait(link) > 0.0;
      const bool yield = !waits_inside && must_yield(v, link, remaining, speed);
      if (red || s.lane_closed[to] != 0 || !room || yield) {
        // A vehicle that can no longer stop goes on (it entered the amber, in effect). One
        // standing at the line stays, though rounding may have put it a hair past it. On
        // SUMO's networks an amber light stops only who can stop at the usual deceleration
        // (MSVehicle::planMove brakes for yellow with the vType's decel, not its emergency
        // decel); the others drive on through it.
        const bool amber_only = red && net_.sumo_junctions && s.lane_closed[to] == 0 && room &&
                                link_amber(link) && !yield;
        must_stop = amber_only ? (speed < kHaltingSpeed ||
                                  speed * speed / (2.0 * me.usual_decel_mps2) <= remaining)
                               : can_stop(me, speed, remaining);
      } else if (net_.sumo_junctions) {
        // SUMO: slow down in time to enter the junction at its internal lane's speed
        // (MSCFModel::freeSpeed toward the next lane's allowed speed).
        const double b = me.usual_decel_mps2;
        double v_link = net_.seg_speed_limit_mps[net_.link_segment(link)] * s.speed_factor[v];
        if (link_minor(link) && !waits_inside) {
          // A minor link: approach so as to be able to stop until the foes come into view,
          // kFoeVisibility_m before the junction (SUMO's visibility distance; MSVehicle's
          // "couldBrakeForMinor"), at the Krauss safe speed for stopping within it.
          const double tb = me.headway_s * b;
          const double v_seen = -tb + std::sqrt(tb * tb + 2.0 * b * kFoeVisibility_m);
          const double ahead = std::max(0.0, remaining - kFoeVisibility_m);
          v_link = std::min(v_link, std::sqrt(v_seen * v_seen + 2.0 * b * ahead));
        }
        turn_cap = std::sqrt(v_link * v_link + 2.0 * b * remaining);
      } else if (net_.movement_turn[net_.link_movement[link]] != Turn::straight) {
        turn_cap = me.turn_speed_mps;
      }
    }

    // On a link with an internal junction, before its waiting point: yield there to the links
    // the turn gives way to (SUMO's internal junction; the left turner that entered on green
    // waits in the middle of the junction and goes when they have passed or stopped).
    if (net_.is_link(seg) && pos < net_.link_wait(net_.segment_link(seg))) {
      const Index k = net_.segment_link(seg);
      const double to_wait = net_.link_wait(k) - pos;
      if (to_wait <= approach && must_yield(v, k, to_wait, speed, /*inside=*/true)) {
        must_stop = can_stop(me, speed, to_wait);
        stop_dist = to_wait;
      }
    }

    // SUMO looks past the next junction: a light beyond a short lane or from inside a
    // junction (the two halves of a dual carriageway crossing) stops the front vehicle at
    // that lane's end, as MSVehicle::planMove does along all its lanes ahead.
    if (net_.sumo_junctions && i == 0 && !must_stop) {
      stop_dist = red_light_ahead(v, seg, pos, approach);
      must_stop = stop_dist < kNoLimit && can_stop(me, speed, stop_dist);
    }

    // Its next stop (stops.cpp): it halts there, braking as hard as it must.
    if (has_stops_) {
      if (const double d = distance_to_stop(v, seg, pos); d <= approach) {
        if (!must_stop || d < stop_dist) stop_dist = d;
        must_stop = true;
        at_stops = true;
      }
    }

    // Desired speed: the vehicle's own, and the lane limit times its speed factor.
    const double desired = std::min(me.max_speed_mps, seg_limit * s.speed_factor[v]);
    double next_speed = 0.0;
    switch (me.model) {
      case CarFollowing::safe_speed: {
        double v_max = std::min({desired, speed + me.max_accel_mps2 * dt, turn_cap});
        if (leader != kNone) {
          const VehicleType& lt = type_of(leader);
          const double v_leader = s.speed_mps[leader];
          if (!safe_speed::follow_cannot_bind(me, speed, lt, v_leader, gap, dt, v_max)) {
            v_max = std::min(v_max, safe_speed::follow(me, speed, lt, v_leader, gap, dt));
          }
        }
        if (must_stop) v_max = std::min(v_max, safe_speed::stop_before(me, speed, stop_dist, dt));
        next_speed = std::max(v_max, speed - me.max_decel_mps2 * dt);
        break;
      }
      case CarFollowing::idm: {
        const double v0 = std::min(desired, turn_cap);
        double accel = leader != kNone ? idm::acceleration(me, speed, v0, gap, s.speed_mps[leader])
                                       : idm::free_acceleration(me, speed, v0);
        if (must_stop) {
          // The stop line acts as a standing leader.
          accel = std::min(accel, idm::acceleration(me, speed, v0, stop_dist + me.min_gap_m, 0.0));
        }
        next_speed = speed + std::max(accel, -me.max_decel_mps2) * dt;
        break;
      }
      case CarFollowing::krauss: {
        double v_max = std::min({desired, speed + me.max_accel_mps2 * dt, turn_cap});
        // SUMO's Krauss keeps minGap to its leader (MSCFModel_Krauss: the gap passed to
        // followSpeed is net of minGap); the stop line needs none.
        if (leader != kNone) {
          v_max = std::min(v_max, krauss::safe_speed(me, gap - me.min_gap_m, s.speed_mps[leader]));
        }
        if (must_stop) v_max = std::min(v_max, krauss::safe_speed(me, stop_dist, 0.0));
        const double u = rng::uniform(config_.seed, TrafficStream::dawdle, v,
                                      static_cast<std::uint64_t>(s.step));
        next_speed =
            std::max({0.0, krauss::dawdle(me, v_max, u, dt), speed - me.max_decel_mps2 * dt});
        break;
      }
    }

    if (fall_behind != kNone) {
      // Drop back at a comfortable deceleration to a little below the blocker's speed.
      const double cap =
          std::max(s.speed_mps[fall_behind] - kFallBackSpeed, speed - me.usual_decel_mps2 * dt);
      next_speed = std::max(0.0, std::min(next_speed, cap));
    }

    double advance = 0.0;
    if (me.model == CarFollowing::krauss) {
      next_speed = std::max(next_speed, 0.0);
      advance = next_speed * dt;  // SUMO's default (semi-implicit Euler) update
    } else if (next_speed < 0.0) {
      advance = speed * speed / (2.0 * me.max_decel_mps2);
      next_speed = 0.0;
    } else {
      advance = (speed + next_speed) * dt / 2.0;
    }
    if (hold_at_end && pos + advance > seg_len) {
      // SUMO's emergency stop at the end of a lane that does not lead on.
      advance = std::max(0.0, seg_len - pos);
      next_speed = 0.0;
    }
    s.next_speed_mps[v] = next_speed;
    s.next_pos_m[v] = pos + advance;
    VehicleTotals& tot = s.totals[v];
    tot.distance_m += static_cast<float>(advance);
    if (!me.ev) {
      const double accel = (next_speed - speed) / dt;
      tot.fuel_l += static_cast<float>(emissions::fuel_l(next_speed, accel, dt));
      tot.co2_kg += static_cast<float>(emissions::co2_kg(next_speed, accel, dt));
    }
    if (next_speed < kHaltingSpeed) {
      ++halting;
      if (speed >= kHaltingSpeed) ++tot.stops;
      tot.halted_s += static_cast<float>(dt);
      stuck = stuck || (teleports && i == 0 &&
                        static_cast<double>(tot.halted_s) >= config_.teleport_after_s);
    } else {
      tot.halted_s = 0.0f;
    }
  }
  // Loop detectors on this lane count fronts that crossed them during the step; only this
  // task writes them.
  if (!net_.is_link(seg)) {
    for (Index i = lane_detectors_begin_[seg]; i < lane_detectors_begin_[seg + 1]; ++i) {
      const Index d = lane_detectors_[i];
      const double at = net_.detector_pos_m[d];
      for (Index j = 0, n = q.size(seg); j < n; ++j) {
        const Index w = q.at(seg, j);
        detector_counts_[d] += (s.pos_m[w] < at && s.next_pos_m[w] >= at) ? 1u : 0u;
      }
    }
  }
  // The front vehicle passing the end, or any arriving before it, means the transfer phase
  // has work on this segment.
  bool leaves = q.size(seg) > 0 && s.next_pos_m[q.front(seg)] > seg_len;
  if (arrivals_mid_lane_ && !leaves && !net_.is_link(seg)) {
    for (Index i = 0, n = q.size(seg); i < n && !leaves; ++i) {
      leaves = arrives_at(q.at(seg, i), seg, s.next_pos_m[q.at(seg, i)]);
    }
  }
  return {halting, leaves, stuck, changes, at_stops};
}

// ---- phase 4: vehicles past their segment's end move on, in a fixed order ---------------

void TrafficSim::transfer() {
  TrafficState& s = state_;
  SegmentQueues& q = s.queues;
  s.moves.clear();
  const par::ChunkPlan chunks{net_.segment_count(), kSegmentsPerChunk};
  for (std::size_t c = 0; c < chunks.chunks(); ++c) {
    if (chunk_leaves_[c] == 0) continue;
    for (Index seg = static_cast<Index>(chunks.begin(c)); seg < chunks.end(c); ++seg) {
      // A byte per segment, not its queue; eight of them tested at once.
      if (seg % 8 == 0 && seg + 8 <= chunks.end(c)) {
        std::uint64_t any = 0;
        std::memcpy(&any, segment_leaves_.data() + seg, sizeof any);
        if (any == 0) {
          seg += 7;
          continue;
        }
      }
      if (segment_leaves_[seg] == 0) continue;
      while (q.size(seg) > 0) {
        const Index v = q.front(seg);
        if (!(s.next_pos_m[v] > net_.seg_length_m[seg])) break;
        q.pop_front(seg);
        double d = s.next_pos_m[v];
        Index cur = seg, rp = s.route_pos[v];
        Index planned = s.planned_link[v];
        bool finished = false, arrived = false, held = false;
        while (d > net_.seg_length_m[cur]) {
          d -= net_.seg_length_m[cur];
          free_time_s_[v] += net_.seg_length_m[cur] / free_speed(v, cur);
          const Index next = net_.is_link(cur)
                                 ? net_.link_to_lane[net_.segment_link(cur)]
                                 : (planned == kNone ? kNone : net_.link_segment(planned));
          if (next == kNone) {
            // With teleports (SUMO's model), one that ran through onto an empty lane that
            // does not lead on stops at its end (the plan stops those already on it), to
            // change lanes or be teleported; otherwise its route ends here.
            if (rp + 1 < route_length(v) && config_.teleport_after_s > 0.0 && cur != seg &&
                !net_.is_link(cur) && q.size(cur) == 0) {
              d = net_.seg_length_m[cur];
              held = true;
              break;
            }
            if (rp + 1 < route_length(v)) ++s.counters.dead_ends;
            arrived = rp + 1 >= route_length(v);
            finished = true;
            break;
          }
          if (net_.is_link(next)) {
            if (!link_green(net_.segment_link(next))) ++s.counters.amber_entries;
          } else {
            rp += 1;
            planned = choose_link(v, next, rp);
            // A closed lane sent it onto a lane that does not lead on: find a new way.
            if (planned == kNone && rp + 1 < route_length(v) && s.closed_lanes > 0 &&
                !config_.lane_changing) {
              closure_stranded_.push_back(v);
            }
          }
          cur = next;
        }
        if (finished) {
          finish(v, arrived);
          continue;
        }
        if (held) s.next_speed_mps[v] = 0.0;
        // A stop on a road it has left behind (passed while teleporting, or never reached)
        // is skipped.
        while (has_stops_ && next_stop_of(v) != nullptr && next_stop_of(v)->route_index < rp) {
          ++s.next_stop[v];
        }
        s.route_pos[v] = rp;
        s.planned_link[v] = planned;
        s.moves.push_back({v, cur, d});
      }
      // Those that reached their arrival position before the lane's end leave from where
      // they are (SUMO's arrivalPos).
      for (Index j = 0; arrivals_mid_lane_ && !net_.is_link(seg) && j < q.size(seg);) {
        const Index v = q.at(seg, j);
        if (!arrives_at(v, seg, s.next_pos_m[v])) {
          ++j;
          continue;
        }
        q.erase_at(seg, j);
        free_time_s_[v] += arrival_pos_on(v, seg) / free_speed(v, seg);
        finish(v, /*arrived=*/true);
      }
    }
  }
  // Arrivals join their new segment behind those already there, furthest first; vehicle id
  // breaks ties so the order never depends on anything but the state.
  std::sort(s.moves.begin(), s.moves.end(),
            [](const TrafficState::Move& a, const TrafficState::Move& b) {
              if (a.to_segment != b.to_segment) return a.to_segment < b.to_segment;
              if (a.pos_m != b.pos_m) return a.pos_m > b.pos_m;
              return a.vehicle < b.vehicle;
            });
  for (const TrafficState::Move& m : s.moves) {
    PT_ASSERT(!q.full(m.to_segment), "segment queue capacity is sized for a full jam");
    if (q.full(m.to_segment)) {
      ++s.counters.queue_overflows;
      continue;
    }
    q.push_back(m.to_segment, m.vehicle);
    s.segment[m.vehicle] = m.to_segment;
    s.next_pos_m[m.vehicle] = m.pos_m;
    remember_lanes_on(m.vehicle);
  }
}

void TrafficSim::finish(Index v, bool arrived) {
  TrafficState& s = state_;
  const double now = time_s();
  s.status[v] = VehicleStatus::finished;
  s.finish_time_s[v] = now;
  if (arrived) s.finished_last_step.push_back(v);
  s.segment[v] = kNone;
  ++s.counters.finished;
  s.counters.finished_travel_s += now - s.create_time_s[v];
  s.counters.finished_trip_s += now - s.enter_time_s[v];
  finished_delay_s_ += (now - s.create_time_s[v]) - free_time_s_[v];
  finished_stops_ += s.totals[v].stops;
}

bool TrafficSim::arrives_at(Index v, Index lane, double next_pos) const {
  return demand_.trips[v].arrival_pos != ArrivalPos::max &&
         state_.route_pos[v] + 1 >= route_length(v) && next_pos >= arrival_pos_on(v, lane);
}

double TrafficSim::arrival_pos_on(Index v, Index lane) const {
  const Trip& t = demand_.trips[v];
  const double length = net_.seg_length_m[lane];
  switch (t.arrival_pos) {
    case ArrivalPos::given: {
      const auto given = static_cast<double>(t.arrival_pos_m);
      return std::clamp(given < 0.0 ? length + given : given, 0.0, length);
    }
    case ArrivalPos::random:  // drawn once per vehicle (SUMO draws it at insertion)
      return length * rng::uniform(config_.seed, TrafficStream::arrival_pos, v, 0);
    case ArrivalPos::center:
      return length / 2.0;
    case ArrivalPos::max:
      break;
  }
  return length;
}

// ---- phase 5: fixed-time signal plans advance ------------------------------------------

void TrafficSim::advance_signals() {
  TrafficState& s = state_;
  for (Index g = 0; g < net_.signal_count(); ++g) {
    if (s.signal_held[g]) {
      s.signal_remaining_s[g] -= config_.step_s;  // counts time in phase; never switches
      continue;
    }
    const auto phases = net_.signal_phases(g);
    s.signal_remaining_s[g] -= config_.step_s;
    while (s.signal_remaining_s[g] <= 0.0) {
      s.signal_phase[g] = (s.signal_phase[g] + 1) % static_cast<std::uint32_t>(phases.size());
      s.signal_remaining_s[g] += phase_duration_s(g, s.signal_phase[g]);
    }
  }
}

void TrafficSim::step() {
  TrafficState& s = state_;
  s.finished_last_step.clear();
  create_trips();
  if (!s.teleporting.empty()) reinsert_teleported();
  enter_waiting_vehicles();
  s.counters.vehicle_updates += s.counters.entered - s.counters.finished;
  // Each chunk writes its own vehicles' plan slots and its own chunk summary.
  const bool unit_step = config_.step_s == 1.0;
  par::parallel_for(net_.segment_count(), kSegmentsPerChunk,
                    [this, unit_step](std::size_t begin, std::size_t end, std::size_t chunk) {
                      std::uint32_t halting = 0;
                      bool leaves = false, stuck = false, changes = false, stops = false;
                      std::fill(segment_leaves_.begin() + static_cast<std::ptrdiff_t>(begin),
                                segment_leaves_.begin() + static_cast<std::ptrdiff_t>(end), 0);
                      state_.queues.for_each_occupied(
                          static_cast<Index>(begin), static_cast<Index>(end), [&](Index seg) {
                            const SegmentPlan p =
                                unit_step ? plan_segment<true>(seg) : plan_segment<false>(seg);
                            halting += p.halting;
                            leaves = leaves || p.leaves;
                            stuck = stuck || p.stuck;
                            changes = changes || p.changes;
                            stops = stops || p.stops;
                            segment_leaves_[seg] = p.leaves ? 1 : 0;
                          });
                      chunk_halting_[chunk] = halting;
                      chunk_leaves_[chunk] = leaves ? 1 : 0;
                      chunk_stuck_[chunk] = stuck ? 1 : 0;
                      chunk_changes_[chunk] = changes ? 1 : 0;
                      chunk_stops_[chunk] = stops ? 1 : 0;
                    });
  std::uint64_t halting = 0;
  for (std::uint32_t h : chunk_halting_) halting += h;
  halting_sum_ += static_cast<double>(halting);
  transfer();
  std::swap(s.pos_m, s.next_pos_m);
  std::swap(s.speed_mps, s.next_speed_mps);
  if (config_.lane_changing) apply_lane_changes();
  if (has_stops_) update_stops();
  // Vehicles that closures left on a lane without a way on get a new route from it. (Only
  // with closures in force; the router allocates its scratch, the one exception to a step
  // without allocation.)
  for (const Index v : closure_stranded_) reroute_around_closures(v, closure_cost_s_);
  closure_stranded_.clear();
  if (config_.teleport_after_s > 0.0) teleport_stuck();
  if (routes_at_departure_) sample_road_speeds();
  advance_signals();
  ++s.step;
}

void TrafficSim::insert_vehicle(Index trip, Index lane, double pos_m, double speed_mps) {
  TrafficState& s = state_;
  SegmentQueues& q = s.queues;
  if (trip >= demand_.trip_count() || s.status[trip] != VehicleStatus::pending) {
    throw Error("only a trip that has not departed can be inserted").found(std::to_string(trip));
  }
  const Trip& t = demand_.trips[trip];
  if (lane >= net_.lane_count() || net_.lane_road[lane] != demand_.route_road(t, 0)) {
    throw Error("insertion lane is not on the trip's first road").found(std::to_string(lane));
  }
  const double len = demand_.types[t.type].length_m;
  if (!(pos_m >= 0.0 && pos_m <= net_.seg_length_m[lane]) || !(speed_mps >= 0.0)) {
    throw Error("insertion position or speed out of range")
        .expected(fmt::format("0..{} m, speed >= 0", net_.seg_length_m[lane]))
        .found(fmt::format("{} m, {} m/s", pos_m, speed_mps));
  }
  if (q.full(lane)) throw Error("lane is full").found(std::to_string(lane));
  // Find the slot that keeps the queue ordered front first, and check both neighbours.
  Index at = 0;
  while (at < q.size(lane) && s.pos_m[q.at(lane, at)] > pos_m) ++at;
  auto length_of = [&](Index w) { return type_of(w).length_m; };
  if (at > 0 && s.pos_m[q.at(lane, at - 1)] - length_of(q.at(lane, at - 1)) < pos_m) {
    throw Error("insertion overlaps the vehicle ahead").found(fmt::format("{} m", pos_m));
  }
  if (at < q.size(lane) && pos_m - len < s.pos_m[q.at(lane, at)]) {
    throw Error("insertion overlaps the vehicle behind").found(fmt::format("{} m", pos_m));
  }
  q.insert_at(lane, at, trip);
  s.status[trip] = VehicleStatus::running;
  s.segment[trip] = lane;
  s.pos_m[trip] = pos_m;
  free_time_s_[trip] -= pos_m / free_speed(trip, lane);  // delay from where it entered
  s.speed_mps[trip] = speed_mps;
  s.route_pos[trip] = 0;
  s.planned_link[trip] = choose_link(trip, lane, 0);
  remember_lanes_on(trip);
  s.create_time_s[trip] = time_s();
  s.enter_time_s[trip] = time_s();
  s.speed_factor[trip] = draw_speed_factor(trip);
  ++s.counters.created;
  ++s.counters.entered;
  // Trips are created in order: skip over inserted ones when their departure comes.
  while (s.next_trip < demand_.trip_count() && s.status[s.next_trip] != VehicleStatus::pending) {
    ++s.next_trip;
  }
}

// ---- routing during the run -------------------------------------------------------------

bool TrafficSim::road_mean_speed(Index r, double& mean) const {
  const TrafficState& s = state_;
  double speed_sum = 0.0;
  Index n = 0;
  for (Index l = net_.road_first_lane[r]; l < net_.road_first_lane[r] + net_.road_lane_count[r];
       ++l) {
    for (Index j = 0; j < s.queues.size(l); ++j) speed_sum += s.speed_mps[s.queues.at(l, j)];
    n += s.queues.size(l);
  }
  if (n == 0) return false;
  mean = speed_sum / n;
  return true;
}

void TrafficSim::road_travel_times(std::vector<double>& cost_s) const {
  const auto free = router_.free_flow_cost_s();
  cost_s.assign(free.begin(), free.end());
  for (Index r = 0; r < net_.road_count(); ++r) {
    double mean = 0.0;
    if (road_mean_speed(r, mean)) {
      cost_s[r] = std::max(free[r], road_length_m_[r] / std::max(mean, 1.0));
    }
  }
}

bool TrafficSim::reroute(Index v, std::span<const double> road_cost_s) {
  TrafficState& s = state_;
  if (v >= demand_.trip_count()) return false;
  const VehicleStatus st = s.status[v];
  if (st != VehicleStatus::running && st != VehicleStatus::waiting) return false;
  const Index seg = s.segment[v];
  // The road the new route starts from: the current one, or on a junction link the road the
  // link leads to (the vehicle is committed to it).
  const bool on_link = net_.is_link(seg);
  const Index rp = s.route_pos[v];
  const Index from = on_link ? route_road(v, rp + 1) : route_road(v, rp);
  const Index destination = route_road(v, route_length(v) - 1);
  const std::span<const std::uint8_t> blocked = blocked_arcs();  // turns closures forbid
  std::vector<Index> path;
  if (st == VehicleStatus::running && !config_.lane_changing && from != destination) {
    // Without lane changes the vehicle leaves its lane (the link's end lane, on a link) by one
    // of that lane's own links: the new route turns onto one of their roads, the quickest.
    const Index lane = on_link ? net_.link_to_lane[net_.segment_link(seg)] : seg;
    double best = std::numeric_limits<double>::infinity();
    for (Index k = net_.lane_links_begin[lane]; k < net_.lane_links_begin[lane + 1]; ++k) {
      const Index next = net_.lane_road[net_.link_to_lane[k]];
      std::vector<Index> rest =
          router_.route(next, destination, road_cost_s, blocked, route_scratch_);
      double cost = 0.0;
      for (const Index r : rest) cost += road_cost_s[r];
      if (rest.empty() || !(cost < best)) continue;
      best = cost;
      path.assign(1, from);
      path.insert(path.end(), rest.begin(), rest.end());
    }
  } else {
    path = router_.route(from, destination, road_cost_s, blocked, route_scratch_);
  }
  if (path.empty()) return false;
  // New route: the roads already driven (so route_pos stays valid), then the new path.
  const Index keep = on_link ? rp + 1 : rp;
  const Index begin = static_cast<Index>(s.rerouted_roads.size());
  for (Index k = 0; k < keep; ++k) s.rerouted_roads.push_back(route_road(v, k));
  s.rerouted_roads.insert(s.rerouted_roads.end(), path.begin(), path.end());
  s.reroute_begin[v] = begin;
  s.reroute_length[v] = keep + static_cast<Index>(path.size());
  // Its stops were placed on the old route: a new one makes none of those left.
  if (has_stops_) s.next_stop[v] = static_cast<Index>(demand_.stops_of(v).size());
  if (!on_link) s.planned_link[v] = choose_link(v, seg, rp);
  if (st == VehicleStatus::running) remember_lanes_on(v);
  return true;
}

// ---- control interface ------------------------------------------------------------------

void TrafficSim::set_signal_phase(Index signal, std::uint32_t phase) {
  if (signal >= net_.signal_count()) {
    throw Error("unknown signal")
        .expected(fmt::format("0..{}", net_.signal_count() - 1))
        .found(std::to_string(signal));
  }
  const auto phases = net_.signal_phases(signal);
  if (phase >= phases.size()) {
    throw Error("unknown phase")
        .field(fmt::format("signal at '{}'", net_.junction_id[net_.signal_junction[signal]]))
        .expected(fmt::format("0..{}", phases.size() - 1))
        .found(std::to_string(phase));
  }
  state_.signal_phase[signal] = phase;
  state_.signal_remaining_s[signal] = phase_duration_s(signal, phase);
}

void TrafficSim::hold_signal(Index signal, bool held) {
  if (signal >= net_.signal_count()) {
    throw Error("unknown signal").found(std::to_string(signal));
  }
  state_.signal_held[signal] = held ? 1 : 0;
}

double TrafficSim::signal_time_in_phase_s(Index signal) const {
  return phase_duration_s(signal, state_.signal_phase[signal]) - state_.signal_remaining_s[signal];
}

void TrafficSim::set_signal_plan(Index signal, std::span<const double> phase_durations_s) {
  if (signal >= net_.signal_count()) {
    throw Error("unknown signal").found(std::to_string(signal));
  }
  const std::string where =
      fmt::format("signal at '{}'", net_.junction_id[net_.signal_junction[signal]]);
  const std::size_t n = net_.signal_phases(signal).size();
  if (phase_durations_s.size() != n) {
    throw Error("signal plan has another number of phases")
        .field(where)
        .expected(fmt::format("{} durations, one per phase", n))
        .found(std::to_string(phase_durations_s.size()));
  }
  double cycle = 0.0;
  for (const double d : phase_durations_s) {
    if (!(d >= 0.0) || !std::isfinite(d)) {
      throw Error("phase duration must be finite and >= 0")
          .field(where)
          .found(fmt::format("{} s", d));
    }
    cycle += d;
  }
  if (!(cycle > 0.0)) throw Error("signal plan has a cycle of 0 s").field(where).expected("> 0 s");
  TrafficState& s = state_;
  const std::uint32_t p = s.signal_phase[signal];
  const double elapsed = signal_time_in_phase_s(signal);
  std::copy(phase_durations_s.begin(), phase_durations_s.end(),
            s.phase_duration_s.begin() + net_.signal_phase_begin[signal]);
  // The phase in progress ends when it reaches its new duration (at the next step if past);
  // a held signal never ends it, and keeps counting its time in phase.
  const double left = phase_durations_s[p] - elapsed;
  s.signal_remaining_s[signal] = s.signal_held[signal] != 0 ? left : std::max(left, 1e-9);
}

// ---- closures ---------------------------------------------------------------------------

void TrafficSim::set_lane_closed(Index lane, bool closed) {
  if (lane >= net_.lane_count()) throw Error("unknown lane").found(std::to_string(lane));
  set_lanes_closed(lane, lane + 1, closed);
}

void TrafficSim::set_road_closed(Index road, bool closed) {
  if (road >= net_.road_count()) throw Error("unknown road").found(std::to_string(road));
  const Index first = net_.road_first_lane[road];
  set_lanes_closed(first, first + net_.road_lane_count[road], closed);
}

void TrafficSim::set_lanes_closed(Index first, Index end, bool closed) {
  TrafficState& s = state_;
  for (Index l = first; l < end; ++l) {
    if ((s.lane_closed[l] != 0) == closed) continue;
    s.lane_closed[l] = closed ? 1 : 0;
    s.closed_lanes = closed ? s.closed_lanes + 1 : s.closed_lanes - 1;
  }
  arc_blocked_valid_ = false;
  react_to_closures(/*reroute=*/closed);  // an opening leaves detours as they are
}

bool TrafficSim::road_closed(Index road) const {
  const Index first = net_.road_first_lane[road];
  for (Index l = first; l < first + net_.road_lane_count[road]; ++l) {
    if (state_.lane_closed[l] == 0) return false;
  }
  return true;
}

bool TrafficSim::route_blocked(Index v, Index from_pos) const {
  for (Index k = from_pos + 1; k < route_length(v); ++k) {
    const Index road = route_road(v, k);
    if (road_closed(road)) return true;
    const Index arc = router_.arc(route_road(v, k - 1), road);
    if (arc != kNone && arc_blocked_[arc] != 0) return true;
  }
  return false;
}

std::span<const std::uint8_t> TrafficSim::blocked_arcs() {
  if (state_.closed_lanes == 0) return {};
  if (!arc_blocked_valid_) {
    router_.blocked_arcs(net_, state_.lane_closed, arc_blocked_);
    arc_blocked_valid_ = true;
  }
  return arc_blocked_;
}

void TrafficSim::reroute_around_closures(Index v, std::vector<double>& cost_s) {
  road_travel_times(cost_s);
  for (Index r = 0; r < net_.road_count(); ++r) {
    if (road_closed(r)) cost_s[r] = std::numeric_limits<double>::infinity();
  }
  if (reroute(v, cost_s)) {
    ++state_.counters.closure_reroutes;
  } else {
    ++state_.counters.closure_no_detour;
  }
}

void TrafficSim::react_to_closures(bool reroute_blocked) {
  TrafficState& s = state_;
  SegmentQueues& q = s.queues;
  blocked_arcs();  // current for route_blocked
  // Routes first (a new route changes the link to plan), in vehicle order.
  if (reroute_blocked) {
    for (Index v = 0; v < demand_.trip_count(); ++v) {
      const VehicleStatus st = s.status[v];
      if (st != VehicleStatus::running && st != VehicleStatus::waiting) continue;
      // A vehicle on a junction link is committed to the road it leads to.
      const Index from_pos = s.route_pos[v] + (net_.is_link(s.segment[v]) ? 1 : 0);
      if (route_blocked(v, from_pos)) reroute_around_closures(v, closure_cost_s_);
    }
  }
  // Vehicles waiting to enter a lane that closed, or that no longer leads onto their new
  // route's second road, move to a fitting open lane of the same road, keeping their order;
  // with none open they stay.
  for (Index lane = 0; lane < net_.lane_count(); ++lane) {
    Index prev = kNone;
    for (Index v = s.wait_head[lane]; v != kNone;) {
      const Index next = s.wait_next[v];
      const Index to = start_lane(v, lane);
      if (to == lane) {
        prev = v;
      } else {
        if (prev == kNone) {
          s.wait_head[lane] = next;
        } else {
          s.wait_next[prev] = next;
        }
        if (s.wait_tail[lane] == v) s.wait_tail[lane] = prev;
        s.wait_next[v] = kNone;
        s.segment[v] = to;
        if (s.wait_tail[to] == kNone) {
          s.wait_head[to] = v;
        } else {
          s.wait_next[s.wait_tail[to]] = v;
        }
        s.wait_tail[to] = v;
      }
      v = next;
    }
  }
  for (Index lane = 0; lane < net_.lane_count(); ++lane) {
    for (Index i = 0; i < q.size(lane); ++i) {
      const Index v = q.at(lane, i);
      s.planned_link[v] = choose_link(v, lane, s.route_pos[v]);
    }
  }
}

std::uint32_t TrafficSim::movement_demand(Index movement, bool halting_only) const {
  const TrafficState& s = state_;
  const Index road = net_.movement_from_road[movement];
  std::uint32_t n = 0;
  for (Index lane = net_.road_first_lane[road];
       lane < net_.road_first_lane[road] + net_.road_lane_count[road]; ++lane) {
    for (Index j = 0; j < s.queues.size(lane); ++j) {
      const Index v = s.queues.at(lane, j);
      const Index k = s.planned_link[v];
      if (k == kNone || net_.link_movement[k] != movement) continue;
      n += (!halting_only || s.speed_mps[v] < kHaltingSpeed) ? 1u : 0u;
    }
  }
  return n;
}

// ---- results ----------------------------------------------------------------------------

TrafficKpis TrafficSim::kpis() const {
  const TrafficState& s = state_;
  const TrafficCounters& c = s.counters;
  TrafficKpis k;
  k.time_s = time_s();
  k.steps = static_cast<std::uint64_t>(s.step);
  k.created = c.created;
  k.finished = c.finished;
  k.running = c.entered - c.finished;
  k.waiting = c.created - c.entered;
  k.vehicle_updates = c.vehicle_updates;
  k.dead_ends = c.dead_ends;
  k.teleports = c.teleports;
  k.amber_entries = c.amber_entries;
  k.lane_changes = c.lane_changes;
  k.closure_reroutes = c.closure_reroutes;
  k.closure_no_detour = c.closure_no_detour;
  k.stops_served = c.stops_served;
  double open_travel = 0.0;
  for (Index v = 0; v < demand_.trip_count(); ++v) {
    const VehicleStatus st = s.status[v];
    if (st == VehicleStatus::waiting || st == VehicleStatus::running ||
        st == VehicleStatus::teleporting) {
      open_travel += k.time_s - s.create_time_s[v];
    }
  }
  if (c.created > 0) {
    k.average_travel_time_s = (c.finished_travel_s + open_travel) / static_cast<double>(c.created);
  }
  if (c.finished > 0) {
    const double nf = static_cast<double>(c.finished);
    k.mean_finished_travel_time_s = c.finished_travel_s / nf;
    k.mean_finished_trip_duration_s = c.finished_trip_s / nf;
    k.mean_finished_delay_s = finished_delay_s_ / nf;
    k.mean_stops_per_vehicle = static_cast<double>(finished_stops_) / nf;
  }
  for (Index v = 0; v < demand_.trip_count(); ++v) {
    k.fuel_l += static_cast<double>(s.totals[v].fuel_l);
    k.co2_kg += static_cast<double>(s.totals[v].co2_kg);
  }
  if (k.time_s > 0.0) k.throughput_veh_per_h = static_cast<double>(c.finished) * 3600.0 / k.time_s;
  if (s.step > 0) k.mean_halting = halting_sum_ / static_cast<double>(s.step);
  return k;
}

void TrafficSim::lane_state(std::span<std::uint32_t> vehicles, std::span<std::uint32_t> halting,
                            std::span<float> mean_speed_mps) const {
  PT_ASSERT(vehicles.size() == net_.lane_count() && halting.size() == net_.lane_count() &&
                mean_speed_mps.size() == net_.lane_count(),
            "one entry per lane");
  const SegmentQueues& q = state_.queues;
  for (Index lane = 0; lane < net_.lane_count(); ++lane) {
    std::uint32_t halted = 0;
    double speed_sum = 0.0;
    for (Index i = 0; i < q.size(lane); ++i) {
      const double v = state_.speed_mps[q.at(lane, i)];
      halted += v < kHaltingSpeed ? 1u : 0u;
      speed_sum += v;
    }
    vehicles[lane] = q.size(lane);
    halting[lane] = halted;
    mean_speed_mps[lane] =
        q.size(lane) > 0 ? static_cast<float>(speed_sum / static_cast<double>(q.size(lane))) : 0.0f;
  }
}

std::vector<std::uint32_t> TrafficSim::road_waiting() const {
  std::vector<std::uint32_t> out(net_.road_count(), 0);
  for (Index lane = 0; lane < net_.lane_count(); ++lane) {
    for (Index v = state_.wait_head[lane]; v != kNone; v = state_.wait_next[v]) {
      ++out[net_.lane_road[lane]];
    }
  }
  return out;
}

void TrafficSim::queue_lengths(std::vector<std::uint32_t>& per_lane) const {
  per_lane.assign(net_.lane_count(), 0);
  for (Index lane = 0; lane < net_.lane_count(); ++lane) {
    for (Index i = 0; i < state_.queues.size(lane); ++i) {
      per_lane[lane] += state_.speed_mps[state_.queues.at(lane, i)] < kHaltingSpeed ? 1u : 0u;
    }
  }
}

std::uint64_t TrafficSim::state_hash() const {
  const TrafficState& s = state_;
  StateHash h;
  h.add(s.step);
  for (Index v = 0; v < demand_.trip_count(); ++v) {
    h.add(s.status[v]);
    if (s.status[v] == VehicleStatus::teleporting) {
      h.add(s.route_pos[v]);
      h.add(s.teleport_ready_s[v]);
    }
    if (s.status[v] != VehicleStatus::running) continue;
    h.add(s.pos_m[v]);
    h.add(s.speed_mps[v]);
    h.add(s.segment[v]);
    h.add(s.route_pos[v]);
  }
  for (Index seg = 0; seg < net_.segment_count(); ++seg) {
    h.add(s.queues.size(seg));
    for (Index i = 0; i < s.queues.size(seg); ++i) h.add(s.queues.at(seg, i));
  }
  h.add(std::span<const std::uint32_t>(s.signal_phase));
  h.add(std::span<const double>(s.signal_remaining_s));
  h.add(std::span<const std::uint8_t>(s.signal_held));
  h.add(std::span<const double>(s.phase_duration_s));
  h.add(std::span<const std::uint8_t>(s.lane_closed));
  if (!s.road_speed_mean.empty()) h.add(std::span<const double>(s.road_speed_mean));
  h.add(s.counters.finished);
  h.add(s.counters.finished_travel_s);
  return h.value();
}

}  // namespace parktwin::traffic
