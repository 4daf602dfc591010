// PPO with a Gaussian policy for the district's energy. See energy_ppo.h.

#include "ai/learn/energy_ppo.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>

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

enum class EnergyPpoStream : std::uint32_t { noise = 601, shuffle = 602, validation = 603 };

constexpr long kF = static_cast<long>(kEnergyFeatures);
constexpr long kA = static_cast<long>(kEnergyActions);
constexpr double kLog2Pi = 1.8378770664093453;

// The actor's means and the critic, both MLPs on one building's observations.
struct ActorCriticImpl : torch::nn::Module {
  explicit ActorCriticImpl(const std::vector<int>& hidden, double initial_log_std) {
    std::vector<int> a = hidden, v = hidden;
    a.push_back(static_cast<int>(kA));
    v.push_back(1);
    actor.build(*this, "actor", static_cast<int>(kF), a, Activation::tanh);
    critic.build(*this, "critic", static_cast<int>(kF), v, Activation::tanh);
    log_std = register_parameter("log_std", torch::full({kA}, initial_log_std));
    // CleanRL's small last layer of the actor: the first actions stay near the mean of 0.
    torch::NoGradGuard g;
    actor.layers.back()->weight.mul_(0.01);
    actor.layers.back()->bias.zero_();
  }
  torch::Tensor mean(const torch::Tensor& x) { return actor.forward(x, true); }
  torch::Tensor value(const torch::Tensor& x) { return critic.forward(x, true).squeeze(-1); }
  void save_actor(const std::string& path) const {
    torch::jit::Module m(c10::QualifiedName("__torch__.parktwin.EnergyActor"));
    actor.export_to(m, "actor");
    save_module(
        m, "def forward(self, x):\n" + actor.script("actor", "x", "h", true) + "    return h\n",
        path);
  }
  Mlp actor, critic;
  torch::Tensor log_std;
};
TORCH_MODULE(ActorCritic);

// Gymnasium's RunningMeanStd (parallel variance, Chan et al. 1979), for the return's scale.
struct RunningVariance {
  double mean = 0.0, var = 1.0, count = 1e-4;
  void update(const std::vector<double>& x) {
    if (x.empty()) return;
    double m = 0.0;
    for (const double v : x) m += v;
    m /= static_cast<double>(x.size());
    double s = 0.0;
    for (const double v : x) s += (v - m) * (v - m);
    const double n = static_cast<double>(x.size()), bvar = s / n;
    const double delta = m - mean, total = count + n;
    mean += delta * n / total;
    var = (var * count + bvar * n + delta * delta * count * n / total) / total;
    count = total;
  }
};

}  // namespace

nlohmann::json settings_json(const EnergyPpoConfig& c) {
  return {{"episodes", c.episodes},
          {"envs", c.envs},
          {"seed", c.seed},
          {"hidden", c.hidden},
          {"rollout", c.rollout},
          {"gamma", c.gamma},
          {"gae_lambda", c.gae_lambda},
          {"learning_rate", c.learning_rate},
          {"epochs", c.epochs},
          {"minibatches", c.minibatches},
          {"clip", c.clip},
          {"entropy", c.entropy},
          {"value_coef", c.value_coef},
          {"grad_clip", c.grad_clip},
          {"initial_log_std", c.initial_log_std},
          {"validate_every", c.validate_every},
          {"validation_runs", c.validation_runs},
          {"env", energy_env_json(c.env)}};
}

EnergyTrainResult train_energy_ppo(const EnergyScenario& scenario, const EnergyPpoConfig& c,
                                   const std::string& out_dir, const nlohmann::json& card_training,
                                   const std::function<void(const EnergyTrainPoint&)>& progress) {
  check_setting(c.episodes >= 1, "episodes", ">= 1", c.episodes);
  check_setting(c.envs >= 1 && c.envs <= 256, "envs", "1..256", c.envs);
  check_setting(c.rollout >= 1, "rollout", ">= 1", c.rollout);
  check_setting(c.gamma > 0.0 && c.gamma < 1.0, "gamma", "in (0, 1)", c.gamma);
  check_setting(c.gae_lambda >= 0.0 && c.gae_lambda <= 1.0, "gae_lambda", "in [0, 1]",
                c.gae_lambda);
  check_setting(c.learning_rate > 0.0, "learning_rate", "> 0", c.learning_rate);
  check_setting(c.epochs >= 1 && c.minibatches >= 1, "epochs", ">= 1", c.epochs);
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
  const auto T = static_cast<std::size_t>(c.rollout);
  const auto lN = static_cast<long>(N);

  ActorCritic net(c.hidden, c.initial_log_std);
  torch::optim::Adam optimiser(net->parameters(),
                               torch::optim::AdamOptions(c.learning_rate).eps(1e-5));

  std::vector<float> obs(T * N * kEnergyFeatures), actions(T * N * kEnergyActions);
  std::vector<float> logp(T * N), values(T * N), rewards(T * N), advantages(T * N), returns(T * N);
  std::vector<std::uint8_t> dones(T * K);
  std::vector<float> act(N * kEnergyActions);
  // The action mask of one copy, repeated for every copy: [N, A].
  std::vector<float> mask_f = mask_of_every_copy(env);  // torch::from_blob takes no const
  const torch::Tensor mask_t = torch::from_blob(mask_f.data(), {lN, kA}).clone();
  // One scale for every building: the objective is the district's sum, in which a large
  // office's cost counts a hundred times a shop's (scaling each building by its own returns
  // would weigh a shop's savings like an office's discomfort).
  std::vector<double> discounted(N, 0.0);
  RunningVariance return_var;

  const std::uint64_t per_episode = static_cast<std::uint64_t>(env.decisions_per_episode());
  const std::uint64_t episodes_per_copy = (static_cast<std::uint64_t>(c.episodes) + K - 1) / K;
  const std::uint64_t total = episodes_per_copy * per_episode;
  const std::uint64_t updates_total = (total + T - 1) / T;

  // Validation: windows drawn once from the training days, the actor's means.
  const EnergyValidation validation(scenario, c.env, c.seed,
                                    static_cast<std::uint32_t>(EnergyPpoStream::validation),
                                    c.validation_runs, c.threads);
  EnergyPolicyCard card = energy_card_for(scenario, c.env);
  card.hidden = c.hidden;
  EnergyTrainResult result;
  result.best_validation_reward = -std::numeric_limits<double>::infinity();
  std::size_t finished_seen = 0;
  int next_validation = c.validate_every;

  const auto validate = [&](int episode) {
    const auto t0 = std::chrono::steady_clock::now();
    EnergyTrainPoint p;
    p.episode = episode;
    training_stats_since(env, finished_seen, p);
    const EnergyPolicyFn greedy = [&](std::span<const float> o, std::span<const std::uint8_t> m,
                                      std::span<float> out) {
      torch::NoGradGuard g;
      const auto rows = static_cast<long>(out.size() / kEnergyActions);
      const auto mean =
          net->mean(torch::from_blob(const_cast<float*>(o.data()), {rows, kF})).contiguous();
      const float* ms = mean.data_ptr<float>();
      for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = m[i] ? std::clamp(ms[i], -1.f, 1.f) : 0.f;
    };
    validation.run(c.env, greedy, p);
    result.validate_s += since(t0);
    p.wall_s = since(t_start);
    validation.keep_if_best(p, result, card, card_training, settings_json(c), out_dir,
                            [&](const std::string& path) { net->save_actor(path); });
    result.curve.push_back(p);
    if (progress) progress(p);
  };

  validation.run_rules(c.env, result);
  if (progress) progress(result.rules);
  std::uint64_t t = 0;
  for (std::uint64_t u = 0; u < updates_total; ++u) {
    const double frac = 1.0 - static_cast<double>(u) / static_cast<double>(updates_total);
    for (auto& g : optimiser.param_groups()) {
      static_cast<torch::optim::AdamOptions&>(g.options()).lr(c.learning_rate * frac);
    }
    // --- rollout
    std::size_t steps = 0;
    for (; steps < T && t < total; ++steps, ++t) {
      const auto o = env.observations();
      std::copy(o.begin(), o.end(), obs.begin() + static_cast<long>(steps * N * kEnergyFeatures));
      {
        torch::NoGradGuard g;
        const auto x = torch::from_blob(const_cast<float*>(o.data()), {lN, kF});
        const auto mean = net->mean(x).contiguous();
        const auto v = net->value(x).contiguous();
        const auto std_t = net->log_std.exp().contiguous();
        const float* ms = mean.data_ptr<float>();
        const float* ss = std_t.data_ptr<float>();
        const float* ls = net->log_std.data_ptr<float>();
        for (std::size_t i = 0; i < N; ++i) {
          double lp = 0.0;
          for (std::size_t a = 0; a < kEnergyActions; ++a) {
            const std::size_t j = i * kEnergyActions + a;
            const double z =
                rng::normal(c.seed, EnergyPpoStream::noise, static_cast<std::uint32_t>(j), t);
            const float x_a = ms[j] + ss[a] * static_cast<float>(z);
            act[j] = x_a;
            actions[steps * N * kEnergyActions + j] = x_a;
            if (mask_f[j] != 0.0f) lp += -0.5 * z * z - static_cast<double>(ls[a]) - 0.5 * kLog2Pi;
          }
          logp[steps * N + i] = static_cast<float>(lp);
          values[steps * N + i] = v.data_ptr<float>()[i];
        }
      }
      const auto lap = std::chrono::steady_clock::now();
      env.step(act);
      result.env_s += since(lap);
      ++result.decisions;
      // Rewards scaled by the running deviation of the discounted return, clipped.
      std::copy(env.dones().begin(), env.dones().end(),
                dones.begin() + static_cast<long>(steps * K));
      for (std::size_t i = 0; i < N; ++i) {
        discounted[i] = discounted[i] * c.gamma + static_cast<double>(env.rewards()[i]);
      }
      return_var.update(discounted);
      const double scale = 1.0 / std::sqrt(return_var.var + 1e-8);
      for (std::size_t i = 0; i < N; ++i) {
        rewards[steps * N + i] = static_cast<float>(
            std::clamp(static_cast<double>(env.rewards()[i]) * scale, -10.0, 10.0));
        if (env.dones()[i / B]) discounted[i] = 0.0;
      }
      // Cut by the time limit: the value of the state it was cut in joins the last reward.
      if (std::any_of(env.dones().begin(), env.dones().end(), [](auto d) { return d != 0; })) {
        torch::NoGradGuard g;
        const auto v =
            net->value(
                   torch::from_blob(const_cast<float*>(env.final_observations().data()), {lN, kF}))
                .contiguous();
        for (std::size_t i = 0; i < N; ++i) {
          if (env.dones()[i / B]) {
            rewards[steps * N + i] += static_cast<float>(c.gamma) * v.data_ptr<float>()[i];
          }
        }
      }
      const int episodes_done = static_cast<int>(env.finished().size());
      if (episodes_done >= next_validation) {
        validate(episodes_done);
        next_validation += c.validate_every;
      }
    }
    const auto learn_start = std::chrono::steady_clock::now();
    // --- GAE from the value of the state the rollout ended in
    std::vector<float> next_value(N);
    {
      torch::NoGradGuard g;
      const auto v =
          net->value(torch::from_blob(const_cast<float*>(env.observations().data()), {lN, kF}))
              .contiguous();
      std::copy_n(v.data_ptr<float>(), N, next_value.begin());
    }
    std::vector<float> gae(N, 0.0f);
    const auto g32 = static_cast<float>(c.gamma), gl32 = static_cast<float>(c.gamma * c.gae_lambda);
    for (std::size_t s = steps; s-- > 0;) {
      for (std::size_t i = 0; i < N; ++i) {
        const std::size_t j = s * N + i;
        const float nonterminal = dones[s * K + i / B] != 0 ? 0.0f : 1.0f;
        const float v_next = s + 1 == steps ? next_value[i] : values[j + N];
        const float delta = rewards[j] + g32 * v_next * nonterminal - values[j];
        gae[i] = delta + gl32 * nonterminal * gae[i];
        advantages[j] = gae[i];
        returns[j] = gae[i] + values[j];
      }
    }
    // --- epochs of minibatches over the rollout's (decision, building) rows
    const long S = static_cast<long>(steps * N);
    const auto all_obs = torch::from_blob(obs.data(), {S, kF});
    const auto all_act = torch::from_blob(actions.data(), {S, kA});
    const auto all_logp = torch::from_blob(logp.data(), {S});
    const auto all_adv = torch::from_blob(advantages.data(), {S});
    const auto all_ret = torch::from_blob(returns.data(), {S});
    const auto all_mask = mask_t.repeat({static_cast<long>(steps), 1});
    std::vector<std::int64_t> order(static_cast<std::size_t>(S));
    const long mb = std::max<long>(1, S / c.minibatches);
    for (int e = 0; e < c.epochs; ++e) {
      std::iota(order.begin(), order.end(), 0);
      for (std::size_t i = order.size(); i > 1; --i) {
        const auto j = static_cast<std::size_t>(
            rng::uniform_int(c.seed, EnergyPpoStream::shuffle, static_cast<std::uint32_t>(i),
                             u * 1000 + static_cast<std::uint64_t>(e), i));
        std::swap(order[i - 1], order[j]);
      }
      for (long b = 0; b + mb <= S; b += mb) {
        const auto idx = torch::from_blob(order.data() + b, {mb}, torch::kInt64);
        const auto x = all_obs.index_select(0, idx);
        const auto a = all_act.index_select(0, idx);
        const auto m = all_mask.index_select(0, idx);
        const auto mean = net->mean(x);
        const auto z = (a - mean) / net->log_std.exp();
        const auto new_lp = ((-0.5 * z.pow(2) - net->log_std - 0.5 * kLog2Pi) * m).sum(-1);
        const auto entropy = ((0.5 + 0.5 * kLog2Pi + net->log_std) * m).sum(-1).mean();
        auto adv = all_adv.index_select(0, idx);
        adv = (adv - adv.mean()) / (adv.std() + 1e-8);
        const auto ratio = (new_lp - all_logp.index_select(0, idx)).exp();
        const auto pg =
            torch::max(-adv * ratio, -adv * ratio.clamp(1.0 - c.clip, 1.0 + c.clip)).mean();
        const auto v_loss = 0.5 * (net->value(x) - all_ret.index_select(0, idx)).pow(2).mean();
        const auto loss = pg - c.entropy * entropy + c.value_coef * v_loss;
        optimiser.zero_grad();
        loss.backward();
        torch::nn::utils::clip_grad_norm_(net->parameters(), c.grad_clip);
        optimiser.step();
        ++result.updates;
      }
    }
    result.learn_s += since(learn_start);
  }
  if (result.curve.empty() ||
      result.curve.back().episode != static_cast<int>(env.finished().size())) {
    validate(static_cast<int>(env.finished().size()));
  }
  result.wall_s = since(t_start);
  return result;
}

}  // namespace parktwin::ai
