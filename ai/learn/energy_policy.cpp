// Trained energy policies: card, weights and acting. See energy_policy.h.

#include "ai/learn/energy_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "ai/learn/mlp.h"
#include "ai/policy_card.h"
#include "engine/error.h"
#include "engine/version.h"

namespace parktwin::ai {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::shared_ptr<const LearnedEnergyPolicy> LearnedEnergyPolicy::load(const std::string& dir) {
  auto p = std::make_shared<LearnedEnergyPolicy>();
  p->card_ = read_energy_card(dir);
  p->dir_ = dir;
  // The rules must parse: checked here so that configure() cannot fail later.
  EnergyEnvOptions check;
  p->configure(check);
  const std::string weights = (fs::path(dir) / kWeightsFile).string();
  p->module_ = load_policy_weights(weights, [&](torch::jit::Module& m) {
    const torch::Tensor y =
        m.forward({torch::zeros({2, static_cast<long>(kEnergyFeatures)})}).toTensor();
    if (y.dim() != 2 || y.size(0) != 2 || y.size(1) != static_cast<long>(kEnergyActions)) {
      throw Error("policy weights do not match their card")
          .in_file(weights)
          .expected(
              fmt::format("{} action means per building (Nx{})", kEnergyActions, kEnergyActions))
          .found(fmt::format("an output of shape {}", fmt::join(y.sizes(), "x")));
    }
  });
  return p;
}

void LearnedEnergyPolicy::configure(EnergyEnvOptions& options) const {
  const std::string p = (fs::path(dir_) / kCardFile).string();
  parse_energy_control(card_.control, options.control);  // checked when read
  if (!parse_energy_rules(card_.rules, options.rules)) {
    throw Error("unknown rules in the energy policy card")
        .in_file(p)
        .field("control.rules")
        .expected("BATTERY+CHARGING+HVAC, e.g. time_of_use+immediate+schedule")
        .found(card_.rules);
  }
  options.decision_s = card_.decision_s;
}

void LearnedEnergyPolicy::check(const EnergyScenario& scenario, const std::string& label) const {
  check_district(scenario.world().buildings()->stock().id, label);
}

void LearnedEnergyPolicy::check_district(const std::vector<std::string>& here,
                                         const std::string& label) const {
  const std::string p = (fs::path(dir_) / kCardFile).string();
  if (here.size() != card_.buildings.size()) {
    throw Error(fmt::format("energy policy {} trained for another district", label))
        .in_file(p)
        .field("district.buildings")
        .expected(fmt::format("{} buildings (this scenario's)", here.size()))
        .found(std::to_string(card_.buildings.size()));
  }
  for (std::size_t b = 0; b < here.size(); ++b) {
    if (here[b] != card_.buildings[b]) {
      throw Error(fmt::format("energy policy {} trained for another district", label))
          .in_file(p)
          .field(fmt::format("district.buildings[{}]", b))
          .expected(fmt::format("'{}' (this scenario's building {})", here[b], b))
          .found(fmt::format("'{}'", card_.buildings[b]));
    }
  }
}

void LearnedEnergyPolicy::act(std::span<const float> obs, std::span<const std::uint8_t> mask,
                              std::span<float> actions) const {
  const auto rows = static_cast<long>(actions.size() / kEnergyActions);
  if (rows == 0) return;
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::from_blob(
      const_cast<float*>(obs.data()), {rows, static_cast<long>(kEnergyFeatures)}, torch::kFloat32);
  const torch::Tensor y = module_.forward({x}).toTensor().contiguous();
  const float* m = y.data_ptr<float>();
  for (std::size_t i = 0; i < actions.size(); ++i) {
    actions[i] = mask[i] ? std::clamp(m[i], -1.0f, 1.0f) : 0.0f;
  }
}

}  // namespace parktwin::ai
