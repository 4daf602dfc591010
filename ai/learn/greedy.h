#pragma once
// What every signal learner needs beside its own update rule: the greedy choice of a scoring
// network (the best allowed phase per agent) and the validation that keeps the best policy of
// a training (greedy, on validation days apart from training and evaluation seeds).

#include <tbb/task_arena.h>

#include <cstdint>

#include "ai/learn/collective.h"
#include "ai/learn/q_nets.h"
#include "ai/signal_env.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::ai {

// Validation seeds: apart from evaluation seeds (1, 2, ...) and training seeds (kTrainingSeeds on).
inline constexpr std::uint64_t kValidationSeeds = 500'000;

// For `states` whole networks of `agents` agents (rows of phase features and masks, slots
// each): the allowed slot with the highest score, -1 where none is allowed.
void greedy_actions(SignalQNet& net, const float* features, const std::uint8_t* masks, long states,
                    long agents, long slots, std::int32_t* actions);

// Mean average travel time of the greedy policy over `runs` validation days (demand x1). In a
// distributed training every rank calls it: run i goes to rank i % size, and every rank gets
// the mean (summed in run order, as one process would).
double validation_att(SignalQNet& net, const traffic::Network& network,
                      const traffic::Demand& demand, const traffic::TrafficConfig& traffic,
                      const EnvOptions& env, int runs, tbb::task_arena& arena, Collective& ranks);

}  // namespace parktwin::ai
