// attach_policy_agent without the learners: a scenario that names a policy is refused.

#include "engine/error.h"
#include "tools/policy_agents.h"

namespace parktwin::cli {

void attach_policy_agent(const scenarios::RunMeta& meta, World&) {
  if (meta.controllers.policy_path.empty()) return;
  throw Error("this build of parktwin has no learners (configured without libtorch)")
      .in_file(meta.controllers.policy_path)
      .expected("a parktwin built with PARKTWIN_WITH_TORCH=ON to run a trained policy");
}

}  // namespace parktwin::cli
