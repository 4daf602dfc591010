// PPO (clipped objective, GAE) for signal control on the vectorised environment. See ppo.h.

#include "ai/learn/ppo.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <span>
#include <type_traits>
#include <vector>

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
          {"shards", c.shards},
          {"clip", c.clip},
          {"entropy", c.entropy},
          {"value_coef", c.value_coef},
          {"grad_clip", c.grad_clip},
          {"validate_every", c.validate_every},
          {"validation_runs", c.validation_runs},
          {"env", env_options_json(c.env)}};
}

int default_ppo_shards(int envs, int ranks) {
  for (int m = ranks; m <= envs; m += ranks) {
    if (m >= 4 && envs % m == 0) return m;
  }
  for (int m = ranks; m <= envs; m += ranks) {
    if (envs % m == 0) return m;
  }
  return 0;
}

TrainResult train_ppo(const traffic::Network& net, const traffic::Demand& demand,
                      const traffic::TrafficConfig& traffic, const PpoConfig& config,
                      const std::string& out_dir, const nlohmann::json& card_training,
                      const TrainHooks& hooks) {
  Collective alone;
  Collective& ranks = hooks.ranks != nullptr ? *hooks.ranks : alone;
  const int N = ranks.size();
  PpoConfig c = config;
  if (c.shards == 0) c.shards = default_ppo_shards(c.envs, N);
  check_setting(c.episodes >= 1, "episodes", ">= 1", c.episodes);
  check_setting(c.envs >= 1 && c.envs <= 1024, "envs", "1..1024", c.envs);
  check_setting(c.envs % N == 0, "envs", fmt::format("a multiple of the {} ranks", N), c.envs);
  check_setting(c.shards >= 1 && c.shards % N == 0 && c.envs % c.shards == 0, "shards",
                fmt::format("a multiple of the {} ranks that divides the {} copies", N, c.envs),
                c.shards);
  check_setting(c.rollout >= 1, "rollout", ">= 1", c.rollout);
  check_setting(c.gamma > 0.0 && c.gamma < 1.0, "gamma", "in (0, 1)", c.gamma);
  check_setting(c.gae_lambda >= 0.0 && c.gae_lambda <= 1.0, "gae_lambda", "in [0, 1]",
                c.gae_lambda);
  check_setting(c.learning_rate > 0.0, "learning_rate", "> 0", c.learning_rate);
  check_setting(c.epochs >= 1 && c.minibatches >= 1, "epochs", ">= 1", c.epochs);
  check_setting(c.validate_every >= 1 && c.validation_runs >= 1, "validate_every", ">= 1",
                c.validate_every);
  for (const int h : c.hidden) check_setting(h >= 1 && h <= 4096, "hidden", "1..4096", h);
  if (N > 1 && hooks.resume) {
    throw Error("a distributed training cannot resume yet")
        .expected("a fresh training (each rank's rollout is not checkpointed)");
  }

  torch::set_num_threads(1);
  torch::manual_seed(c.seed);

  // This rank's copies: KL of the K, from the first; the shards of copies (KS each) and of
  // each minibatch this rank computes: from `first_shard`, `my_shards` of them.
  const auto K = static_cast<std::size_t>(c.envs), KL = K / static_cast<std::size_t>(N);
  const auto first_copy = static_cast<std::size_t>(ranks.rank()) * KL;
  const auto shards = static_cast<std::size_t>(c.shards);
  const std::size_t KS = K / shards, my_shards = shards / static_cast<std::size_t>(N);
  const std::size_t first_shard = static_cast<std::size_t>(ranks.rank()) * my_shards;
  SignalVecEnv env(net, demand, traffic, c.env, static_cast<int>(KL), c.threads,
                   kTrainingSeeds + c.seed * 100'000, first_copy, K);
  tbb::task_arena arena(c.threads);
  const std::size_t A = env.agents(), P = env.phase_slots();
  const std::size_t state = A * P * kPhaseFeatures;
  const auto lKS = static_cast<long>(KS), lA = static_cast<long>(A), lP = static_cast<long>(P);
  const long F = static_cast<long>(kPhaseFeatures);

  const std::shared_ptr<SignalQNet> actor = make_q_net("phase_q_mlp", c.hidden, env.surface());
  Critic critic(c.hidden);
  std::vector<torch::Tensor> params = actor->parameters();
  for (const auto& p : critic->parameters()) params.push_back(p);
  torch::optim::Adam optimiser(params, torch::optim::AdamOptions(c.learning_rate).eps(1e-5));
  std::size_t param_count = 0;
  for (const auto& p : params) param_count += static_cast<std::size_t>(p.numel());

  // This rank's rollout, and (distributed) every rank's, gathered for the update.
  const auto T = static_cast<std::size_t>(c.rollout);
  std::vector<float> obs(T * KL * state), rewards(T * KL * A), logp(T * KL * A), values(T * KL * A);
  std::vector<std::uint8_t> masks(T * KL * A * P), dones(T * KL);
  std::vector<std::int64_t> actions(T * KL * A);
  std::vector<float> advantages(T * KL * A), returns(T * KL * A);
  std::vector<std::int32_t> act(KL * A);
  const std::size_t gathered = N > 1 ? T * K : 0;
  std::vector<float> all_obs_buf(gathered * state), all_logp_buf(gathered * A),
      all_adv_buf(gathered * A), all_ret_buf(gathered * A);
  std::vector<std::uint8_t> all_masks_buf(gathered * A * P);
  std::vector<std::int64_t> all_act_buf(gathered * A);
  // Each of this rank's shards' gradient (flat, parameter by parameter) and loss.
  std::vector<float> shard_grads(my_shards * param_count);
  std::vector<double> shard_losses(my_shards);

  const auto per_episode =
      static_cast<std::uint64_t>(std::lround(c.env.episode_s / c.env.decision_s));
  const std::uint64_t episodes_per_copy = (static_cast<std::uint64_t>(c.episodes) + K - 1) / K;
  const std::uint64_t total_decisions = episodes_per_copy * per_episode;
  const std::uint64_t updates_total = (total_decisions + T - 1) / T;

  TrainResult result;
  double loss_sum = 0.0;
  std::uint64_t loss_count = 0;
  TrainingLog log({net, demand, traffic, c.env, c.validate_every, c.validation_runs, out_dir, "ppo",
                   c.hidden, card_training, hooks.progress, hooks.checkpoint_every_s, &ranks},
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
      std::copy(feats.begin(), feats.end(), obs.begin() + static_cast<long>(steps * KL * state));
      std::copy(m.begin(), m.end(), masks.begin() + static_cast<long>(steps * KL * A * P));
      for (std::size_t j = 0; j < my_shards; ++j) {  // a shard of copies at a time
        torch::NoGradGuard g;
        const auto x =
            torch::from_blob(const_cast<float*>(feats.data() + j * KS * state), {lKS, lA, lP, F});
        const auto mask = torch::from_blob(const_cast<std::uint8_t*>(m.data() + j * KS * A * P),
                                           {lKS, lA, lP}, torch::kUInt8)
                              .to(torch::kBool);
        const auto lp = torch::log_softmax(masked_q(actor->forward(x), mask), -1).contiguous();
        const auto v = critic->forward(x).contiguous();
        const float* lps = lp.data_ptr<float>();
        for (std::size_t i = 0; i < KS * A; ++i) {
          const std::size_t here = j * KS * A + i;  // among this rank's (copy, agent) pairs
          // Inverse CDF of the allowed slots with a counter-based draw (of every rank's
          // (copy, agent) pairs, as one process would number them).
          const double r = rng::uniform(c.seed, PpoStream::action,
                                        static_cast<std::uint32_t>(first_copy * A + here), t);
          double acc = 0.0;
          std::int64_t pick = -1, last = 0;
          for (std::size_t s = 0; s < P; ++s) {
            if (m[here * P + s] == 0) continue;
            last = static_cast<std::int64_t>(s);
            acc += std::exp(static_cast<double>(lps[i * P + s]));
            if (pick < 0 && r < acc) pick = last;
          }
          if (pick < 0) pick = last;  // rounding: the last allowed slot
          actions[steps * KL * A + here] = pick;
          act[here] = static_cast<std::int32_t>(pick);
          logp[steps * KL * A + here] = lps[i * P + static_cast<std::size_t>(pick)];
          values[steps * KL * A + here] = v.data_ptr<float>()[i];
        }
      }
      const auto now = std::chrono::steady_clock::now();
      result.act_s += std::chrono::duration<double>(now - lap).count();
      lap = now;
      env.step(act);
      result.env_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - lap).count();
      std::copy(env.rewards().begin(), env.rewards().end(),
                rewards.begin() + static_cast<long>(steps * KL * A));
      std::copy(env.dones().begin(), env.dones().end(),
                dones.begin() + static_cast<long>(steps * KL));
      result.transitions += KL * A;
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
    std::vector<float> next_value(KL * A);
    for (std::size_t j = 0; j < my_shards; ++j) {
      torch::NoGradGuard g;
      const auto x = torch::from_blob(const_cast<float*>(env.features().data() + j * KS * state),
                                      {lKS, lA, lP, F});
      const auto v = critic->forward(x).contiguous();
      std::copy_n(v.data_ptr<float>(), KS * A, next_value.begin() + static_cast<long>(j * KS * A));
    }
    std::vector<float> gae(KL * A, 0.0f);
    for (std::size_t s = steps; s-- > 0;) {
      for (std::size_t k = 0; k < KL; ++k) {
        const float nonterminal = dones[s * KL + k] != 0 ? 0.0f : 1.0f;
        for (std::size_t a = 0; a < A; ++a) {
          const std::size_t i = s * KL * A + k * A + a;
          const float v_next = s + 1 == steps ? next_value[k * A + a] : values[i + KL * A];
          const float delta =
              rewards[i] + static_cast<float>(c.gamma) * v_next * nonterminal - values[i];
          gae[k * A + a] =
              delta + static_cast<float>(c.gamma * c.gae_lambda) * nonterminal * gae[k * A + a];
          advantages[i] = gae[k * A + a];
          returns[i] = advantages[i] + values[i];
        }
      }
    }
    // --- every rank's rollout, laid out as one process stepping every copy would have it
    float* u_obs = obs.data();
    std::uint8_t* u_masks = masks.data();
    std::int64_t* u_act = actions.data();
    float *u_logp = logp.data(), *u_adv = advantages.data(), *u_ret = returns.data();
    if (N > 1) {
      const auto gather = [&](const auto& mine, std::size_t row, auto& all) {
        using Cell = typename std::decay_t<decltype(mine)>::value_type;
        gather_rollout<Cell>(ranks, std::span<const Cell>(mine.data(), steps * KL * row), steps,
                             std::span<Cell>(all.data(), steps * K * row));
        return all.data();
      };
      u_obs = gather(obs, state, all_obs_buf);
      u_masks = gather(masks, A * P, all_masks_buf);
      u_act = gather(actions, A, all_act_buf);
      u_logp = gather(logp, A, all_logp_buf);
      u_adv = gather(advantages, A, all_adv_buf);
      u_ret = gather(returns, A, all_ret_buf);
    }
    // --- epochs of minibatches over the rollout's states (each a whole network)
    const long S = static_cast<long>(steps * K);
    const auto all_obs = torch::from_blob(u_obs, {S, lA, lP, F});
    const auto all_mask = torch::from_blob(u_masks, {S, lA, lP}, torch::kUInt8).to(torch::kBool);
    const auto all_act = torch::from_blob(u_act, {S, lA, 1}, torch::kInt64);
    const auto all_logp = torch::from_blob(u_logp, {S, lA});
    const auto all_adv = torch::from_blob(u_adv, {S, lA});
    const auto all_ret = torch::from_blob(u_ret, {S, lA});
    std::vector<std::int64_t> order(static_cast<std::size_t>(S));
    const long mb = std::max<long>(1, S / c.minibatches);
    const double per_term = 1.0 / static_cast<double>(mb * lA);  // the minibatch means' weight
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
        // Advantages normalised over the whole minibatch, before it is cut into shards.
        auto adv_mb = all_adv.index_select(0, idx);
        adv_mb = (adv_mb - adv_mb.mean()) / (adv_mb.std() + 1e-8);
        for (std::size_t j = 0; j < my_shards; ++j) {
          const long lo = static_cast<long>(first_shard + j) * mb / c.shards;
          const long hi = static_cast<long>(first_shard + j + 1) * mb / c.shards;
          float* grad_out = shard_grads.data() + j * param_count;
          if (hi == lo) {  // a minibatch smaller than the shards: nothing here
            std::fill_n(grad_out, param_count, 0.0f);
            shard_losses[j] = 0.0;
            continue;
          }
          const auto sub = idx.slice(0, lo, hi);
          const auto x = all_obs.index_select(0, sub);
          const auto mask = all_mask.index_select(0, sub);
          const auto lp_all = torch::log_softmax(masked_q(actor->forward(x), mask), -1);
          const auto a = all_act.index_select(0, sub);
          const auto new_lp = lp_all.gather(2, a).squeeze(2);
          // Entropy over allowed slots (masked slots have p = 0; their -inf log-probs zeroed).
          const auto p = lp_all.exp();
          const auto entropy =
              -(p * lp_all.masked_fill(mask.logical_not(), 0.0)).sum(-1).sum() * per_term;
          const auto adv = adv_mb.slice(0, lo, hi);
          const auto ratio = (new_lp - all_logp.index_select(0, sub)).exp();
          const auto pg =
              torch::max(-adv * ratio, -adv * ratio.clamp(1.0 - c.clip, 1.0 + c.clip)).sum() *
              per_term;
          const auto v = critic->forward(x);
          const auto v_loss = 0.5 * (v - all_ret.index_select(0, sub)).pow(2).sum() * per_term;
          const auto loss = pg - c.entropy * entropy + c.value_coef * v_loss;
          const auto grads = torch::autograd::grad({loss}, params, {}, false, false, true);
          for (std::size_t q = 0; q < grads.size(); ++q) {
            const auto n = static_cast<std::size_t>(params[q].numel());
            if (grads[q].defined()) {
              const auto gq = grads[q].contiguous();
              std::copy_n(gq.data_ptr<float>(), n, grad_out);
            } else {
              std::fill_n(grad_out, n, 0.0f);
            }
            grad_out += n;
          }
          shard_losses[j] = loss.item<double>();
        }
        // The minibatch's gradient: every shard's, added in shard order.
        const std::vector<float> every = all_gather<float>(ranks, shard_grads);
        const std::vector<double> every_loss = all_gather<double>(ranks, shard_losses);
        std::vector<float> sum(every.begin(), every.begin() + static_cast<long>(param_count));
        for (std::size_t j = 1; j < shards; ++j) {
          const float* g = every.data() + j * param_count;
          for (std::size_t q = 0; q < param_count; ++q) sum[q] += g[q];
        }
        std::size_t at = 0;
        for (auto& param : params) {
          param.mutable_grad() =
              torch::from_blob(sum.data() + at, param.sizes(), torch::kFloat32).clone();
          at += static_cast<std::size_t>(param.numel());
        }
        torch::nn::utils::clip_grad_norm_(params, c.grad_clip);
        optimiser.step();
        double loss = 0.0;
        for (const double l : every_loss) loss += l;
        loss_sum += loss;
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
  if (ranks.rank() == 0) remove_checkpoint(out_dir);  // finished: nothing to resume
  return result;
}

}  // namespace parktwin::ai
