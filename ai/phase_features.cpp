// Phase features for learned signal policies (FRAP / MPLight style). See phase_features.h.

#include "ai/phase_features.h"

#include <algorithm>

#include "engine/assert.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::ai {

namespace {
constexpr float kPerVehicles = 0.1f;  // counts in tens
constexpr float kPerSecond = 1.0f / 60.0f;
constexpr float kPerWaiting = 1.0f / 600.0f;  // tens of vehicle-minutes
}  // namespace

PhaseFeatures::PhaseFeatures(const traffic::SignalSurface& surface)
    : agents_(surface.agents()),
      slots_(surface.action_slots()),
      obs_(surface.agents() * surface.observation_size(), 0.0f),
      near_(surface.network().movement_count(), 0),
      crossing_(surface.network().movement_count(), 0),
      waiting_(surface.network().movement_count(), 0.0f) {
  // The network through the surface's layout: which movement slots each green serves.
  served_begin_.push_back(0);
  competing_begin_.push_back(0);
  for (std::size_t a = 0; a < agents_; ++a) {
    const auto ms = surface.movements(a);
    const auto gs = surface.greens(a);
    std::uint64_t all_greens = 0;
    for (const std::uint32_t p : gs) all_greens |= std::uint64_t{1} << p;
    for (std::size_t s = 0; s < slots_; ++s) {
      if (s < gs.size()) {
        const std::uint64_t bit = std::uint64_t{1} << gs[s];
        for (std::size_t i = 0; i < ms.size(); ++i) {
          const std::uint64_t mask = surface.network().movement_green_phases[ms[i]];
          // Competing: green in this phase and not in every green phase.
          if ((mask & bit) != 0 && (mask & all_greens) != all_greens) {
            served_.push_back(static_cast<std::uint32_t>(i));
          }
        }
      }
      served_begin_.push_back(static_cast<std::uint32_t>(served_.size()));
    }
    for (std::size_t i = 0; i < ms.size(); ++i) {
      const std::uint64_t mask = surface.network().movement_green_phases[ms[i]];
      if ((mask & all_greens) != 0 && (mask & all_greens) != all_greens) {
        competing_.push_back(static_cast<std::uint32_t>(i));
      }
    }
    competing_begin_.push_back(static_cast<std::uint32_t>(competing_.size()));
  }
}

void PhaseFeatures::compute(const traffic::TrafficSim& sim, traffic::SignalSurface& surface,
                            std::span<float> features, std::span<std::uint8_t> masks) {
  PT_ASSERT(features.size() == agents_ * row_floats(), "features: agents x slots x features");
  PT_ASSERT(masks.size() == agents_ * slots_, "masks: agents x slots");
  surface.observe(sim, obs_);
  surface.action_masks(sim, masks);
  surface.approaching(sim, surface.params().near_m, false, near_);
  surface.approaching(sim, kCrossingM, true, crossing_);
  surface.waiting(sim, waiting_);
  std::fill(features.begin(), features.end(), 0.0f);
  const std::size_t width = surface.observation_size();
  const std::size_t mov_at = surface.lane_slots() * traffic::kLaneFeatures;
  const std::size_t phase_at = mov_at + surface.movement_slots() * traffic::kMovementFeatures;
  const std::size_t time_at = phase_at + surface.phase_slots();
  for (std::size_t a = 0; a < agents_; ++a) {
    const float* row = obs_.data() + a * width;
    const float* mov = row + mov_at;
    const auto gs = surface.greens(a);
    const std::uint32_t current = surface.green_of(sim, a);
    const float clearance = surface.in_clearance(sim, a) ? 1.0f : 0.0f;
    float context = 0.0f;
    for (std::uint32_t k = competing_begin_[a]; k < competing_begin_[a + 1]; ++k) {
      context += mov[competing_[k] * traffic::kMovementFeatures];
    }
    float neighbours = 0.0f;
    const std::size_t n = surface.neighbours(a).size();
    for (std::size_t i = 0; i < n; ++i) neighbours += row[time_at + 1 + i];
    if (n > 0) neighbours /= static_cast<float>(n);
    for (std::size_t s = 0; s < gs.size(); ++s) {
      float* f = features.data() + (a * slots_ + s) * kPhaseFeatures;
      for (std::uint32_t k = served_begin_[a * slots_ + s]; k < served_begin_[a * slots_ + s + 1];
           ++k) {
        const float* m = mov + served_[k] * traffic::kMovementFeatures;
        f[0] += m[0];
        f[1] += m[1];
        f[2] += m[2];
        const traffic::Index movement = surface.movements(a)[served_[k]];
        f[8] += static_cast<float>(near_[movement]);
        f[9] += static_cast<float>(crossing_[movement]);
        f[10] += waiting_[movement];
      }
      f[10] *= kPerWaiting;
      f[8] *= kPerVehicles;
      f[9] *= kPerVehicles;
      f[0] *= kPerVehicles;
      f[1] *= kPerVehicles;
      f[2] *= kPerVehicles;
      const bool is_current = gs[s] == current;
      f[3] = is_current ? 1.0f : 0.0f;
      f[4] = is_current && clearance == 0.0f ? row[time_at] * kPerSecond : 0.0f;
      f[5] = clearance;
      f[6] = context * kPerVehicles;
      f[7] = neighbours * kPerVehicles;
    }
  }
}

}  // namespace parktwin::ai
