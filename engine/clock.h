#pragma once
// Simulation clock: a fixed step `dt`, counted as an integer so that time never drifts
// (t = start + step * dt, not a running sum), and schedules that let slower subsystems
// sub-sample the step, e.g. buildings every 60 s while traffic steps every 1 s.

#include <cstdint>

namespace parktwin {

// When a sub-sampled subsystem runs: on steps where (step - offset) is a multiple of period.
struct Schedule {
  std::int64_t period_steps = 1;
  std::int64_t offset_steps = 0;
  double period_s = 0.0;  // period_steps * dt: the subsystem's own time step

  bool due(std::int64_t step) const {
    return step >= offset_steps && (step - offset_steps) % period_steps == 0;
  }
};

class SimClock {
 public:
  // Throws parktwin::Error unless step_s is finite and > 0 and start_s is finite.
  explicit SimClock(double step_s, double start_s = 0.0);

  double step_s() const { return step_s_; }
  double start_s() const { return start_s_; }
  std::int64_t step() const { return step_; }
  double time_s() const { return time_at(step_); }
  double time_at(std::int64_t step) const { return start_s_ + static_cast<double>(step) * step_s_; }

  void advance() { ++step_; }
  // Jump to a step, e.g. when resuming from a checkpoint.
  void set_step(std::int64_t step);

  // A subsystem that runs every period_s (first at offset_s). Throws parktwin::Error unless
  // both are non-negative whole multiples of the step (within 1e-9 relative) and period_s > 0:
  // a subsystem that silently ran at another rate than asked would be a wrong model. The
  // error's field is "period" or "offset"; callers rename it to their key or option.
  Schedule every(double period_s, double offset_s = 0.0) const;

  // Number of steps covering duration_s exactly; throws unless it is a whole multiple of dt.
  // Every span here may hold at most 2^53 steps (a double counts each of them exactly); a
  // longer one throws parktwin::Error naming the longest allowed.
  std::int64_t steps_for(double duration_s) const;

 private:
  double step_s_;
  double start_s_;
  std::int64_t step_ = 0;
};

}  // namespace parktwin
