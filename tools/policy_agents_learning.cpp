// attach_policy_agent with the learners: loads the policy and lets it run the agent signals.

#include <memory>

#include "ai/learn/learned_policy.h"
#include "tools/policy_agents.h"

namespace parktwin::cli {

void attach_policy_agent(const scenarios::RunMeta& meta, World& world) {
  if (meta.controllers.policy_path.empty()) return;
  world.set_agent(std::make_shared<ai::LearnedSignalAgent>(
      ai::LearnedSignalPolicy::load(meta.controllers.policy_path), world));
}

}  // namespace parktwin::cli
