// Loading a trained signal policy and letting it run a World. See learned_policy.h.

#include "ai/learn/learned_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "ai/learn/mlp.h"
#include "engine/error.h"

namespace parktwin::ai {

namespace fs = std::filesystem;

std::shared_ptr<const LearnedSignalPolicy> LearnedSignalPolicy::load(const std::string& dir) {
  auto p = std::make_shared<LearnedSignalPolicy>();
  p->card_ = read_card(dir);
  p->dir_ = dir;
  const std::string weights = (fs::path(dir) / kWeightsFile).string();
  p->module_ = load_policy_weights(weights, [&](torch::jit::Module& m) {
    // The weights must score each phase slot of each agent: [1, A, P, F] -> [1, A, P].
    const auto A = static_cast<long>(p->card_.junctions.size());
    long P = 1;
    for (const int g : p->card_.greens) P = std::max(P, static_cast<long>(g));
    const auto x = torch::zeros({1, A, P, static_cast<long>(kPhaseFeatures)});
    const torch::Tensor y = m.forward({x}).toTensor();
    if (y.dim() != 3 || y.size(0) != 1 || y.size(1) != A || y.size(2) != P) {
      throw Error("policy weights do not match their card")
          .in_file(weights)
          .expected(fmt::format("one score per phase slot and agent (1x{}x{})", A, P))
          .found(fmt::format("an output of shape {}", fmt::join(y.sizes(), "x")));
    }
  });
  return p;
}

void LearnedSignalPolicy::act(std::span<const float> features, std::span<const std::uint8_t> masks,
                              std::size_t slots, std::span<std::int32_t> actions) const {
  const auto rows = static_cast<long>(actions.size());
  if (rows == 0) return;
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::from_blob(
      const_cast<float*>(features.data()),
      {1, rows, static_cast<long>(slots), static_cast<long>(kPhaseFeatures)}, torch::kFloat32);
  const torch::Tensor q = module_.forward({x}).toTensor().contiguous();
  const float* qs = q.data_ptr<float>();
  for (long r = 0; r < rows; ++r) {
    std::int32_t best = -1;
    for (std::size_t s = 0; s < slots; ++s) {
      const std::size_t i = static_cast<std::size_t>(r) * slots + s;
      if (masks[i] == 0) continue;
      if (best < 0 ||
          qs[i] > qs[static_cast<std::size_t>(r) * slots + static_cast<std::size_t>(best)]) {
        best = static_cast<std::int32_t>(s);
      }
    }
    actions[static_cast<std::size_t>(r)] = best;
  }
}

namespace {
const traffic::SignalSurface& surface_of(World& world, const std::string& dir) {
  const traffic::SignalSurface* s = world.signals().surface();
  if (s == nullptr) {
    throw Error("a learned policy needs signals on the control surface")
        .in_file((fs::path(dir) / kCardFile).string())
        .expected("[controllers] signals = \"policy:...\" (the World's signals as agents)");
  }
  return *s;
}
}  // namespace

LearnedSignalAgent::LearnedSignalAgent(std::shared_ptr<const LearnedSignalPolicy> policy,
                                       World& world)
    : policy_(std::move(policy)), features_(surface_of(world, policy_->dir())) {
  const traffic::SignalSurface& s = surface_of(world, policy_->dir());
  check_fits(policy_->card(), s, policy_->dir());
  const double n = policy_->card().decision_s / world.traffic().config().step_s;
  if (std::abs(n - std::round(n)) > 1e-9 || n < 1.0) {
    throw Error("the policy's decision interval is not a whole number of steps")
        .in_file((fs::path(policy_->dir()) / kCardFile).string())
        .field("control.decision_s")
        .expected(fmt::format("a multiple of the scenario's step ({} s)",
                              world.traffic().config().step_s))
        .found(fmt::format("{} s", policy_->card().decision_s));
  }
  interval_steps_ = std::lround(n);
  // Trained under one timing, the policy is run under the same: its choices assume it.
  const traffic::SurfaceParams& timing = s.params();
  if (timing.min_green_s != policy_->card().min_green_s ||
      timing.max_green_s != policy_->card().max_green_s) {
    throw Error("the scenario's signal timing differs from the policy's training")
        .in_file((fs::path(policy_->dir()) / kCardFile).string())
        .field("control.min_green_s / max_green_s")
        .expected(fmt::format("[controllers] min_green = {}, max_green = {} (as trained)",
                              policy_->card().min_green_s, policy_->card().max_green_s))
        .found(
            fmt::format("min_green = {}, max_green = {}", timing.min_green_s, timing.max_green_s));
  }
  feature_buf_.resize(s.agents() * s.action_slots() * kPhaseFeatures);
  mask_buf_.resize(s.agents() * s.action_slots());
  actions_.resize(s.agents());
}

void LearnedSignalAgent::act(World& world) {
  if (world.traffic().state().step % interval_steps_ != 0) return;
  traffic::SignalSurface* surface = world.signals().surface();
  if (surface == nullptr) return;  // checked at construction; the World keeps its surface
  traffic::SignalSurface& s = *surface;
  features_.compute(world.traffic(), s, feature_buf_, mask_buf_);
  policy_->act(feature_buf_, mask_buf_, s.action_slots(), actions_);
  for (std::size_t a = 0; a < actions_.size(); ++a) {
    if (actions_[a] >= 0) s.ctrl()[a] = actions_[a];
  }
}

}  // namespace parktwin::ai
