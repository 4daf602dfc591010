// Max-pressure signal control: Varaiya, Transportation Research Part C 36 (2013) 177-195,
// as CityFlow / PressLight's MaxPressure baseline (Wei et al., KDD 2019). See signal_control.h.

#include "sim/traffic/signal_control.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>
#include <utility>

#include "engine/assert.h"
#include "engine/error.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

namespace {

constexpr std::size_t kMaxPhases = 64;  // Network::movement_green_phases is a 64-bit mask

std::uint64_t all_phases(std::size_t n) {
  return n >= kMaxPhases ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
}

bool has_phase(std::uint64_t mask, std::uint32_t p) { return ((mask >> p) & 1u) != 0; }

constexpr SignalPolicy kPolicies[] = {SignalPolicy::fixed_time, SignalPolicy::max_pressure,
                                      SignalPolicy::sotl,       SignalPolicy::actuated,
                                      SignalPolicy::webster,    SignalPolicy::agent};

bool on_surface(SignalPolicy p) {
  return p == SignalPolicy::sotl || p == SignalPolicy::actuated || p == SignalPolicy::webster ||
         p == SignalPolicy::agent;
}

}  // namespace

const char* signal_policy_name(SignalPolicy p) {
  switch (p) {
    case SignalPolicy::fixed_time:
      return "fixed_time";
    case SignalPolicy::max_pressure:
      return "max_pressure";
    case SignalPolicy::sotl:
      return "sotl";
    case SignalPolicy::actuated:
      return "actuated";
    case SignalPolicy::webster:
      return "webster";
    case SignalPolicy::agent:
      return "agent";
  }
  return "unknown";
}

std::optional<SignalPolicy> parse_signal_policy(std::string_view name) {
  for (const SignalPolicy p : kPolicies) {
    if (name == signal_policy_name(p)) return p;
  }
  return std::nullopt;
}

std::string signal_policy_names() {
  std::string out;
  for (const SignalPolicy p : kPolicies) {
    if (!out.empty()) out += ", ";
    out += fmt::format("\"{}\"", signal_policy_name(p));
  }
  return out;
}

SignalController::SignalController(const Network& net, std::vector<SignalPolicy> per_signal,
                                   SignalControlParams params)
    : net_(net), policy_(std::move(per_signal)), params_(params) {
  const std::size_t G = net.signal_count();
  if (policy_.size() != G) {
    throw Error("one signal policy per signal of the network")
        .field("signal policies")
        .expected(std::to_string(G))
        .found(std::to_string(policy_.size()));
  }
  if (!(params_.min_green_s >= 0.0) || !std::isfinite(params_.min_green_s)) {
    throw Error("invalid max-pressure parameter")
        .field("min_green_s")
        .expected("a finite number >= 0")
        .found(fmt::format("{}", params_.min_green_s));
  }

  // Movements of every signal, in movement order (CSR over signals).
  std::vector<Index> signal_movements_begin(G + 1, 0);
  for (Index m = 0; m < net.movement_count(); ++m) {
    const Index g = net.junction_signal[net.movement_junction[m]];
    if (g != kNone) ++signal_movements_begin[g + 1];
  }
  for (std::size_t g = 0; g < G; ++g) signal_movements_begin[g + 1] += signal_movements_begin[g];
  std::vector<Index> signal_movements(signal_movements_begin[G]);
  {
    std::vector<Index> fill(signal_movements_begin.begin(), signal_movements_begin.end() - 1);
    for (Index m = 0; m < net.movement_count(); ++m) {
      const Index g = net.junction_signal[net.movement_junction[m]];
      if (g != kNone) signal_movements[fill[g]++] = m;
    }
  }

  std::size_t max_phases = 0;
  movements_begin_.push_back(0);
  std::vector<Index> surface_signals, sotl_agents, actuated_agents, webster_agents;
  for (Index g = 0; g < G; ++g) {
    if (on_surface(policy_[g])) {
      const auto a = static_cast<Index>(surface_signals.size());
      surface_signals.push_back(g);
      if (policy_[g] == SignalPolicy::sotl) sotl_agents.push_back(a);
      if (policy_[g] == SignalPolicy::actuated) actuated_agents.push_back(a);
      if (policy_[g] == SignalPolicy::webster) webster_agents.push_back(a);
      continue;
    }
    if (policy_[g] == SignalPolicy::fixed_time) continue;
    const std::size_t n = net.signal_phases(g).size();
    const std::string where =
        fmt::format("signal at '{}'", net.junction_id[net.signal_junction[g]]);
    if (n > kMaxPhases) {
      throw Error("too many phases for max-pressure control")
          .field(where)
          .expected(fmt::format("at most {}", kMaxPhases))
          .found(std::to_string(n));
    }
    const std::uint64_t all = all_phases(n);
    std::uint64_t green = 0;
    for (Index i = signal_movements_begin[g]; i < signal_movements_begin[g + 1]; ++i) {
      const Index m = signal_movements[i];
      const std::uint64_t mask = net.movement_green_phases[m] & all;
      // Never green: nothing to decide. Always green: the same pressure in every phase.
      if (mask == 0 || mask == all) continue;
      green |= mask;
      const Index road = net.movement_to_road[m];
      movement_.push_back(m);
      movement_green_.push_back(mask);
      out_lane_begin_.push_back(net.road_first_lane[road]);
      out_lane_count_.push_back(net.road_lane_count[road]);
    }
    if (green == 0) {
      throw Error("max-pressure control needs a phase that gives some movement green")
          .field(where)
          .expected("a phase whose movements are not green in every phase")
          .found("none");
    }
    controlled_.push_back(g);
    green_phases_.push_back(green);
    movements_begin_.push_back(static_cast<Index>(movement_.size()));
    max_phases = std::max(max_phases, n);
  }

  if (!controlled_.empty()) {
    lane_vehicles_.assign(net.lane_count(), 0);
    lane_halting_.assign(net.lane_count(), 0);
    lane_speed_mps_.assign(net.lane_count(), 0.0f);
  }
  phase_pressure_.assign(max_phases, 0.0);

  if (!surface_signals.empty()) {
    surface_.emplace(net, std::move(surface_signals),
                     SurfaceParams{params_.min_green_s, params_.max_green_s});
    sotl_.emplace(*surface_, std::move(sotl_agents), params_.sotl);
    actuated_.emplace(*surface_, std::move(actuated_agents), params_.actuated);
    webster_.emplace(*surface_, std::move(webster_agents), params_.webster);
    movement_scratch_.assign(net.movement_count(), 0);
    movement_scratch2_.assign(net.movement_count(), 0);
  }
}

SignalPolicy SignalController::policy(Index signal) const {
  PT_ASSERT(signal < policy_.size(), "signal index in range");
  return policy_[signal];
}

void SignalController::attach(TrafficSim& sim) const {
  PT_ASSERT(&sim.network() == &net_, "the controller was built for this simulation's network");
  for (const Index g : controlled_) sim.hold_signal(g, true);
  if (surface_) surface_->attach(sim);
}

void SignalController::phase_pressures(const TrafficSim& sim, Index c) {
  const std::size_t n = net_.signal_phases(controlled_[c]).size();
  for (std::size_t p = 0; p < n; ++p) phase_pressure_[p] = 0.0;
  for (Index i = movements_begin_[c]; i < movements_begin_[c + 1]; ++i) {
    std::uint32_t downstream = 0;
    for (Index lane = out_lane_begin_[i]; lane < out_lane_begin_[i] + out_lane_count_[i]; ++lane) {
      downstream += lane_vehicles_[lane];
    }
    const double pressure =
        static_cast<double>(sim.movement_demand(movement_[i], false)) -
        static_cast<double>(downstream) / static_cast<double>(out_lane_count_[i]);
    for (std::uint64_t bits = movement_green_[i]; bits != 0; bits &= bits - 1) {
      phase_pressure_[static_cast<std::size_t>(std::countr_zero(bits))] += pressure;
    }
  }
}

std::uint32_t SignalController::best_phase(Index c, std::uint32_t keep) const {
  std::uint32_t best = kNone;
  for (std::uint64_t bits = green_phases_[c]; bits != 0; bits &= bits - 1) {
    const auto q = static_cast<std::uint32_t>(std::countr_zero(bits));
    if (best == kNone || phase_pressure_[q] > phase_pressure_[best]) best = q;
  }
  if (keep != kNone && has_phase(green_phases_[c], keep) &&
      phase_pressure_[keep] == phase_pressure_[best]) {
    return keep;
  }
  return best;
}

void SignalController::act(TrafficSim& sim) {
  PT_ASSERT(&sim.network() == &net_, "the controller was built for this simulation's network");
  bool lanes_read = false;
  for (Index c = 0; c < controlled_.size(); ++c) {
    const Index g = controlled_[c];
    const auto phases = net_.signal_phases(g);
    const std::uint32_t p = sim.signal_phase(g);
    const bool green = has_phase(green_phases_[c], p);
    // A clearance phase runs the duration in force (a signal_plan event may have retimed it).
    const double due_s = green ? params_.min_green_s : sim.phase_duration_s(g, p);
    if (sim.signal_time_in_phase_s(g) < due_s - kClockTolerance_s) continue;

    if (!lanes_read) {  // once per call, and only when some decision is due
      sim.lane_state(lane_vehicles_, lane_halting_, lane_speed_mps_);
      lanes_read = true;
    }
    phase_pressures(sim, c);
    if (green) {
      const std::uint32_t best = best_phase(c, p);
      if (best == p) continue;  // keep the green; its clock keeps counting
      const auto next = static_cast<std::uint32_t>((p + 1) % phases.size());
      // Leave through the plan's clearance phase when one follows, for its full duration.
      sim.set_signal_phase(g, has_phase(green_phases_[c], next) ? best : next);
    } else {
      sim.set_signal_phase(g, best_phase(c, kNone));
    }
  }
  if (surface_) {
    sotl_->decide(sim, *surface_, movement_scratch_, movement_scratch2_);
    actuated_->decide(sim, *surface_, movement_scratch_, movement_scratch2_);
    webster_->decide(sim, *surface_);
    surface_->apply(sim);
  }
}

}  // namespace parktwin::traffic
