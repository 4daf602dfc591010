// Routing at departure on measured travel times, as SUMO's routing device does for every
// <trip> and from/to flow (MSDevice_Routing, forced for trips; MSRoutingEngine with its
// defaults: --device.rerouting.adaptation-interval 1 s, --device.rerouting.adaptation-steps
// 180; https://sumo.dlr.de/docs/Demand/Automatic_Routing.html). Every second each road's
// speed is sampled (the mean speed of the vehicles on it, its speed limit when empty) and
// averaged over the last 180 samples; a trip departing now takes the fastest route with each
// road costing its length over that average, never less than its free-flow time. Traffic so
// spreads away from roads that are congested, as in SUMO; a route fixed at load time sends
// everyone down the same roads.

#include <algorithm>

#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

namespace {
constexpr std::uint32_t kAdaptationSteps = 180;  // SUMO's --device.rerouting.adaptation-steps
constexpr double kAdaptationInterval_s = 1.0;    // --device.rerouting.adaptation-interval
}  // namespace

double TrafficSim::road_sample_speed(Index r) const {
  double mean = 0.0;
  return road_mean_speed(r, mean) ? mean : road_limit_mps_[r];
}

void TrafficSim::init_road_speeds() {
  TrafficState& s = state_;
  const std::size_t R = net_.road_count();
  road_speed_sum_.assign(R, 0.0);
  road_speed_count_.assign(R, 0);
  s.road_speed_mean.resize(R);
  s.road_speed_samples.resize(R * kAdaptationSteps);
  for (Index r = 0; r < R; ++r) {
    const double v = road_sample_speed(r);
    s.road_speed_mean[r] = v;
    for (std::uint32_t k = 0; k < kAdaptationSteps; ++k) s.road_speed_samples[k * R + r] = v;
  }
  s.road_speed_slot = 0;
}

// Once per adaptation interval (the steps that end on or after a whole second). The speeds
// are summed lane by lane, front to back (the order road_mean_speed sums them in, so the same
// bits), touching only lanes with vehicles; a sample equal to the one it replaces (an empty
// road at its limit, most roads most of the time) changes nothing.
void TrafficSim::sample_road_speeds() {
  TrafficState& s = state_;
  const double now = time_s() + config_.step_s;  // the time at the end of this step
  const double due = static_cast<double>(s.road_speed_samples_taken + 1) * kAdaptationInterval_s;
  if (now + 1e-9 < due) return;
  ++s.road_speed_samples_taken;
  const std::uint32_t slot = s.road_speed_slot % kAdaptationSteps;  // in range whatever restored
  const std::size_t R = net_.road_count();
  std::fill(road_speed_sum_.begin(), road_speed_sum_.end(), 0.0);
  std::fill(road_speed_count_.begin(), road_speed_count_.end(), 0);
  const SegmentQueues& q = s.queues;
  q.for_each_occupied(0, static_cast<Index>(net_.lane_count()), [&](Index l) {
    const Index n = q.size(l);
    const Index r = net_.lane_road[l];
    double sum = road_speed_sum_[r];
    for (Index j = 0; j < n; ++j) sum += s.speed_mps[q.at(l, j)];
    road_speed_sum_[r] = sum;
    road_speed_count_[r] += n;
  });
  double* samples = s.road_speed_samples.data() + slot * R;
  // Without a branch (most roads are empty, some not, in no pattern): where the sample is
  // unchanged the mean gains exactly 0.
  for (Index r = 0; r < R; ++r) {
    const Index n = road_speed_count_[r];
    const double v = n > 0 ? road_speed_sum_[r] / n : road_limit_mps_[r];
    s.road_speed_mean[r] += (v - samples[r]) / kAdaptationSteps;
    samples[r] = v;
  }
  s.road_speed_slot = (slot + 1) % kAdaptationSteps;
}

void TrafficSim::route_at_departure(Index v) {
  const TrafficState& s = state_;
  if (departure_cost_step_ != s.step) {
    const auto free = router_.free_flow_cost_s();
    departure_cost_s_.assign(free.begin(), free.end());
    for (Index r = 0; r < net_.road_count(); ++r) {
      departure_cost_s_[r] =
          std::max(free[r], road_length_m_[r] / std::max(s.road_speed_mean[r], 0.01));
    }
    departure_cost_step_ = s.step;
  }
  reroute(v, departure_cost_s_);
}

}  // namespace parktwin::traffic
