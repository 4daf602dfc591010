#pragma once
// The vectorised signal-control environment: K copies of a scenario's traffic, every signal an
// agent on the control surface, stepped together one decision at a time, each copy in its own
// episode. Like Gymnasium's vector environments with autoreset: a copy whose episode ends
// starts the next one at once, and its `done` flag says so for the step that ended it.
//
// An episode is a day of the scenario's demand: scaled by one of the demand scales (a seeded
// thinning or duplication of trips, traffic::scale_demand) and with each departure moved by a
// seeded jitter (traffic::jitter_departures), so that seeds give different days even where
// the input draws nothing (CityFlow's flows). Episode seeds of training runs come from
// `first_seed` on (kTrainingSeeds): evaluation seeds below it are never trained on.
//
// Deterministic: the copies step in parallel (a task arena of `threads`), each writing only
// its own slots, so every output is the same for any thread count.

#include <tbb/task_arena.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "ai/phase_features.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"
#include "sim/traffic/signal_control.h"
#include "sim/traffic/signal_surface.h"
#include "sim/traffic/traffic_sim.h"
#include "sim/world.h"

namespace parktwin::ai {

// Training episodes draw their seeds from here on; evaluation seeds (1, 2, ...) stay below.
inline constexpr std::uint64_t kTrainingSeeds = 1'000'000;

struct EnvOptions {
  double decision_s = 5.0;    // seconds between two decisions
  double episode_s = 3600.0;  // simulated seconds per episode
  traffic::RewardKind reward = traffic::RewardKind::queue;
  double reward_scale = 0.1;  // rewards are multiplied by this (queues in tens of vehicles)
  // Each agent's reward plus this weight times the mean reward of its neighbours (the agents
  // upstream of its incoming roads): a junction is credited for what it sends on.
  double neighbour_reward = 0.5;
  std::vector<double> demand_scales{1.0};  // episode e uses demand_scales[e % size]
  double jitter_s = 30.0;                  // departure jitter of an episode's demand
  double min_green_s = 10.0;
  double max_green_s = 120.0;
};

// One finished episode of one copy.
struct EpisodeResult {
  std::uint64_t seed = 0;
  double demand_scale = 1.0;
  double reward_sum = 0.0;  // summed over its agents and decisions
  traffic::TrafficKpis kpis;
};

// One simulated day: its demand and its World (traffic only, every signal run by `policy`:
// `agent` for a learner, a classic controller for a baseline), built for a seed and a scale.
struct Episode {
  std::unique_ptr<traffic::Demand> demand;
  std::unique_ptr<World> world;
  std::uint64_t seed = 0;
  double demand_scale = 1.0;
};
// Throws parktwin::Error for a bad option (a demand scale < 0, a decision interval that is
// not a whole number of steps).
Episode make_episode(const traffic::Network& net, const traffic::Demand& base,
                     const traffic::TrafficConfig& traffic, const EnvOptions& options,
                     std::uint64_t seed, double demand_scale,
                     traffic::SignalPolicy policy = traffic::SignalPolicy::agent);

class SignalVecEnv {
 public:
  // `net` and `base` must outlive the environment. Copy c's e-th episode has the seed
  // first_seed + e * copies + c and the scale demand_scales[(e * copies + c) % size].
  // A share of a larger set (one rank's in a distributed training, ai/learn/collective.h):
  // these `copies` are copies first_copy.. of `all_copies`, seeded as those would be.
  SignalVecEnv(const traffic::Network& net, const traffic::Demand& base,
               const traffic::TrafficConfig& traffic, EnvOptions options, int copies, int threads,
               std::uint64_t first_seed, std::size_t first_copy = 0, std::size_t all_copies = 0);

  std::size_t copies() const { return slots_.size(); }
  std::size_t agents() const { return slot_features_.front().agents(); }
  std::size_t phase_slots() const { return slot_features_.front().phase_slots(); }
  const EnvOptions& options() const { return options_; }
  const traffic::SignalSurface& surface() const { return *slots_.front().surface; }

  // The state every copy is in now: copies x agents x phase_slots x kPhaseFeatures, and
  // masks copies x agents x phase_slots.
  std::span<const float> features() const { return features_buf_; }
  std::span<const std::uint8_t> masks() const { return masks_buf_; }

  // Applies one action per (copy, agent) (an index into the agent's greens, masked or not:
  // the engine enforces its rules either way), steps every copy one decision interval and
  // fills rewards() (copies x agents) and dones() (copies); copies whose episode ended have
  // started the next one, whose state features() now holds.
  void step(std::span<const std::int32_t> actions);
  std::span<const float> rewards() const { return rewards_; }
  std::span<const std::uint8_t> dones() const { return dones_; }
  // For copies whose episode ended at the last step (dones), the state it ended in (as
  // features() and masks()), before the new episode began: what a bootstrapped value of a
  // truncated episode needs (Gymnasium's final observation). Other copies' rows are stale.
  std::span<const float> final_features() const { return final_features_; }
  std::span<const std::uint8_t> final_masks() const { return final_masks_; }
  // Episodes finished so far, in the order (step, copy) they ended.
  const std::vector<EpisodeResult>& finished() const { return finished_; }
  std::uint64_t decisions() const { return decisions_; }

  // Starts every copy afresh at its episode `episode_index` (0-based, per copy), as if the
  // copies had just finished `episode_index` rounds of episodes: how a training resumed from a
  // checkpoint taken between two rounds continues with the episodes it would have had.
  // finished() starts empty again.
  void restart_at(std::uint64_t episode_index);

 private:
  struct Slot {
    Episode episode;
    traffic::SignalSurface* surface = nullptr;
    std::uint64_t episode_index = 0;  // of this copy
    double reward_sum = 0.0;
    std::vector<traffic::AgentMeasures> before, after;
    std::vector<double> own;  // each agent's own reward this step
  };
  void start(std::size_t c);
  // Copy c's state now into its rows of `features` and `masks` (the current or final buffers).
  void observe(std::size_t c, std::vector<float>& features, std::vector<std::uint8_t>& masks);

  const traffic::Network& net_;
  const traffic::Demand& base_;
  traffic::TrafficConfig traffic_;
  EnvOptions options_;
  std::uint64_t first_seed_;
  std::size_t first_copy_ = 0, all_copies_ = 0;
  int interval_steps_ = 0;
  int episode_decisions_ = 0;
  std::vector<Slot> slots_;
  std::vector<PhaseFeatures> slot_features_;  // one per copy (scratch of its own)
  std::vector<float> features_buf_, rewards_, final_features_;
  std::vector<std::uint8_t> masks_buf_, dones_, final_masks_;
  std::vector<EpisodeResult> finished_;
  std::vector<EpisodeResult> ended_;  // per copy, this step's ended episode (when done)
  std::uint64_t decisions_ = 0;
  tbb::task_arena arena_;
};

}  // namespace parktwin::ai
