// The learning plugin's entry point (built into parktwin_learning.so). See learning_plugin.h.

#include "tools/learning_plugin.h"

#include <malloc.h>

#include "tools/policy_agents.h"

namespace parktwin::cli {
CommandRun configure_eval(CLI::App& sub);
CommandRun configure_train(CLI::App& sub);
}  // namespace parktwin::cli

extern "C" const parktwin::cli::LearningPlugin* parktwin_learning_plugin() {
  using namespace parktwin::cli;
  // libtorch allocates and frees tensors of hundreds of kB at every minibatch; glibc serves
  // blocks that large from fresh mmaps returned at free, and the page faults were a fifth of a
  // PPO training's time (system time; 41.5 s -> 33.7 s for 64 episodes of hangzhou_4x4,
  // 2026-12-07). Blocks up to 32 MB (glibc's largest threshold) now come from the heap, and
  // freed memory stays for the next minibatch. Process-wide, as libtorch's thread count is;
  // set when the learners are first needed.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  static const LearningPlugin plugin{kLearningPluginAbi, &configure_train, &configure_eval,
                                     &attach_policy_agent};
  return &plugin;
}
