// attach_policy_agent without the learners: a scenario that names a policy is refused.

#include "engine/error.h"
#include "tools/policy_agents.h"

namespace parktwin::cli {

void attach_policy_agent(const scenarios::RunMeta& meta, World&) {
  for (const std::string& path :
       {meta.controllers.policy_path, meta.controllers.energy_policy_path}) {
    if (path.empty()) continue;
    throw Error("this build of parktwin has no learners (configured without libtorch)")
        .in_file(path)
        .expected("a parktwin built with PARKTWIN_WITH_TORCH=ON to run a trained policy");
  }
}

}  // namespace parktwin::cli
