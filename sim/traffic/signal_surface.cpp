// The signals' control surface: agents ask for greens, the engine runs them safely. See
// signal_surface.h; the observation and reward layout is documented in docs/ai.md.

#include "sim/traffic/signal_surface.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "engine/assert.h"
#include "engine/error.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

namespace {

constexpr float kHaltingSpeed_mps = 0.1f;          // SUMO's and CityFlow's "waiting" threshold
constexpr double kMovementHaltingSpeed_mps = 0.1;  // the same, compared as TrafficSim does

constexpr RewardKind kRewardKinds[] = {RewardKind::queue, RewardKind::pressure,
                                       RewardKind::wait_change, RewardKind::delay};

}  // namespace

const char* reward_kind_name(RewardKind k) {
  switch (k) {
    case RewardKind::queue:
      return "queue";
    case RewardKind::pressure:
      return "pressure";
    case RewardKind::wait_change:
      return "wait_change";
    case RewardKind::delay:
      return "delay";
  }
  return "?";
}

bool parse_reward_kind(std::string_view name, RewardKind& out) {
  for (const RewardKind k : kRewardKinds) {
    if (name == reward_kind_name(k)) {
      out = k;
      return true;
    }
  }
  return false;
}

double reward(RewardKind kind, const AgentMeasures& before, const AgentMeasures& after) {
  switch (kind) {
    case RewardKind::queue:  // Wei et al., IntelliLight (KDD 2018): minus the queue
      return -after.queue;
    case RewardKind::pressure:  // Wei et al., PressLight (KDD 2019): minus the pressure
      return -after.pressure;
    case RewardKind::wait_change:  // sumo-rl's default: the drop in accumulated waiting time
      return before.waiting_s - after.waiting_s;
    case RewardKind::delay:  // minus the incoming vehicles' speed deficit
      return -after.delay;
  }
  return 0.0;
}

SignalSurface::SignalSurface(const Network& net, std::vector<Index> signals, SurfaceParams params)
    : net_(net), params_(params), signal_(std::move(signals)) {
  const auto bad_param = [](const char* name, double v, const char* expected) {
    return Error("invalid signal control parameter")
        .field(name)
        .expected(expected)
        .found(fmt::format("{}", v));
  };
  if (!(params_.min_green_s >= 0.0) || !std::isfinite(params_.min_green_s)) {
    throw bad_param("min_green", params_.min_green_s, "a finite number of seconds >= 0");
  }
  if (!(params_.max_green_s >= params_.min_green_s)) {
    throw bad_param("max_green", params_.max_green_s, "a number of seconds >= min_green");
  }
  if (!(params_.near_m > 0.0) || !std::isfinite(params_.near_m)) {
    throw bad_param("near_m", params_.near_m, "a finite distance > 0 m");
  }

  const std::size_t G = net.signal_count();
  signal_is_agent_.assign(G, 0);
  std::vector<Index> agent_of(G, kNone);
  for (std::size_t a = 0; a < signal_.size(); ++a) {
    const Index g = signal_[a];
    if (g >= G || (a > 0 && g <= signal_[a - 1])) {
      throw Error("signal agents must be distinct signals of the network, ascending")
          .field(fmt::format("agent {}", a))
          .expected(fmt::format("a signal index in 0..{}", G == 0 ? 0 : G - 1))
          .found(std::to_string(g));
    }
    signal_is_agent_[g] = 1;
    agent_of[g] = static_cast<Index>(a);
  }

  green_begin_.push_back(0);
  in_lane_begin_.push_back(0);
  movement_begin_.push_back(0);
  neighbour_begin_.push_back(0);
  for (const Index g : signal_) {
    const Index j = net.signal_junction[g];
    const auto phases = net.signal_phases(g);
    for (std::uint32_t p = 0; p < phases.size(); ++p) {
      if (phases[p].kind == PhaseKind::green) green_.push_back(p);
    }
    if (green_.size() == green_begin_.back()) {
      throw Error("a controlled signal needs a green phase")
          .field(fmt::format("signal at '{}'", net.junction_id[j]))
          .expected("a phase that lets a competing movement go")
          .found("only clearance phases");
    }
    phase_slots_ = std::max(phase_slots_, phases.size());
    // Incoming roads in road order; their lanes, and the agents upstream of them.
    const std::size_t first_neighbour = neighbour_.size();
    for (Index r = 0; r < net.road_count(); ++r) {
      if (net.road_to[r] != j) continue;
      for (Index l = 0; l < net.road_lane_count[r]; ++l)
        in_lane_.push_back(net.road_first_lane[r] + l);
      const Index up = net.junction_signal[net.road_from[r]];
      const Index n = up == kNone ? kNone : agent_of[up];
      if (n != kNone && std::find(neighbour_.begin() + static_cast<std::ptrdiff_t>(first_neighbour),
                                  neighbour_.end(), n) == neighbour_.end()) {
        neighbour_.push_back(n);
      }
    }
    for (Index m = 0; m < net.movement_count(); ++m) {
      if (net.movement_junction[m] == j) movement_.push_back(m);
    }
    green_begin_.push_back(static_cast<Index>(green_.size()));
    in_lane_begin_.push_back(static_cast<Index>(in_lane_.size()));
    movement_begin_.push_back(static_cast<Index>(movement_.size()));
    neighbour_begin_.push_back(static_cast<Index>(neighbour_.size()));
    const std::size_t a = green_begin_.size() - 2;
    action_slots_ = std::max(action_slots_, greens(a).size());
    lane_slots_ = std::max(lane_slots_, in_lanes(a).size());
    movement_slots_ = std::max(movement_slots_, movements(a).size());
    neighbour_slots_ = std::max(neighbour_slots_, neighbours(a).size());
  }

  ctrl_.assign(signal_.size(), -1);
  target_phase_.assign(signal_.size(), kNone);
  lane_stats_.assign(in_lane_.size() * kLaneFeatures, 0.0f);
  pressure_.assign(signal_.size(), 0.0);
  movement_slot_.assign(net.movement_count(), kNone);
  for (std::size_t i = 0; i < movement_.size(); ++i)
    movement_slot_[movement_[i]] = static_cast<Index>(i);
  movement_planning_.assign(movement_.size(), 0);
  movement_halting_.assign(movement_.size(), 0);
  movement_out_per_lane_.assign(movement_.size(), 0.0);
}

std::size_t SignalSurface::observation_size() const {
  return lane_slots_ * kLaneFeatures + movement_slots_ * kMovementFeatures + phase_slots_ + 1 +
         neighbour_slots_;
}

bool SignalSurface::is_green(Index g, std::uint32_t phase) const {
  return net_.phases[net_.signal_phase_begin[g] + phase].kind == PhaseKind::green;
}

std::uint32_t SignalSurface::clearance_after(Index g, std::uint32_t p) const {
  const auto n = static_cast<std::uint32_t>(net_.signal_phases(g).size());
  const std::uint32_t next = (p + 1) % n;
  if (!is_green(g, next)) return next;
  for (std::uint32_t q = 0; q < n; ++q) {
    if (!is_green(g, q)) return q;  // the plan's first clearance
  }
  return kNone;
}

double SignalSurface::clearance_s(Index g, std::uint32_t p) const {
  const std::uint32_t first = clearance_after(g, p);
  if (first == kNone) return 0.0;
  const auto phases = net_.signal_phases(g);
  double s = 0.0;
  for (std::uint32_t q = first, k = 0; k < phases.size() && !is_green(g, q);
       q = (q + 1) % static_cast<std::uint32_t>(phases.size()), ++k) {
    s += phases[q].duration_s;
  }
  return s;
}

std::uint32_t SignalSurface::next_green(std::size_t a, std::uint32_t p) const {
  const auto gs = greens(a);
  for (const std::uint32_t q : gs) {
    if (q > p) return q;
  }
  return gs.front();
}

void SignalSurface::attach(TrafficSim& sim) const {
  PT_ASSERT(&sim.network() == &net_, "the surface was built for this simulation's network");
  for (const Index g : signal_) sim.hold_signal(g, true);
}

void SignalSurface::apply(TrafficSim& sim) {
  PT_ASSERT(&sim.network() == &net_, "the surface was built for this simulation's network");
  for (std::size_t a = 0; a < signal_.size(); ++a) {
    const Index g = signal_[a];
    const std::uint32_t p = sim.signal_phase(g);
    const double t = sim.signal_time_in_phase_s(g);
    const auto gs = greens(a);
    const std::int32_t action = ctrl_[a];
    if (action < -1 || action >= static_cast<std::int32_t>(gs.size())) {
      throw Error("action out of range")
          .field(fmt::format("signal at '{}'", net_.junction_id[net_.signal_junction[g]]))
          .expected(fmt::format("-1 (keep) or 0..{}", gs.size() - 1))
          .found(std::to_string(action));
    }
    const std::uint32_t asked = action < 0 ? kNone : gs[static_cast<std::size_t>(action)];

    if (!is_green(g, p)) {  // a clearance runs its duration, then the next one or the green
      if (t < sim.phase_duration_s(g, p) - kClockTolerance_s) continue;
      const auto n = static_cast<std::uint32_t>(net_.signal_phases(g).size());
      const std::uint32_t next = (p + 1) % n;
      if (!is_green(g, next)) {
        sim.set_signal_phase(g, next);
        continue;
      }
      // Not started by a switch (the plan's first phase): the green asked for, else the next.
      std::uint32_t green = target_phase_[a];
      if (green == kNone) green = asked != kNone ? asked : next;
      sim.set_signal_phase(g, green);
      target_phase_[a] = kNone;
      continue;
    }

    std::uint32_t want = asked == kNone ? p : asked;
    if (t >= max_green_s(g, p) - kClockTolerance_s && want == p && gs.size() > 1) {
      want = next_green(a, p);
    }
    if (want == p || t < min_green_s(g, p) - kClockTolerance_s) continue;
    const std::uint32_t clearance = clearance_after(g, p);
    if (clearance == kNone) {
      sim.set_signal_phase(g, want);
    } else {
      target_phase_[a] = want;
      sim.set_signal_phase(g, clearance);
    }
  }
}

double SignalSurface::min_green_s(Index g, std::uint32_t p) const {
  const SignalPhase& ph = net_.signal_phases(g)[p];
  return ph.min_s >= 0.0 ? ph.min_s : params_.min_green_s;
}

double SignalSurface::max_green_s(Index g, std::uint32_t p) const {
  const SignalPhase& ph = net_.signal_phases(g)[p];
  return ph.max_s >= 0.0 ? ph.max_s : params_.max_green_s;
}

std::uint32_t SignalSurface::green_of(const TrafficSim& sim, std::size_t a) const {
  const Index g = signal_[a];
  const std::uint32_t p = sim.signal_phase(g);
  if (is_green(g, p)) return p;
  return target_phase_[a] != kNone ? target_phase_[a] : kNone;
}

bool SignalSurface::in_clearance(const TrafficSim& sim, std::size_t a) const {
  return !is_green(signal_[a], sim.signal_phase(signal_[a]));
}

void SignalSurface::action_masks(const TrafficSim& sim, std::span<std::uint8_t> out) const {
  PT_ASSERT(out.size() == signal_.size() * action_slots_, "mask buffer agents x action_slots");
  std::fill(out.begin(), out.end(), std::uint8_t{0});
  for (std::size_t a = 0; a < signal_.size(); ++a) {
    const Index g = signal_[a];
    const auto gs = greens(a);
    std::uint8_t* row = out.data() + a * action_slots_;
    const std::uint32_t p = sim.signal_phase(g);
    if (!is_green(g, p)) {
      // Heading for a green already: only that one; at the plan's start any.
      for (std::size_t i = 0; i < gs.size(); ++i) {
        row[i] = target_phase_[a] == kNone || gs[i] == target_phase_[a] ? 1 : 0;
      }
      continue;
    }
    const double t = sim.signal_time_in_phase_s(g);
    const bool before_min = t < min_green_s(g, p) - kClockTolerance_s;
    const bool past_max = t >= max_green_s(g, p) - kClockTolerance_s && gs.size() > 1;
    for (std::size_t i = 0; i < gs.size(); ++i) {
      const bool current = gs[i] == p;
      row[i] = before_min ? current : (past_max ? !current : 1);
    }
  }
}

void SignalSurface::approaching(const TrafficSim& sim, double within_m, bool moving_only,
                                std::span<std::uint32_t> per_movement) const {
  PT_ASSERT(per_movement.size() == net_.movement_count(), "one count per movement");
  const TrafficState& s = sim.state();
  for (const Index m : movement_) per_movement[m] = 0;
  for (const Index lane : in_lane_) {
    const double from = net_.seg_length_m[lane] - within_m;
    // Front first: once a vehicle is farther than within_m, so are those behind it.
    for (Index k = 0; k < s.queues.size(lane); ++k) {
      const Index v = s.queues.at(lane, k);
      if (s.pos_m[v] < from) break;
      const Index link = s.planned_link[v];
      if (link == kNone) continue;
      if (moving_only && s.speed_mps[v] < double{kHaltingSpeed_mps}) continue;
      ++per_movement[net_.link_movement[link]];
    }
  }
}

void SignalSurface::waiting(const TrafficSim& sim, std::span<float> per_movement) const {
  PT_ASSERT(per_movement.size() == net_.movement_count(), "one sum per movement");
  const TrafficState& s = sim.state();
  for (const Index m : movement_) per_movement[m] = 0.0f;
  for (const Index lane : in_lane_) {
    for (Index k = 0; k < s.queues.size(lane); ++k) {
      const Index v = s.queues.at(lane, k);
      const Index link = s.planned_link[v];
      if (link != kNone) per_movement[net_.link_movement[link]] += s.totals[v].halted_s;
    }
  }
}

void SignalSurface::read_lanes(const TrafficSim& sim) {
  const TrafficState& s = sim.state();
  std::fill(movement_planning_.begin(), movement_planning_.end(), 0u);
  std::fill(movement_halting_.begin(), movement_halting_.end(), 0u);
  for (std::size_t i = 0; i < in_lane_.size(); ++i) {
    const Index lane = in_lane_[i];
    const double near_from = net_.seg_length_m[lane] - params_.near_m;
    float vehicles = 0.0f, halting = 0.0f, near = 0.0f, speed = 0.0f, waiting = 0.0f;
    for (Index k = 0; k < s.queues.size(lane); ++k) {
      const Index v = s.queues.at(lane, k);
      const auto v_mps = static_cast<float>(s.speed_mps[v]);
      vehicles += 1.0f;
      halting += v_mps < kHaltingSpeed_mps ? 1.0f : 0.0f;
      near += s.pos_m[v] >= near_from ? 1.0f : 0.0f;
      speed += v_mps;
      waiting += s.totals[v].halted_s;
      // Every lane of a road into the junction is an incoming lane, so this one pass counts
      // what TrafficSim::movement_demand counts, movement by movement.
      if (const Index link = s.planned_link[v]; link != kNone) {
        const Index slot = movement_slot_[net_.link_movement[link]];
        ++movement_planning_[slot];
        movement_halting_[slot] += s.speed_mps[v] < kMovementHaltingSpeed_mps ? 1u : 0u;
      }
    }
    float* f = lane_stats_.data() + i * kLaneFeatures;
    f[0] = vehicles;
    f[1] = halting;
    f[2] = near;
    f[3] = vehicles > 0.0f ? speed / vehicles : 0.0f;
    f[4] = waiting;
  }
  for (std::size_t i = 0; i < movement_.size(); ++i) {
    const Index to = net_.movement_to_road[movement_[i]];
    std::uint32_t out = 0;
    for (Index l = 0; l < net_.road_lane_count[to]; ++l) {
      out += s.queues.size(net_.road_first_lane[to] + l);
    }
    movement_out_per_lane_[i] =
        static_cast<double>(out) / static_cast<double>(net_.road_lane_count[to]);
  }
  for (std::size_t a = 0; a < signal_.size(); ++a) {
    double sum = 0.0;
    for (Index i = movement_begin_[a]; i < movement_begin_[a + 1]; ++i) {
      sum += static_cast<double>(movement_planning_[i]) - movement_out_per_lane_[i];
    }
    pressure_[a] = std::abs(sum);
  }
}

void SignalSurface::observe(const TrafficSim& sim, std::span<float> out) {
  const std::size_t width = observation_size();
  PT_ASSERT(out.size() == signal_.size() * width, "observation buffer agents x size");
  std::fill(out.begin(), out.end(), 0.0f);
  read_lanes(sim);
  for (std::size_t a = 0; a < signal_.size(); ++a) {
    float* row = out.data() + a * width;
    const auto lanes = in_lanes(a);
    std::copy_n(lane_stats_.data() + in_lane_begin_[a] * kLaneFeatures,
                lanes.size() * kLaneFeatures, row);
    float* mov = row + lane_slots_ * kLaneFeatures;
    for (Index m = movement_begin_[a]; m < movement_begin_[a + 1]; ++m, mov += kMovementFeatures) {
      mov[0] = static_cast<float>(movement_planning_[m]);
      mov[1] = static_cast<float>(movement_halting_[m]);
      mov[2] = static_cast<float>(movement_out_per_lane_[m]);
    }
    float* phase = row + lane_slots_ * kLaneFeatures + movement_slots_ * kMovementFeatures;
    const Index g = signal_[a];
    phase[sim.signal_phase(g)] = 1.0f;
    phase[phase_slots_] = static_cast<float>(sim.signal_time_in_phase_s(g));
    float* nb = phase + phase_slots_ + 1;
    const auto ns = neighbours(a);
    for (std::size_t i = 0; i < ns.size(); ++i) nb[i] = static_cast<float>(pressure_[ns[i]]);
  }
}

void SignalSurface::measure(const TrafficSim& sim, std::span<AgentMeasures> out) {
  PT_ASSERT(out.size() == signal_.size(), "one measure per agent");
  read_lanes(sim);
  const TrafficState& s = sim.state();
  for (std::size_t a = 0; a < signal_.size(); ++a) {
    AgentMeasures m;
    m.pressure = pressure_[a];
    for (Index i = in_lane_begin_[a]; i < in_lane_begin_[a + 1]; ++i) {
      const float* f = lane_stats_.data() + i * kLaneFeatures;
      m.queue += double{f[1]};
      m.waiting_s += double{f[4]};
      const Index lane = in_lane_[i];
      const double limit = net_.seg_speed_limit_mps[lane];
      for (Index k = 0; k < s.queues.size(lane); ++k) {
        const double v = s.speed_mps[s.queues.at(lane, k)];
        m.delay += limit > 0.0 ? std::max(0.0, 1.0 - v / limit) : 0.0;
      }
    }
    out[a] = m;
  }
}

}  // namespace parktwin::traffic
