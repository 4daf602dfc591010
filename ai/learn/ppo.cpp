// PPO (clipped objective, GAE) for signal control on the vectorised environment. See ppo.h.

#include "ai/learn/ppo.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "ai/learn/checkpoint.h"
#include "ai/learn/greedy.h"
#include "ai/learn/q_nets.h"
#include "ai/learn/training_log.h"
#include "ai/phase_features.h"
#include "ai/policy_card.h"
#include "engine/error.h"
#include "engine/rng.h"

namespace parktwin::ai {

namespace {

enum class PpoStream : std::uint32_t { action = 401, shuffle = 402 };

// The critic: an MLP on the mean of an agent's phase rows, x [B, A, P, F] -> V [B, A].
struct CriticImpl : torch::nn::Module {
  explicit CriticImpl(const std::vector<int>& hidden) {
    int in = static_cast<int>(kPhaseFeatures);
    for (const int h : hidden) {
      layers->push_back(torch::nn::Linear(in, h));
      in = h;
    }
    layers->push_back(torch::nn::Linear(in, 1));
    register_module("layers", layers);
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = x.mean(2);
    for (std::size_t i = 0; i < layers->size(); ++i) {
      h = layers[i]->as<torch::nn::Linear>()->forward(h);
      if (i + 1 < layers->size()) h = torch::tanh(h);
    }
    return h.squeeze(-1);
  }
  torch::nn::ModuleList layers;
};
TORCH_MODULE(Critic);

}  // namespace

nlohmann::json settings_json(const PpoConfig& c) {
  return {{"episodes", c.episodes},
          {"envs", c.envs},
          {"threads", c.threads},
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
          {"validate_every", c.validate_every},
          {"validation_runs", c.validation_runs},
          {"env", env_options_json(c.env)}};
}

TrainResult train_ppo(const traffic::Network& net, const traffic::Demand& demand,
                      const traffic::TrafficConfig& traffic, const PpoConfig& c,
                      const std::string& out_dir, const nlohmann::json& card_training,
                      const TrainHooks& hooks) {
  check_setting(c.episodes >= 1, "episodes", ">= 1", c.episodes);
  check_setting(c.envs >= 1 && c.envs <= 1024, "envs", "1..1024", c.envs);
  check_setting(c.rollout >= 1, "rollout", ">= 1", c.rollout);
  check_setting(c.gamma > 0.0 && c.gamma < 1.0, "gamma", "in (0, 1)", c.gamma);
  check_setting(c.gae_lambda >= 0.0 && c.gae_lambda <= 1.0, "gae_lambda", "in [0, 1]",
                c.gae_lambda);
  check_setting(c.learning_rate > 0.0, "learning_rate", "> 0", c.learning_rate);
  check_setting(c.epochs >= 1 && c.minibatches >= 1, "epochs", ">= 1", c.epochs);
  check_setting(c.validate_every >= 1 && c.validation_runs >= 1, "validate_every", ">= 1",
                c.validate_every);
  for (const int h : c.hidden) check_setting(h >= 1 && h <= 4096, "hidden", "1..4096", h);

  torch::set_num_threads(1);
  torch::manual_seed(c.seed);

  SignalVecEnv env(net, demand, traffic, c.env, c.envs, c.threads,
                   kTrainingSeeds + c.seed * 100'000);
  tbb::task_arena arena(c.threads);
  const std::size_t K = env.copies(), A = env.agents(), P = env.phase_slots();
  const std::size_t state = A * P * kPhaseFeatures;
  const auto lK = static_cast<long>(K), lA = static_cast<long>(A), lP = static_cast<long>(P);
  const long F = static_cast<long>(kPhaseFeatures);

  const std::shared_ptr<SignalQNet> actor = make_q_net("phase_q_mlp", c.hidden, env.surface());
  Critic critic(c.hidden);
  std::vector<torch::Tensor> params = actor->parameters();
  for (const auto& p : critic->parameters()) params.push_back(p);
  torch::optim::Adam optimiser(params, torch::optim::AdamOptions(c.learning_rate).eps(1e-5));

  const auto T = static_cast<std::size_t>(c.rollout);
  std::vector<float> obs(T * K * state), rewards(T * K * A), logp(T * K * A), values(T * K * A);
  std::vector<std::uint8_t> masks(T * K * A * P), dones(T * K);
  std::vector<std::int64_t> actions(T * K * A);
  std::vector<float> advantages(T * K * A), returns(T * K * A);
  std::vector<std::int32_t> act(K * A);

  const auto per_episode =
      static_cast<std::uint64_t>(std::lround(c.env.episode_s / c.env.decision_s));
  const std::uint64_t episodes_per_copy = (static_cast<std::uint64_t>(c.episodes) + K - 1) / K;
  const std::uint64_t total_decisions = episodes_per_copy * per_episode;
  const std::uint64_t updates_total = (total_decisions + T - 1) / T;

  TrainResult result;
  double loss_sum = 0.0;
  std::uint64_t loss_count = 0;
  TrainingLog log({net, demand, traffic, c.env, c.validate_every, c.validation_runs, out_dir, "ppo",
                   c.hidden, card_training, hooks.progress, hooks.checkpoint_every_s},
                  env, total_decisions);

  // Checkpoints between rounds of episodes, usually within a rollout: the rollout so far is
  // saved with the rest.
  const nlohmann::json settings = checkpoint_settings(settings_json(c), card_training);
  const auto rollout_parts = [&](auto& archive) {
    archive.floats("rollout.obs", obs);
    archive.bytes("rollout.masks", masks);
    archive.ints("rollout.actions", actions);
    archive.floats("rollout.logp", logp);
    archive.floats("rollout.values", values);
    archive.floats("rollout.rewards", rewards);
    archive.bytes("rollout.dones", dones);
  };
  std::uint64_t t = 0, first_update = 0;
  std::size_t first_steps = 0;
  if (hooks.resume) {
    CheckpointReader in(out_dir);
    in.check_settings(settings);
    in.module("actor", *actor);
    in.module("critic", *critic);
    in.optimiser("optimiser", optimiser);
    rollout_parts(in);
    in.values("ppo", [&](const nlohmann::json& at) {
      t = at.at("next_decision").get<std::uint64_t>();
      first_update = at.at("update").get<std::uint64_t>();
      first_steps = at.at("steps").get<std::size_t>();
      loss_sum = at.at("loss_sum").get<double>();
      loss_count = at.at("loss_count").get<std::uint64_t>();
      return t > 0 && t < total_decisions && t % per_episode == 0 && first_steps <= T &&
             first_update < updates_total && first_update * T + first_steps == t;
    });
    log.restore(in, t - 1, result);
    env.restart_at(t / per_episode);
  }

  for (std::uint64_t u = first_update; u < updates_total; ++u) {
    // Anneal the learning rate linearly to 0 (CleanRL's default).
    const double frac = 1.0 - static_cast<double>(u) / static_cast<double>(updates_total);
    for (auto& g : optimiser.param_groups()) {
      static_cast<torch::optim::AdamOptions&>(g.options()).lr(c.learning_rate * frac);
    }
    // --- rollout
    std::size_t steps = u == first_update ? first_steps : 0;
    for (; steps < T && t < total_decisions; ++steps, ++t) {
      auto lap = std::chrono::steady_clock::now();
      const auto feats = env.features();
      const auto m = env.masks();
      std::copy(feats.begin(), feats.end(), obs.begin() + static_cast<long>(steps * K * state));
      std::copy(m.begin(), m.end(), masks.begin() + static_cast<long>(steps * K * A * P));
      {
        torch::NoGradGuard g;
        const auto x = torch::from_blob(const_cast<float*>(feats.data()), {lK, lA, lP, F});
        const auto mask =
            torch::from_blob(const_cast<std::uint8_t*>(m.data()), {lK, lA, lP}, torch::kUInt8)
                .to(torch::kBool);
        const auto lp = torch::log_softmax(masked_q(actor->forward(x), mask), -1).contiguous();
        const auto v = critic->forward(x).contiguous();
        const float* lps = lp.data_ptr<float>();
        for (std::size_t i = 0; i < K * A; ++i) {
          // Inverse CDF of the allowed slots with a counter-based draw.
          const double r =
              rng::uniform(c.seed, PpoStream::action, static_cast<std::uint32_t>(i), t);
          double acc = 0.0;
          std::int64_t pick = -1, last = 0;
          for (std::size_t s = 0; s < P; ++s) {
            if (m[i * P + s] == 0) continue;
            last = static_cast<std::int64_t>(s);
            acc += std::exp(static_cast<double>(lps[i * P + s]));
            if (pick < 0 && r < acc) pick = last;
          }
          if (pick < 0) pick = last;  // rounding: the last allowed slot
          actions[steps * K * A + i] = pick;
          act[i] = static_cast<std::int32_t>(pick);
          logp[steps * K * A + i] = lps[i * P + static_cast<std::size_t>(pick)];
          values[steps * K * A + i] = v.data_ptr<float>()[i];
        }
      }
      const auto now = std::chrono::steady_clock::now();
      result.act_s += std::chrono::duration<double>(now - lap).count();
      lap = now;
      env.step(act);
      result.env_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - lap).count();
      std::copy(env.rewards().begin(), env.rewards().end(),
                rewards.begin() + static_cast<long>(steps * K * A));
      std::copy(env.dones().begin(), env.dones().end(),
                dones.begin() + static_cast<long>(steps * K));
      result.transitions += K * A;
      if (log.checkpoint_due(t)) {
        CheckpointWriter out;
        out.module("actor", *actor);
        out.module("critic", *critic);
        out.optimiser("optimiser", optimiser);
        rollout_parts(out);
        out.json("ppo", {{"next_decision", t + 1},
                         {"update", u},
                         {"steps", steps + 1},
                         {"loss_sum", loss_sum},
                         {"loss_count", loss_count}});
        if (log.save_checkpoint(out, settings, hooks, result)) return result;  // stopped
      }
    }
    const auto learn_start = std::chrono::steady_clock::now();
    // --- GAE, backwards from the value of the state the rollout ended in.
    std::vector<float> next_value(K * A);
    {
      torch::NoGradGuard g;
      const auto x = torch::from_blob(const_cast<float*>(env.features().data()), {lK, lA, lP, F});
      const auto v = critic->forward(x).contiguous();
      std::copy_n(v.data_ptr<float>(), K * A, next_value.begin());
    }
    std::vector<float> gae(K * A, 0.0f);
    for (std::size_t s = steps; s-- > 0;) {
      for (std::size_t k = 0; k < K; ++k) {
        const float nonterminal = dones[s * K + k] != 0 ? 0.0f : 1.0f;
        for (std::size_t a = 0; a < A; ++a) {
          const std::size_t i = s * K * A + k * A + a;
          const float v_next = s + 1 == steps ? next_value[k * A + a] : values[i + K * A];
          const float delta =
              rewards[i] + static_cast<float>(c.gamma) * v_next * nonterminal - values[i];
          gae[k * A + a] =
              delta + static_cast<float>(c.gamma * c.gae_lambda) * nonterminal * gae[k * A + a];
          advantages[i] = gae[k * A + a];
          returns[i] = advantages[i] + values[i];
        }
      }
    }
    // --- epochs of minibatches over the rollout's states (each a whole network)
    const long S = static_cast<long>(steps * K);
    const auto all_obs = torch::from_blob(obs.data(), {S, lA, lP, F});
    const auto all_mask =
        torch::from_blob(masks.data(), {S, lA, lP}, torch::kUInt8).to(torch::kBool);
    const auto all_act = torch::from_blob(actions.data(), {S, lA, 1}, torch::kInt64);
    const auto all_logp = torch::from_blob(logp.data(), {S, lA});
    const auto all_adv = torch::from_blob(advantages.data(), {S, lA});
    const auto all_ret = torch::from_blob(returns.data(), {S, lA});
    std::vector<std::int64_t> order(static_cast<std::size_t>(S));
    const long mb = std::max<long>(1, S / c.minibatches);
    for (int e = 0; e < c.epochs; ++e) {
      // A counter-based shuffle (Fisher-Yates): the same for the same seed.
      std::iota(order.begin(), order.end(), 0);
      for (std::size_t i = order.size(); i > 1; --i) {
        const auto j = static_cast<std::size_t>(
            rng::uniform(c.seed, PpoStream::shuffle, static_cast<std::uint32_t>(i),
                         u * 1000 + static_cast<std::uint64_t>(e)) *
            static_cast<double>(i));
        std::swap(order[i - 1], order[j]);
      }
      for (long b = 0; b + mb <= S; b += mb) {
        const auto idx = torch::from_blob(order.data() + b, {mb}, torch::kInt64);
        const auto x = all_obs.index_select(0, idx);
        const auto mask = all_mask.index_select(0, idx);
        const auto lp_all = torch::log_softmax(masked_q(actor->forward(x), mask), -1);
        const auto a = all_act.index_select(0, idx);
        const auto new_lp = lp_all.gather(2, a).squeeze(2);
        // Entropy over allowed slots (masked slots have p = 0; their -inf log-probs are zeroed).
        const auto p = lp_all.exp();
        const auto entropy = -(p * lp_all.masked_fill(mask.logical_not(), 0.0)).sum(-1).mean();
        auto adv = all_adv.index_select(0, idx);
        adv = (adv - adv.mean()) / (adv.std() + 1e-8);
        const auto ratio = (new_lp - all_logp.index_select(0, idx)).exp();
        const auto pg =
            torch::max(-adv * ratio, -adv * ratio.clamp(1.0 - c.clip, 1.0 + c.clip)).mean();
        const auto v = critic->forward(x);
        const auto v_loss = 0.5 * (v - all_ret.index_select(0, idx)).pow(2).mean();
        const auto loss = pg - c.entropy * entropy + c.value_coef * v_loss;
        optimiser.zero_grad();
        loss.backward();
        torch::nn::utils::clip_grad_norm_(params, c.grad_clip);
        optimiser.step();
        loss_sum += loss.item<double>();
        ++loss_count;
        ++result.updates;
      }
    }
    result.learn_s +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - learn_start).count();

    // --- progress, validation, the best policy so far
    log.after_decision(t - 1, *actor, 0.0, loss_sum, loss_count, arena, result);
  }
  log.finish(result);
  remove_checkpoint(out_dir);  // finished: nothing to resume
  return result;
}

}  // namespace parktwin::ai
