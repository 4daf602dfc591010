#include "engine/clock.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/error.h"

namespace parktwin {

namespace {
// The most steps a span may hold: 2^53, beyond which a double no longer counts every step
// (and far below where the int64 step counter would overflow).
constexpr double kMaxSteps = 9007199254740992.0;

// How many whole steps make `seconds`; throws if it is not a whole number of them.
std::int64_t whole_steps(double seconds, double step_s, const char* what) {
  if (!std::isfinite(seconds) || seconds < 0.0) {
    throw Error("must be a finite, non-negative number of seconds")
        .field(what)
        .expected(">= 0")
        .found(fmt::format("{}", seconds));
  }
  const double ratio = seconds / step_s;
  if (!(ratio <= kMaxSteps)) {
    throw Error("is more time steps than the clock can count")
        .field(what)
        .expected(fmt::format("at most {} s, 2^53 steps of {} s", kMaxSteps * step_s, step_s))
        .found(fmt::format("{} s", seconds));
  }
  const double rounded = std::round(ratio);
  if (std::abs(ratio - rounded) > 1e-9 * std::max(1.0, ratio)) {
    throw Error("is not a whole number of time steps")
        .field(what)
        .expected(fmt::format("a multiple of the step {} s", step_s))
        .found(fmt::format("{} s", seconds));
  }
  return static_cast<std::int64_t>(rounded);
}
}  // namespace

SimClock::SimClock(double step_s, double start_s) : step_s_(step_s), start_s_(start_s) {
  if (!std::isfinite(step_s) || step_s <= 0.0) {
    throw Error("time step must be positive")
        .field("step")
        .expected("a finite number of seconds > 0")
        .found(fmt::format("{}", step_s));
  }
  if (!std::isfinite(start_s)) {
    throw Error("start time must be finite").field("start").found(fmt::format("{}", start_s));
  }
}

void SimClock::set_step(std::int64_t step) {
  if (step < 0) throw Error("step index must be non-negative").found(std::to_string(step));
  step_ = step;
}

Schedule SimClock::every(double period_s, double offset_s) const {
  const std::int64_t period = whole_steps(period_s, step_s_, "period");
  if (period == 0) {
    throw Error("period must be at least one time step")
        .field("period")
        .expected(fmt::format(">= {} s", step_s_))
        .found(fmt::format("{} s", period_s));
  }
  return Schedule{period, whole_steps(offset_s, step_s_, "offset"),
                  static_cast<double>(period) * step_s_};
}

std::int64_t SimClock::steps_for(double duration_s) const {
  const std::int64_t steps = whole_steps(duration_s, step_s_, "duration");
  if (steps == 0 && duration_s > 0.0) {
    throw Error("is shorter than one time step")
        .field("duration")
        .expected(fmt::format("0 or >= {} s", step_s_))
        .found(fmt::format("{} s", duration_s));
  }
  return steps;
}

}  // namespace parktwin
