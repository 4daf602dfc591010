// The binary's side of the learning plugin: loads it on first use. See learning_plugin.h.

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "engine/error.h"
#include "tools/learning_plugin.h"
#include "tools/policy_agents.h"

namespace parktwin::cli {

namespace {

namespace fs = std::filesystem;

std::string plugin_path() {
  if (const char* p = std::getenv("PARKTWIN_LEARNING_PLUGIN"); p != nullptr && *p != '\0') {
    return p;
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return (exe.parent_path() / "parktwin_learning.so").string();
}

const LearningPlugin& load() {
  const std::string path = plugin_path();
  // Never closed: the policies and commands it makes live as long as the process.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    throw Error("cannot load parktwin's learners")
        .in_file(path)
        .expected(
            "parktwin_learning.so of this build beside the parktwin binary (or "
            "PARKTWIN_LEARNING_PLUGIN naming it)")
        .found(why != nullptr ? why : "dlopen failed");
  }
  using Entry = const LearningPlugin* (*)();
  const auto entry = reinterpret_cast<Entry>(dlsym(handle, "parktwin_learning_plugin"));
  const LearningPlugin* plugin = entry != nullptr ? entry() : nullptr;
  if (plugin == nullptr || plugin->abi != kLearningPluginAbi) {
    throw Error("not parktwin's learning plugin, or one of another build")
        .in_file(path)
        .expected("parktwin_learning.so built with this parktwin");
  }
  return *plugin;
}

}  // namespace

const LearningPlugin& learning_plugin() {
  static const LearningPlugin& plugin = load();  // once; a failure is retried next time
  return plugin;
}

CommandRun configure_train_on_demand(CLI::App& sub) {
  return learning_plugin().configure_train(sub);
}

CommandRun configure_eval_on_demand(CLI::App& sub) { return learning_plugin().configure_eval(sub); }

// A run that names no trained policy needs no learners (and no libtorch).
void attach_policy_agent(const scenarios::RunMeta& meta, World& world) {
  if (meta.controllers.policy_path.empty() && meta.controllers.energy_policy_path.empty()) return;
  learning_plugin().attach_policy_agent(meta, world);
}

}  // namespace parktwin::cli
