#pragma once
// Baseline signal controllers that act through TrafficSim's control interface between steps.
//
// Max pressure: Varaiya, "Max pressure control of a network of signalized intersections",
// Transportation Research Part C 36 (2013) 177-195; in the form of the MaxPressure baseline of
// CityFlow / PressLight (Wei et al., KDD 2019): once a green phase has run its minimum green,
// give the green to the phase whose movements have the largest pressure, the pressure of a
// movement being the vehicles on its incoming road that plan to take it minus the vehicles
// per lane on the road it leads to. A switch goes through the plan's clearance phase (amber,
// all-red) when one follows the current phase, with the duration the plan gives it.
//
// The controller is stateless beyond the model: every decision is a function of the
// simulation state (current phase, time in phase, vehicles on lanes), which a checkpoint
// saves in full. A restored simulation is therefore controlled exactly as the uninterrupted
// one and stays bit-exact; the controller's buffers are scratch, rewritten before each read.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/traffic/network.h"
#include "sim/traffic/signal_baselines.h"
#include "sim/traffic/signal_surface.h"
#include "sim/traffic/webster.h"

namespace parktwin::traffic {

class TrafficSim;

// fixed_time: the plan; max_pressure: Varaiya's controller above; sotl, actuated: classic
// controllers on the control surface (signal_baselines.h); webster: fixed-time plans timed
// by Webster's method from the run's flows (webster.h), on the surface; agent: the control
// surface with its control buffer left to an outside agent (a learned policy, a script).
enum class SignalPolicy : std::uint8_t { fixed_time, max_pressure, sotl, actuated, webster, agent };

const char* signal_policy_name(SignalPolicy p);  // "fixed_time", "max_pressure", ...
std::optional<SignalPolicy> parse_signal_policy(std::string_view name);
// The names parse_signal_policy accepts, for error messages: "fixed_time", "max_pressure", ...
std::string signal_policy_names();

struct SignalControlParams {
  double min_green_s = 10.0;  // a green phase is kept at least this long before a new decision
  // Surface-run signals (sotl, actuated, webster, agent) only: a green is ended after this long.
  // The max-pressure controller keeps its form of PressLight's baseline, without one.
  double max_green_s = 120.0;
  SotlParams sotl{};
  ActuatedParams actuated{};
  // Webster signals only: the flows (movement_flows of the run's demand) and cycle bounds.
  WebsterParams webster{};
};

// Baseline signal controllers acting through TrafficSim's control interface, between steps.
// Signals with fixed_time follow their plan untouched; the others are held and switched by
// the controller. Stateless beyond the model: everything it reads is in the simulation state,
// so a checkpointed and restored simulation is controlled exactly as the uninterrupted one.
//
// Phases of a max-pressure signal: a *green* phase lets at least one of the junction's
// movements go that is not green in every phase; the others are *clearance* phases (CityFlow's
// amber and all-red phases, which may still let right turns go). Movements green in every
// phase add the same pressure to every phase and are left out of the comparison.
class SignalController {
 public:
  // per_signal: one policy per signal of `net` (size net.signal_count()); throws
  // parktwin::Error otherwise, for a negative min_green_s, and for a max-pressure signal
  // without a green phase. `net` must outlive the controller.
  SignalController(const Network& net, std::vector<SignalPolicy> per_signal,
                   SignalControlParams params = {});

  // Holds the signals it controls (call once on a new or restored simulation, before
  // stepping).
  void attach(TrafficSim& sim) const;
  // Called before each sim.step(): switches controlled signals whose decision is due.
  // Allocates nothing; the result does not depend on the thread count.
  void act(TrafficSim& sim);

  bool controls_any() const { return !controlled_.empty() || surface_.has_value(); }
  SignalPolicy policy(Index signal) const;
  const std::vector<SignalPolicy>& policies() const { return policy_; }  // per signal
  const SignalControlParams& params() const { return params_; }
  // The control surface of the sotl, actuated, webster and agent signals; nullptr when there are
  // none. An outside agent writes the control buffer of its agents between steps.
  SignalSurface* surface() { return surface_ ? &*surface_ : nullptr; }
  const SignalSurface* surface() const { return surface_ ? &*surface_ : nullptr; }

  // Checkpoints, as TrafficSim::save_state: the surface's buffers and the classic
  // controllers' memory (nothing without a surface; max pressure keeps none).
  template <class F>
  void save_state(F&& f) const {
    if (!surface_) return;
    surface_->save_state(f);
    f("sotl_counters", sotl_->counters());
    f("actuated_gaps", actuated_->gaps());
  }
  template <class F>
  void restore_state(F&& f) {
    if (!surface_) return;
    surface_->restore_state(f);
    f("sotl_counters", sotl_->counters());
    f("actuated_gaps", actuated_->gaps());
  }

 private:
  // Pressure of every green phase of controlled signal c (index into controlled_) into
  // phase_pressure_; reads lane_vehicles_, which must be current.
  void phase_pressures(const TrafficSim& sim, Index c);
  // The green phase of controlled signal c with the largest pressure; ties go to `keep`
  // when it is among them (kNone: none preferred), else to the lowest phase index.
  std::uint32_t best_phase(Index c, std::uint32_t keep) const;

  const Network& net_;
  std::vector<SignalPolicy> policy_;  // per signal (G)
  SignalControlParams params_;

  // --- signals on the control surface, and the classic controllers that drive some of them
  std::optional<SignalSurface> surface_;
  std::optional<Sotl> sotl_;
  std::optional<Actuated> actuated_;
  std::optional<Webster> webster_;
  std::vector<std::uint32_t> movement_scratch_, movement_scratch2_;  // per movement (M)

  // --- controlled signals (C entries, ascending signal index)
  std::vector<Index> controlled_;              // signal index
  std::vector<std::uint64_t> green_phases_;    // bit p: phase p is a green phase
  std::vector<Index> movements_begin_;         // CSR, C + 1 entries into the movement arrays
  std::vector<Index> movement_;                // movements that compete (not always green)
  std::vector<std::uint64_t> movement_green_;  // their green phases (bits < phase count)
  std::vector<Index> out_lane_begin_;          // lanes of the road each one leads to
  std::vector<Index> out_lane_count_;

  // --- scratch, sized once in the constructor
  std::vector<std::uint32_t> lane_vehicles_, lane_halting_;  // per lane (L)
  std::vector<float> lane_speed_mps_;                        // per lane (L)
  std::vector<double> phase_pressure_;  // per phase of the signal being decided (<= 64)
};

}  // namespace parktwin::traffic
