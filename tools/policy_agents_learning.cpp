// attach_policy_agent with the learners: loads the policies a run names (signals, energy) and
// lets them act on the World.

#include <memory>
#include <utility>
#include <vector>

#include "ai/learn/energy_agent.h"
#include "ai/learn/learned_policy.h"
#include "tools/policy_agents.h"

namespace parktwin::cli {

namespace {

// Several agents acting in turn before each step (the signal policy, then the energy policy):
// a World holds one.
class AgentsInTurn : public WorldAgent {
 public:
  explicit AgentsInTurn(std::vector<std::shared_ptr<WorldAgent>> agents)
      : agents_(std::move(agents)) {}
  void act(World& world) override {
    for (const auto& a : agents_) a->act(world);
  }

 private:
  std::vector<std::shared_ptr<WorldAgent>> agents_;
};

}  // namespace

void attach_policy_agent(const scenarios::RunMeta& meta, World& world) {
  std::vector<std::shared_ptr<WorldAgent>> agents;
  if (!meta.controllers.policy_path.empty()) {
    agents.push_back(std::make_shared<ai::LearnedSignalAgent>(
        ai::LearnedSignalPolicy::load(meta.controllers.policy_path), world));
  }
  if (!meta.controllers.energy_policy_path.empty()) {
    agents.push_back(std::make_shared<ai::LearnedEnergyAgent>(
        ai::LearnedEnergyPolicy::load(meta.controllers.energy_policy_path), world));
  }
  if (agents.size() == 1) world.set_agent(agents.front());
  if (agents.size() > 1) world.set_agent(std::make_shared<AgentsInTurn>(std::move(agents)));
}

}  // namespace parktwin::cli
