#pragma once
// Hands a World's agent signals and its district's energy control to the trained policies its
// scenario names (`[controllers] signals = "policy:DIR"`, `energy = "policy:DIR"`). Two builds of
// one function: with the learners (libtorch) in the parktwin binary (policy_agents_learning.cpp),
// and without them for the test binaries that run the CLI in-process (policy_agents_plain.cpp),
// where a policy is a clear error.

#include "scenarios/run_file.h"
#include "sim/world.h"

namespace parktwin::cli {

// Does nothing when the run names no policy. Throws parktwin::Error naming the policy's files
// when it cannot be loaded or does not fit the World (another network, other timing).
void attach_policy_agent(const scenarios::RunMeta& meta, World& world);

}  // namespace parktwin::cli
