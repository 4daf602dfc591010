#pragma once
// The control surface of a World's signals (DESIGN.md, "Control and learning"), in the spirit
// of MuJoCo's mjData.ctrl: each controlled signal is an *agent*; an agent writes the green
// phase it wants into a preallocated control buffer, reads its observation and action mask
// from preallocated buffers, and the engine alone decides when the lights change:
//   - only green phases (PhaseKind::green) can be asked for;
//   - a switch waits until the current green has run the minimum green;
//   - a green that has run the maximum green is ended for the next green in plan order;
//   - between two greens the signal runs the plan's clearance phases (amber, all-red) for the
//     durations in force: those that follow the current green in the plan or, where a green
//     is followed directly by another (CityFlow's plans, with one yellow per cycle), the plan's
//     first run of clearance phases.
// So no agent, learned or classic, can produce an unsafe sequence. Layout, units and rewards
// are documented in docs/ai.md.
//
// State (the control buffer and each agent's pending green) is saved and restored with the
// World; everything else here is the layout (built once from the model) or scratch.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/traffic/network.h"

namespace parktwin::traffic {

class TrafficSim;

// Phase clocks count down by step_s in floating point, so a phase of 5 s at step 0.1 s may
// read 4.9999999 after 50 steps; controllers compare clocks with this tolerance so that a
// decision falls on that step.
inline constexpr double kClockTolerance_s = 1e-9;

struct SurfaceParams {
  double min_green_s = 10.0;   // a green runs at least this long before the next switch
  double max_green_s = 120.0;  // then it is ended for the next green (+inf: never)
  double near_m = 100.0;       // "vehicles near the stop line": within this of the lane's end
};

// Features per lane and per movement slot of an observation (docs/ai.md).
inline constexpr std::size_t kLaneFeatures = 5;      // vehicles, halting, near, speed, waiting
inline constexpr std::size_t kMovementFeatures = 3;  // planning it, halting, out per lane

// What the rewards are made of, per agent, at one instant (docs/ai.md).
struct AgentMeasures {
  double queue = 0.0;      // halting vehicles on the incoming lanes (veh)
  double pressure = 0.0;   // |sum over movements of (incoming planning it - outgoing per lane)|
  double waiting_s = 0.0;  // sum of the incoming vehicles' current waiting times (s)
  double delay = 0.0;      // sum over incoming vehicles of (1 - speed / lane limit)
};

// Reward of one agent over one decision interval, from its measures before and after.
enum class RewardKind : std::uint8_t { queue, pressure, wait_change, delay };
const char* reward_kind_name(RewardKind k);  // "queue", "pressure", ...
bool parse_reward_kind(std::string_view name, RewardKind& out);
double reward(RewardKind kind, const AgentMeasures& before, const AgentMeasures& after);

class SignalSurface {
 public:
  // One agent per signal in `signals` (ascending, unique, each with at least one green
  // phase); `net` must outlive the surface. Throws parktwin::Error naming the signal or the
  // parameter otherwise.
  SignalSurface(const Network& net, std::vector<Index> signals, SurfaceParams params = {});

  // --- layout (fixed at construction)
  std::size_t agents() const { return signal_.size(); }
  Index signal(std::size_t a) const { return signal_[a]; }
  const Network& network() const { return net_; }
  const SurfaceParams& params() const { return params_; }
  // Green phases of agent a (plan indices, in plan order): action i asks for greens(a)[i].
  std::span<const std::uint32_t> greens(std::size_t a) const {
    return span_of(green_, green_begin_, a);
  }
  std::span<const Index> in_lanes(std::size_t a) const {
    return span_of(in_lane_, in_lane_begin_, a);
  }
  std::span<const Index> movements(std::size_t a) const {
    return span_of(movement_, movement_begin_, a);
  }
  // Neighbouring agents (upstream junctions of the incoming roads), at most neighbour_slots().
  std::span<const Index> neighbours(std::size_t a) const {
    return span_of(neighbour_, neighbour_begin_, a);
  }
  // Widths of the padded layout: the largest junction's counts.
  std::size_t action_slots() const { return action_slots_; }
  std::size_t lane_slots() const { return lane_slots_; }
  std::size_t movement_slots() const { return movement_slots_; }
  std::size_t phase_slots() const { return phase_slots_; }
  std::size_t neighbour_slots() const { return neighbour_slots_; }
  // Floats in one agent's observation: lanes, movements, phase one-hot, time in phase,
  // neighbours' pressures (docs/ai.md).
  std::size_t observation_size() const;

  // --- the control buffer: the action (index into greens(a)) each agent asks for; -1 keeps
  // the current green. Read by apply() every step, so a request stands until changed.
  std::span<std::int32_t> ctrl() { return ctrl_; }
  std::span<const std::int32_t> ctrl() const { return ctrl_; }

  // Holds the agents' signals (call once on a new or restored simulation, before stepping).
  void attach(TrafficSim& sim) const;
  // Enacts the control buffer under the rules above; call before each sim.step().
  // Allocates nothing. Throws parktwin::Error for an action outside 0..greens(a).size()-1.
  void apply(TrafficSim& sim);

  // --- reading the state (each span: agents() x width, row-major; nothing allocated)
  // 1: action i would be honoured now (agents() x action_slots()). Before the minimum green
  // only the current green; past the maximum only the others; in a clearance only the green
  // it leads to.
  void action_masks(const TrafficSim& sim, std::span<std::uint8_t> out) const;
  void observe(const TrafficSim& sim, std::span<float> out);  // agents() x observation_size()
  void measure(const TrafficSim& sim, std::span<AgentMeasures> out);  // agents()
  // The green agent a is in or heading for (a plan index), and whether it is in a clearance.
  std::uint32_t green_of(const TrafficSim& sim, std::size_t a) const;
  bool in_clearance(const TrafficSim& sim, std::size_t a) const;
  bool is_green(Index signal, std::uint32_t phase) const;
  // The clearance the surface runs when signal g leaves green p: its first phase (the next in
  // the plan when that is no green, else the plan's first clearance; kNone when the plan has
  // none) and its length by the plan's durations (s).
  std::uint32_t clearance_after(Index g, std::uint32_t p) const;
  // The minimum and maximum green of phase p of signal g: the phase's own (an actuated
  // program's minDur and maxDur) where it has them, the surface's otherwise.
  double min_green_s(Index g, std::uint32_t p) const;
  double max_green_s(Index g, std::uint32_t p) const;
  double clearance_s(Index g, std::uint32_t p) const;
  // Per movement of the network (only the agents' movements are written): vehicles on the
  // agents' incoming lanes within `within_m` of the stop line that plan to take it; with
  // `moving_only`, only those not halting. For the classic controllers; allocates nothing.
  void approaching(const TrafficSim& sim, double within_m, bool moving_only,
                   std::span<std::uint32_t> per_movement) const;
  // Per movement of the network (the agents' only): the summed current waiting times (s) of
  // the vehicles on the agents' incoming lanes that plan to take it.
  void waiting(const TrafficSim& sim, std::span<float> per_movement) const;

  // --- checkpoints, as TrafficSim::save_state / restore_state
  template <class F>
  void save_state(F&& f) const {
    f("ctrl", ctrl_);
    f("target_phase", target_phase_);
  }
  template <class F>
  void restore_state(F&& f) {
    f("ctrl", ctrl_);
    f("target_phase", target_phase_);
  }

 private:
  template <class T>
  static std::span<const T> span_of(const std::vector<T>& v, const std::vector<Index>& begin,
                                    std::size_t a) {
    return {v.data() + begin[a], v.data() + begin[a + 1]};
  }
  std::uint32_t next_green(std::size_t a, std::uint32_t p) const;  // in plan order, cyclic
  // One pass over the agents' incoming lanes: per lane (lane_stats_) vehicles, halting, near,
  // speed, waiting; per movement of movement_ the vehicles planning it, those halting, and
  // the vehicles on the road it leads to per lane; per agent the pressure.
  void read_lanes(const TrafficSim& sim);

  const Network& net_;
  SurfaceParams params_;
  // --- layout (CSR per agent)
  std::vector<Index> signal_;
  std::vector<Index> green_begin_;
  std::vector<std::uint32_t> green_;
  std::vector<Index> in_lane_begin_, in_lane_;
  std::vector<Index> movement_begin_, movement_;
  std::vector<Index> neighbour_begin_, neighbour_;
  std::vector<std::uint8_t> signal_is_agent_;  // per signal of the network
  std::size_t action_slots_ = 0, lane_slots_ = 0, movement_slots_ = 0, phase_slots_ = 0,
              neighbour_slots_ = 0;
  // --- state
  std::vector<std::int32_t> ctrl_;           // per agent
  std::vector<std::uint32_t> target_phase_;  // per agent: green after the clearance, or kNone
  // --- scratch
  std::vector<float> lane_stats_;     // in_lane_.size() x kLaneFeatures
  std::vector<double> pressure_;      // per agent
  std::vector<Index> movement_slot_;  // per movement of the network: its index in movement_
  std::vector<std::uint32_t> movement_planning_, movement_halting_;  // per movement_ entry
  std::vector<double> movement_out_per_lane_;                        // per movement_ entry
};

}  // namespace parktwin::traffic
