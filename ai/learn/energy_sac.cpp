// Soft Actor-Critic for the district's energy. See energy_sac.h.

#include "ai/learn/energy_sac.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>

#include "ai/learn/energy_policy.h"
#include "ai/learn/energy_validation.h"
#include "ai/learn/mlp.h"
#include "ai/learn/training_log.h"
#include "ai/policy_card.h"
#include "ai/signal_env.h"
#include "engine/error.h"
#include "engine/rng.h"

namespace parktwin::ai {

namespace {

enum class EnergySacStream : std::uint32_t {
  noise = 701,       // the actions taken in the environment
  sample = 702,      // minibatch rows
  target = 703,      // the next actions of the critic's target
  reparam = 704,     // the actor update's actions
  validation = 705,  // validation windows
};

constexpr long kF = static_cast<long>(kEnergyFeatures);
constexpr long kA = static_cast<long>(kEnergyActions);
constexpr double kLog2Pi = 1.8378770664093453;
constexpr double kLogStdMin = -5.0, kLogStdMax = 2.0;  // CleanRL's bounds

// The actor: one MLP to the means and raw log standard deviations of the actions.
struct ActorImpl : torch::nn::Module {
  explicit ActorImpl(const std::vector<int>& hidden) {
    std::vector<int> w = hidden;
    w.push_back(static_cast<int>(2 * kA));
    net.build(*this, "actor", static_cast<int>(kF), w, Activation::relu);
    // Small last layer: the first actions stay near 0 (the rules) with a moderate spread.
    torch::NoGradGuard g;
    net.layers.back()->weight.mul_(0.01);
    net.layers.back()->bias.zero_();
  }
  // Means and log standard deviations, each [N, A].
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x) {
    const torch::Tensor h = net.forward(x, true);
    const torch::Tensor mean = h.slice(1, 0, kA);
    const torch::Tensor raw = h.slice(1, kA, 2 * kA);
    const torch::Tensor log_std =
        kLogStdMin + 0.5 * (kLogStdMax - kLogStdMin) * (torch::tanh(raw) + 1.0);
    return {mean, log_std};
  }
  // Squashed actions for the noise `eps` [N, A], masked, and their log-probability [N] over
  // the actions that act (the tanh's change of variables included).
  std::pair<torch::Tensor, torch::Tensor> sample(const torch::Tensor& x, const torch::Tensor& eps,
                                                 const torch::Tensor& mask) {
    const auto [mean, log_std] = forward(x);
    const torch::Tensor y = torch::tanh(mean + log_std.exp() * eps);
    const torch::Tensor lp =
        (-0.5 * eps.pow(2) - log_std - 0.5 * kLog2Pi - torch::log(1.0 - y.pow(2) + 1e-6)) * mask;
    return {y * mask, lp.sum(-1)};
  }
  void save(const std::string& path) const {
    torch::jit::Module m(c10::QualifiedName("__torch__.parktwin.EnergySacActor"));
    net.export_to(m, "actor");
    save_module(m,
                "def forward(self, x):\n" + net.script("actor", "x", "h", true) +
                    fmt::format("    return torch.tanh(h[:, 0:{}])\n", kA),
                path);
  }
  Mlp net;
};
TORCH_MODULE(Actor);

// A Q network on a building's observations and actions.
struct QNetImpl : torch::nn::Module {
  explicit QNetImpl(const std::vector<int>& hidden) {
    std::vector<int> w = hidden;
    w.push_back(1);
    net.build(*this, "q", static_cast<int>(kF + kA), w, Activation::relu);
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& a) {
    return net.forward(torch::cat({x, a}, 1), true).squeeze(-1);
  }
  Mlp net;
};
TORCH_MODULE(QNet);

void copy_into(torch::nn::Module& to, const torch::nn::Module& from) {
  torch::NoGradGuard g;
  const auto src = from.parameters();
  auto dst = to.parameters();
  for (std::size_t i = 0; i < dst.size(); ++i) dst[i].copy_(src[i]);
}

void polyak(torch::nn::Module& target, const torch::nn::Module& online, double tau) {
  torch::NoGradGuard g;
  const auto src = online.parameters();
  auto dst = target.parameters();
  for (std::size_t i = 0; i < dst.size(); ++i) dst[i].mul_(1.0 - tau).add_(src[i], tau);
}

// Standard normal draws for `rows` x kA entries of `stream` at `counter`, as a tensor.
torch::Tensor normals(std::uint64_t seed, EnergySacStream stream, std::uint64_t counter, long rows,
                      std::vector<float>& scratch) {
  scratch.resize(static_cast<std::size_t>(rows * kA));
  for (std::size_t j = 0; j < scratch.size(); ++j) {
    scratch[j] =
        static_cast<float>(rng::normal(seed, stream, static_cast<std::uint32_t>(j), counter));
  }
  return torch::from_blob(scratch.data(), {rows, kA}).clone();
}

// One building's transitions, kept in a ring.
struct Replay {
  std::size_t capacity = 0, size = 0, next = 0;
  std::vector<float> obs, act, next_obs, reward, mask;
  explicit Replay(std::size_t cap)
      : capacity(cap),
        obs(cap * kEnergyFeatures),
        act(cap * kEnergyActions),
        next_obs(cap * kEnergyFeatures),
        reward(cap),
        mask(cap * kEnergyActions) {}
  void add(const float* o, const float* a, float r, const float* o2, const float* m) {
    std::copy_n(o, kEnergyFeatures, obs.begin() + static_cast<long>(next * kEnergyFeatures));
    std::copy_n(a, kEnergyActions, act.begin() + static_cast<long>(next * kEnergyActions));
    std::copy_n(o2, kEnergyFeatures, next_obs.begin() + static_cast<long>(next * kEnergyFeatures));
    std::copy_n(m, kEnergyActions, mask.begin() + static_cast<long>(next * kEnergyActions));
    reward[next] = r;
    next = (next + 1) % capacity;
    size = std::min(size + 1, capacity);
  }
};

}  // namespace

nlohmann::json settings_json(const EnergySacConfig& c) {
  return {{"episodes", c.episodes},
          {"envs", c.envs},
          {"seed", c.seed},
          {"hidden", c.hidden},
          {"gamma", c.gamma},
          {"tau", c.tau},
          {"actor_lr", c.actor_lr},
          {"critic_lr", c.critic_lr},
          {"batch", c.batch},
          {"buffer", c.buffer},
          {"learning_starts", c.learning_starts},
          {"updates_per_decision", c.updates_per_decision},
          {"policy_every", c.policy_every},
          {"initial_alpha", c.initial_alpha},
          {"validate_every", c.validate_every},
          {"validation_runs", c.validation_runs},
          {"env", energy_env_json(c.env)}};
}

EnergyTrainResult train_energy_sac(const EnergyScenario& scenario, const EnergySacConfig& c,
                                   const std::string& out_dir, const nlohmann::json& card_training,
                                   const std::function<void(const EnergyTrainPoint&)>& progress) {
  check_setting(c.episodes >= 1, "episodes", ">= 1", c.episodes);
  check_setting(c.envs >= 1 && c.envs <= 256, "envs", "1..256", c.envs);
  check_setting(c.gamma > 0.0 && c.gamma < 1.0, "gamma", "in (0, 1)", c.gamma);
  check_setting(c.tau > 0.0 && c.tau <= 1.0, "tau", "in (0, 1]", c.tau);
  check_setting(c.actor_lr > 0.0 && c.critic_lr > 0.0, "learning_rate", "> 0", c.actor_lr);
  check_setting(c.batch >= 1 && c.batch <= 65536, "batch", "1..65536", c.batch);
  check_setting(c.buffer >= c.batch && c.buffer <= 10'000'000, "buffer", ">= batch, <= 1e7",
                c.buffer);
  check_setting(c.learning_starts >= 1, "learning_starts", ">= 1", c.learning_starts);
  check_setting(c.updates_per_decision >= 1 && c.policy_every >= 1, "updates_per_decision", ">= 1",
                c.updates_per_decision);
  check_setting(c.initial_alpha > 0.0, "initial_alpha", "> 0", c.initial_alpha);
  check_setting(c.validate_every >= 1 && c.validation_runs >= 1, "validate_every", ">= 1",
                c.validate_every);
  check_setting(c.env.control.any(), "control", "hvac, battery, charging or energy", 0);
  for (const int h : c.hidden) check_setting(h >= 1 && h <= 4096, "hidden", "1..4096", h);

  const auto t_start = std::chrono::steady_clock::now();
  const auto since = [](auto t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  torch::set_num_threads(1);
  torch::manual_seed(c.seed);
  EnergyVecEnv env(scenario, c.env, c.envs, c.threads, kTrainingSeeds + c.seed * 100'000);
  const std::size_t K = env.copies(), B = env.agents(), N = K * B;
  const auto lN = static_cast<long>(N);

  Actor actor(c.hidden);
  QNet q1(c.hidden), q2(c.hidden), q1_target(c.hidden), q2_target(c.hidden);
  copy_into(*q1_target, *q1);
  copy_into(*q2_target, *q2);
  torch::optim::Adam actor_opt(actor->parameters(), torch::optim::AdamOptions(c.actor_lr));
  std::vector<torch::Tensor> q_params = q1->parameters();
  for (const auto& p : q2->parameters()) q_params.push_back(p);
  torch::optim::Adam critic_opt(q_params, torch::optim::AdamOptions(c.critic_lr));
  torch::Tensor log_alpha = torch::full({1}, std::log(c.initial_alpha)).set_requires_grad(true);
  torch::optim::Adam alpha_opt(std::vector<torch::Tensor>{log_alpha},
                               torch::optim::AdamOptions(c.actor_lr));

  // The mask of one copy, repeated for every copy: [N, A]; buildings with nothing to drive
  // learn nothing and are left out of the buffer.
  std::vector<float> mask_f = mask_of_every_copy(env);  // torch::from_blob takes no const
  const torch::Tensor mask_t = torch::from_blob(mask_f.data(), {lN, kA}).clone();
  std::vector<bool> acts(B, false);
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t a = 0; a < kEnergyActions; ++a) {
      acts[b] = acts[b] || env.action_mask()[b * kEnergyActions + a] != 0;
    }
  }
  Replay replay(static_cast<std::size_t>(c.buffer));

  const std::uint64_t per_episode = static_cast<std::uint64_t>(env.decisions_per_episode());
  const std::uint64_t episodes_per_copy = (static_cast<std::uint64_t>(c.episodes) + K - 1) / K;
  const std::uint64_t total = episodes_per_copy * per_episode;

  const EnergyValidation validation(scenario, c.env, c.seed,
                                    static_cast<std::uint32_t>(EnergySacStream::validation),
                                    c.validation_runs, c.threads);
  EnergyPolicyCard card = energy_card_for(scenario, c.env);
  card.agent = "sac";
  card.hidden = c.hidden;
  EnergyTrainResult result;
  result.best_validation_reward = -std::numeric_limits<double>::infinity();
  std::size_t finished_seen = 0;
  int next_validation = c.validate_every;

  const EnergyPolicyFn greedy = [&](std::span<const float> o, std::span<const std::uint8_t> m,
                                    std::span<float> out) {
    torch::NoGradGuard g;
    const auto rows = static_cast<long>(out.size() / kEnergyActions);
    const auto mean =
        torch::tanh(
            actor->forward(torch::from_blob(const_cast<float*>(o.data()), {rows, kF})).first)
            .contiguous();
    const float* ms = mean.data_ptr<float>();
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = m[i] ? ms[i] : 0.f;
  };
  const auto validate = [&](int episode) {
    const auto t0 = std::chrono::steady_clock::now();
    EnergyTrainPoint p;
    p.episode = episode;
    training_stats_since(env, finished_seen, p);
    validation.run(c.env, greedy, p);
    result.validate_s += since(t0);
    p.wall_s = since(t_start);
    validation.keep_if_best(p, result, card, card_training, settings_json(c), out_dir,
                            [&](const std::string& path) { actor->save(path); });
    result.curve.push_back(p);
    if (progress) progress(p);
  };
  validation.run_rules(c.env, result);
  if (progress) progress(result.rules);

  std::vector<float> obs(N * kEnergyFeatures), act(N * kEnergyActions), scratch;
  std::vector<std::int64_t> rows(static_cast<std::size_t>(c.batch));
  std::vector<double> warmup_rewards;
  double reward_scale = 0.0;  // fixed at learning_starts
  std::uint64_t update = 0;
  for (std::uint64_t t = 0; t < total; ++t) {
    // --- act: the actor's squashed Gaussian, with counter-based noise
    const auto o = env.observations();
    std::copy(o.begin(), o.end(), obs.begin());
    {
      torch::NoGradGuard g;
      const auto [y, lp] =
          actor->sample(torch::from_blob(obs.data(), {lN, kF}),
                        normals(c.seed, EnergySacStream::noise, t, lN, scratch), mask_t);
      const auto yc = y.contiguous();
      std::copy_n(yc.data_ptr<float>(), act.size(), act.begin());
    }
    const auto lap = std::chrono::steady_clock::now();
    env.step(act);
    result.env_s += since(lap);
    ++result.decisions;
    // --- store every acting building's transition; a cut episode's next state is the one it
    // was cut in (bootstrapped, not terminal)
    const auto next = env.observations();
    const auto final_obs = env.final_observations();
    for (std::size_t i = 0; i < N; ++i) {
      if (!acts[i % B]) continue;
      const float* o2 = (env.dones()[i / B] ? final_obs.data() : next.data()) + i * kEnergyFeatures;
      replay.add(obs.data() + i * kEnergyFeatures, act.data() + i * kEnergyActions,
                 env.rewards()[i], o2, mask_f.data() + i * kEnergyActions);
      if (reward_scale == 0.0) warmup_rewards.push_back(static_cast<double>(env.rewards()[i]));
    }
    if (t + 1 == static_cast<std::uint64_t>(c.learning_starts) ||
        (t + 1 == total && reward_scale == 0.0)) {
      double m = 0.0, s = 0.0;
      for (const double r : warmup_rewards) m += r;
      m /= static_cast<double>(std::max<std::size_t>(1, warmup_rewards.size()));
      for (const double r : warmup_rewards) s += (r - m) * (r - m);
      const double sd =
          std::sqrt(s / static_cast<double>(std::max<std::size_t>(1, warmup_rewards.size())));
      reward_scale = sd > 0.0 ? 1.0 / sd : 1.0;
      warmup_rewards.clear();
    }
    // --- learn
    const auto learn_start = std::chrono::steady_clock::now();
    if (reward_scale > 0.0 && replay.size >= static_cast<std::size_t>(c.batch)) {
      for (int k = 0; k < c.updates_per_decision; ++k, ++update) {
        for (std::size_t r = 0; r < rows.size(); ++r) {
          rows[r] = static_cast<std::int64_t>(rng::uniform_int(
              c.seed, EnergySacStream::sample, static_cast<std::uint32_t>(r), update, replay.size));
        }
        const long n = c.batch;
        const auto idx = torch::from_blob(rows.data(), {n}, torch::kInt64);
        const long cap = static_cast<long>(replay.capacity);
        const auto x = torch::from_blob(replay.obs.data(), {cap, kF}).index_select(0, idx);
        const auto a = torch::from_blob(replay.act.data(), {cap, kA}).index_select(0, idx);
        const auto x2 = torch::from_blob(replay.next_obs.data(), {cap, kF}).index_select(0, idx);
        const auto m = torch::from_blob(replay.mask.data(), {cap, kA}).index_select(0, idx);
        const auto r =
            torch::from_blob(replay.reward.data(), {cap}).index_select(0, idx) * reward_scale;
        const auto alpha = log_alpha.exp().detach();
        torch::Tensor target;
        {
          torch::NoGradGuard g;
          const auto [y2, lp2] =
              actor->sample(x2, normals(c.seed, EnergySacStream::target, update, n, scratch), m);
          const auto q_next =
              torch::min(q1_target->forward(x2, y2), q2_target->forward(x2, y2)) - alpha * lp2;
          target = r + c.gamma * q_next;
        }
        const auto q_loss =
            torch::mse_loss(q1->forward(x, a), target) + torch::mse_loss(q2->forward(x, a), target);
        critic_opt.zero_grad();
        q_loss.backward();
        critic_opt.step();
        ++result.updates;
        if (update % static_cast<std::uint64_t>(c.policy_every) == 0) {
          const auto [y, lp] =
              actor->sample(x, normals(c.seed, EnergySacStream::reparam, update, n, scratch), m);
          const auto q = torch::min(q1->forward(x, y), q2->forward(x, y));
          const auto actor_loss = (alpha * lp - q).mean();
          actor_opt.zero_grad();
          actor_loss.backward();
          actor_opt.step();
          // The temperature toward an entropy of -(actions that act) per row.
          const auto target_entropy = -m.sum(-1);
          const auto alpha_loss = -(log_alpha.exp() * (lp.detach() + target_entropy)).mean();
          alpha_opt.zero_grad();
          alpha_loss.backward();
          alpha_opt.step();
        }
        polyak(*q1_target, *q1, c.tau);
        polyak(*q2_target, *q2, c.tau);
      }
    }
    result.learn_s += since(learn_start);
    const int episodes_done = static_cast<int>(env.finished().size());
    if (episodes_done >= next_validation) {
      validate(episodes_done);
      next_validation += c.validate_every;
    }
  }
  if (result.curve.empty() ||
      result.curve.back().episode != static_cast<int>(env.finished().size())) {
    validate(static_cast<int>(env.finished().size()));
  }
  result.wall_s = since(t_start);
  return result;
}

}  // namespace parktwin::ai
