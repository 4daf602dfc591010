#pragma once
// A trained signal policy loaded from its folder (policy.json + policy.pt, ai/policy_card.h),
// and the agent that lets it run a World's signals: every decision interval it computes the
// phase features of every agent and asks each for its best allowed green (greedy). It keeps no
// state of its own (decisions fall on whole multiples of the interval from t = 0), so runs
// with it checkpoint, resume and replay like any other.

#include <torch/script.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ai/phase_features.h"
#include "ai/policy_card.h"
#include "sim/world.h"

namespace parktwin::ai {

class LearnedSignalPolicy {
 public:
  // Reads DIR's card and TorchScript weights; throws parktwin::Error naming the file for a
  // missing or corrupt file, or weights that do not give one value per phase slot.
  static std::shared_ptr<const LearnedSignalPolicy> load(const std::string& dir);

  const PolicyCard& card() const { return card_; }
  const std::string& dir() const { return dir_; }
  // Greedy actions: for each of the network's agents (features agents x slots x
  // kPhaseFeatures, masks agents x slots, in agent order), the allowed slot with the highest score
  // (the lowest slot on a tie; -1 where no slot is allowed, which keeps the current green).
  void act(std::span<const float> features, std::span<const std::uint8_t> masks, std::size_t slots,
           std::span<std::int32_t> actions) const;

 private:
  PolicyCard card_;
  std::string dir_;
  mutable torch::jit::Module module_;  // forward() is not const in torch's API
};

class LearnedSignalAgent : public WorldAgent {
 public:
  // Checks that the policy fits `world`'s signal surface (its agent signals); throws
  // parktwin::Error naming the policy's card otherwise, or when the World has no agent
  // signals or a step that does not divide the decision interval.
  LearnedSignalAgent(std::shared_ptr<const LearnedSignalPolicy> policy, World& world);
  void act(World& world) override;

 private:
  std::shared_ptr<const LearnedSignalPolicy> policy_;
  PhaseFeatures features_;
  std::int64_t interval_steps_ = 1;
  std::vector<float> feature_buf_;
  std::vector<std::uint8_t> mask_buf_;
  std::vector<std::int32_t> actions_;
};

}  // namespace parktwin::ai
