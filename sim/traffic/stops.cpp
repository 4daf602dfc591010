// Stops on the way (SUMO's <stop>, at a <busStop> or a lane position; Demand::stops): a
// vehicle approaching the road of its next stop brakes to halt with its front at the stop's
// end position, as for a red light; once it stands with its front past the stop's start it
// dwells for the stop's duration and at least until its `until` time, then drives on. While
// it dwells it is neither halting nor delayed (SUMO counts neither waiting time nor time loss
// at a stop) and never teleported; those behind it queue or change lanes round it. On a road
// with several lanes it changes to the stop's lane beforehand (a strategic change, as for its
// route); one that cannot halts where it reaches the stop's position.
//
// The plan (parallel) only reads the stop state; beginning and ending a dwell happen in
// update_stops, a serial phase, since other vehicles' lane-change decisions read it.

#include <algorithm>

#include "engine/parallel.h"
#include "engine/rng.h"
#include "sim/traffic/model_constants.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

namespace {
using model::kHaltingSpeed, model::kNoLimit, model::kSegmentsPerChunk;
}  // namespace

const TripStop* TrafficSim::next_stop_of(Index v) const {
  const std::span<const TripStop> stops = demand_.stops_of(v);
  const Index k = state_.next_stop[v];
  return k < stops.size() ? &stops[k] : nullptr;
}

Index TrafficSim::stop_lane_here(Index v) const {
  if (!has_stops_) return kNone;
  const TripStop* stop = next_stop_of(v);
  if (stop == nullptr || stop->route_index != state_.route_pos[v]) return kNone;
  return stop->lane;
}

Index TrafficSim::lane_target_here(Index v) const {
  if (const Index stop_lane = stop_lane_here(v); stop_lane != kNone) return stop_lane;
  const std::int16_t asked = demand_.trips[v].arrival_lane;
  const Index rp = state_.route_pos[v];
  if (asked == kArrivalLaneCurrent || rp + 1 < route_length(v)) return kNone;
  const Index road = route_road(v, rp);
  const Index first = net_.road_first_lane[road];
  const Index lanes = net_.road_lane_count[road];
  if (asked >= 0)
    return static_cast<Index>(asked) < lanes ? first + static_cast<Index>(asked) : kNone;
  if (asked == kArrivalLaneRandom) {
    return first + static_cast<Index>(
                       rng::uniform_int(config_.seed, TrafficStream::arrival_lane, v, 0, lanes));
  }
  for (Index k = lanes; k-- > 0;) {  // kArrivalLaneFirst: the rightmost it may use
    if (may_use(v, first + k)) return first + k;
  }
  return kNone;
}

double TrafficSim::distance_to_stop(Index v, Index seg, double pos) const {
  const TripStop* stop = next_stop_of(v);
  if (stop == nullptr) return kNoLimit;
  const TrafficState& s = state_;
  const Index rp = s.route_pos[v];  // on a link: the road it leaves
  if (!net_.is_link(seg)) {
    if (rp == stop->route_index) return std::max(0.0, stop->end_pos_m - pos);
    if (rp + 1 == stop->route_index && s.planned_link[v] != kNone) {
      return net_.seg_length_m[seg] - pos +
             net_.seg_length_m[net_.link_segment(s.planned_link[v])] + stop->end_pos_m;
    }
  } else if (rp + 1 == stop->route_index) {
    return net_.seg_length_m[seg] - pos + stop->end_pos_m;
  }
  return kNoLimit;
}

void TrafficSim::update_stops() {
  TrafficState& s = state_;
  const SegmentQueues& q = s.queues;
  const double now = time_s() + config_.step_s;  // the end of this step
  const par::ChunkPlan chunks{net_.segment_count(), kSegmentsPerChunk};
  for (std::size_t c = 0; c < chunks.chunks(); ++c) {
    if (chunk_stops_[c] == 0) continue;
    const auto end = static_cast<Index>(std::min<std::size_t>(chunks.end(c), net_.lane_count()));
    for (Index lane = static_cast<Index>(chunks.begin(c)); lane < end; ++lane) {
      for (Index j = 0; j < q.size(lane); ++j) {
        const Index v = q.at(lane, j);
        if (s.stop_leave_s[v] >= 0.0) {
          if (now + 1e-9 < s.stop_leave_s[v]) continue;
          // Time is up: on toward the next stop, with the lanes that lead there.
          s.stop_leave_s[v] = -1.0;
          ++s.next_stop[v];
          lanes_on_rp_[v] = kNone;
          remember_lanes_on(v);
          continue;
        }
        const TripStop* stop = next_stop_of(v);
        if (stop == nullptr || stop->route_index != s.route_pos[v]) continue;
        if (s.speed_mps[v] < kHaltingSpeed && s.pos_m[v] >= stop->start_pos_m) {
          s.stop_leave_s[v] = std::max(now + stop->duration_s, stop->until_s);
          s.speed_mps[v] = 0.0;  // at rest from here (it was creeping below 0.1 m/s)
          s.totals[v].halted_s = 0.0f;
          ++s.counters.stops_served;
        }
      }
    }
  }
}

}  // namespace parktwin::traffic
