// Deep Q-learning for signal control: vectorised copies, replay, double DQN with n-step
// returns and a target network. See dqn.h for the sources.

#include "ai/learn/dqn.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

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

enum class DqnStream : std::uint32_t { explore = 301, explore_action = 302, replay = 303 };

// Experience replay: one entry per (copy, decision) holding every agent's transition, n-step,
// in flat arrays: states and next states of the whole network (so that a model that looks at
// the neighbours sees them), each agent's action and return, one discount for all.
struct Replay {
  std::size_t agents = 0, slots = 0, state_floats = 0;
  std::size_t capacity = 0, size = 0, next = 0;
  std::vector<float> s, s2, ret, discount;
  std::vector<std::uint8_t> mask2;
  std::vector<std::int64_t> action;

  Replay(std::size_t cap, std::size_t a, std::size_t p)
      : agents(a), slots(p), state_floats(a * p * kPhaseFeatures), capacity(cap) {
    s.resize(cap * state_floats);
    s2.resize(cap * state_floats);
    mask2.resize(cap * a * p);
    ret.resize(cap * a);
    discount.resize(cap);
    action.resize(cap * a);
  }
  // returns: one per agent; state2 and its masks ignored when disc == 0 (terminal).
  void add(const float* state, const std::int64_t* actions, const float* returns, float disc,
           const float* state2, const std::uint8_t* masks2) {
    std::copy_n(state, state_floats, s.data() + next * state_floats);
    if (disc > 0.0f) {
      std::copy_n(state2, state_floats, s2.data() + next * state_floats);
      std::copy_n(masks2, agents * slots, mask2.data() + next * agents * slots);
    } else {  // never read; any allowed slot keeps the argmax finite
      std::fill_n(s2.data() + next * state_floats, state_floats, 0.0f);
      std::fill_n(mask2.data() + next * agents * slots, agents * slots, std::uint8_t{1});
    }
    std::copy_n(actions, agents, action.data() + next * agents);
    std::copy_n(returns, agents, ret.data() + next * agents);
    discount[next] = disc;
    next = (next + 1) % capacity;
    size = std::min(size + 1, capacity);
  }
};

// The last n decisions of one copy, for n-step returns: a ring of n entries, oldest at head.
struct History {
  int n = 1, count = 0, head = 0;
  std::size_t agents = 0, state_floats = 0;
  std::vector<float> features;        // n x state
  std::vector<std::int64_t> actions;  // n x agents
  std::vector<float> rewards;         // n x agents

  History(int n_, std::size_t a, std::size_t state) : n(n_), agents(a), state_floats(state) {
    features.resize(static_cast<std::size_t>(n) * state);
    actions.resize(static_cast<std::size_t>(n) * a);
    rewards.resize(static_cast<std::size_t>(n) * a);
  }
  std::size_t slot(int k) const { return static_cast<std::size_t>((head + k) % n); }  // k-th oldest
};

}  // namespace

nlohmann::json settings_json(const DqnConfig& c) {
  return {{"model", c.model},
          {"episodes", c.episodes},
          {"envs", c.envs},
          {"threads", c.threads},
          {"seed", c.seed},
          {"hidden", c.hidden},
          {"gamma", c.gamma},
          {"n_step", c.n_step},
          {"learning_rate", c.learning_rate},
          {"batch", c.batch},
          {"replay", c.replay},
          {"learning_starts", c.learning_starts},
          {"updates_per_decision", c.updates_per_decision},
          {"target_every", c.target_every},
          {"epsilon", {c.epsilon_start, c.epsilon_end, c.epsilon_fraction}},
          {"grad_clip", c.grad_clip},
          {"validate_every", c.validate_every},
          {"validation_runs", c.validation_runs},
          {"env", env_options_json(c.env)}};
}

TrainResult train_dqn(const traffic::Network& net, const traffic::Demand& demand,
                      const traffic::TrafficConfig& traffic, const DqnConfig& c,
                      const std::string& out_dir, const nlohmann::json& card_training,
                      const TrainHooks& hooks) {
  check_setting(c.episodes >= 1, "episodes", ">= 1", c.episodes);
  check_setting(c.envs >= 1 && c.envs <= 1024, "envs", "1..1024", c.envs);
  check_setting(c.threads >= 1, "threads", ">= 1", c.threads);
  check_setting(c.gamma > 0.0 && c.gamma < 1.0, "gamma", "in (0, 1)", c.gamma);
  check_setting(c.n_step >= 1 && c.n_step <= 100, "n_step", "1..100", c.n_step);
  check_setting(c.learning_rate > 0.0, "learning_rate", "> 0", c.learning_rate);
  check_setting(c.batch >= 1, "batch", ">= 1", c.batch);
  check_setting(c.replay >= c.batch, "replay", ">= batch", c.replay);
  check_setting(c.target_every >= 1, "target_every", ">= 1", c.target_every);
  check_setting(c.validate_every >= 1, "validate_every", ">= 1", c.validate_every);
  check_setting(c.validation_runs >= 1, "validation_runs", ">= 1", c.validation_runs);
  for (const int h : c.hidden) check_setting(h >= 1 && h <= 4096, "hidden", "1..4096", h);

  torch::set_num_threads(1);
  torch::manual_seed(c.seed);

  SignalVecEnv env(net, demand, traffic, c.env, c.envs, c.threads,
                   kTrainingSeeds + c.seed * 100'000);
  tbb::task_arena arena(c.threads);
  const std::size_t K = env.copies(), A = env.agents(), P = env.phase_slots();
  const std::size_t state = A * P * kPhaseFeatures;
  const auto lA = static_cast<long>(A), lP = static_cast<long>(P);

  const std::shared_ptr<SignalQNet> online = make_q_net(c.model, c.hidden, env.surface());
  const std::shared_ptr<SignalQNet> target = make_q_net(c.model, c.hidden, env.surface());
  const auto copy_weights = [&] {
    torch::NoGradGuard g;
    auto src = online->parameters();
    auto dst = target->parameters();
    for (std::size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  };
  copy_weights();
  torch::optim::Adam optimiser(online->parameters(), torch::optim::AdamOptions(c.learning_rate));

  Replay replay(static_cast<std::size_t>(c.replay), A, P);
  std::vector<History> history(K, History(c.n_step, A, state));
  std::vector<std::int32_t> actions(K * A), greedy_choice(K * A);
  std::vector<float> returns(A);
  const auto B = static_cast<std::size_t>(c.batch);
  std::vector<float> batch_s(B * state), batch_s2(B * state), batch_ret(B * A), batch_disc(B);
  std::vector<std::uint8_t> batch_mask2(B * A * P);
  std::vector<std::int64_t> batch_a(B * A);

  // Decisions in all: each copy runs episodes / copies episodes (rounded up).
  const auto per_episode =
      static_cast<std::uint64_t>(std::lround(c.env.episode_s / c.env.decision_s));
  const std::uint64_t episodes_per_copy = (static_cast<std::uint64_t>(c.episodes) + K - 1) / K;
  const std::uint64_t total_decisions = episodes_per_copy * per_episode;
  const double decay_decisions =
      std::max(1.0, c.epsilon_fraction * static_cast<double>(total_decisions));

  TrainResult result;
  std::vector<float> gamma_pow(static_cast<std::size_t>(c.n_step) + 1, 1.0f);
  for (int k = 1; k <= c.n_step; ++k)
    gamma_pow[static_cast<std::size_t>(k)] =
        gamma_pow[static_cast<std::size_t>(k) - 1] * static_cast<float>(c.gamma);

  double loss_sum = 0.0;
  std::uint64_t loss_count = 0;

  TrainingLog log({net, demand, traffic, c.env, c.validate_every, c.validation_runs, out_dir,
                   c.model == "colight" ? "colight" : "dqn", c.hidden, card_training,
                   hooks.progress, hooks.checkpoint_every_s},
                  env, total_decisions);

  // Checkpoints, between rounds of episodes: the copies' histories are empty there (every
  // copy has just ended an episode), the rest is saved.
  const nlohmann::json settings = checkpoint_settings(settings_json(c), card_training);
  // The replay's entries in use only (size is read first when resuming).
  const auto replay_parts = [&](auto& archive) {
    const std::size_t n = replay.size, a = replay.agents, p = replay.slots;
    archive.floats("replay.s", replay.s, n * replay.state_floats);
    archive.floats("replay.s2", replay.s2, n * replay.state_floats);
    archive.floats("replay.return", replay.ret, n * a);
    archive.floats("replay.discount", replay.discount, n);
    archive.bytes("replay.mask2", replay.mask2, n * a * p);
    archive.ints("replay.action", replay.action, n * a);
  };
  std::uint64_t first = 0;
  if (hooks.resume) {
    CheckpointReader in(out_dir);
    in.check_settings(settings);
    in.module("online", *online);
    in.module("target", *target);
    in.optimiser("optimiser", optimiser);
    in.values("dqn", [&](const nlohmann::json& at) {
      first = at.at("next_decision").get<std::uint64_t>();
      replay.size = at.at("replay_size").get<std::size_t>();
      replay.next = at.at("replay_next").get<std::size_t>();
      loss_sum = at.at("loss_sum").get<double>();
      loss_count = at.at("loss_count").get<std::uint64_t>();
      return first > 0 && first < total_decisions && first % per_episode == 0 &&
             replay.size <= replay.capacity && replay.next < replay.capacity;
    });
    replay_parts(in);
    log.restore(in, first - 1, result);
    env.restart_at(first / per_episode);
  }

  for (std::uint64_t t = first; t < total_decisions; ++t) {
    const double eps =
        std::max(c.epsilon_end, c.epsilon_start + (c.epsilon_end - c.epsilon_start) *
                                                      static_cast<double>(t) / decay_decisions);
    const std::span<const float> feats = env.features();
    const std::span<const std::uint8_t> masks = env.masks();
    auto lap = std::chrono::steady_clock::now();
    const auto split = [&lap](double& into) {
      const auto now = std::chrono::steady_clock::now();
      into += std::chrono::duration<double>(now - lap).count();
      lap = now;
    };
    greedy_actions(*online, feats.data(), masks.data(), static_cast<long>(K), lA, lP,
                   greedy_choice.data());
    for (std::size_t i = 0; i < K * A; ++i) {
      const auto id = static_cast<std::uint32_t>(i);
      std::int32_t a = greedy_choice[i];
      if (rng::uniform(c.seed, DqnStream::explore, id, t) < eps) {
        // A random allowed slot.
        int allowed = 0;
        for (std::size_t s = 0; s < P; ++s) allowed += masks[i * P + s];
        if (allowed > 0) {
          int pick =
              static_cast<int>(rng::uniform(c.seed, DqnStream::explore_action, id, t) * allowed);
          for (std::size_t s = 0; s < P; ++s) {
            if (masks[i * P + s] == 0) continue;
            if (pick-- == 0) {
              a = static_cast<std::int32_t>(s);
              break;
            }
          }
        }
      }
      actions[i] = a < 0 ? 0 : a;  // no allowed slot: any (the engine keeps its course)
    }
    // Remember s_t and a_t before stepping.
    for (std::size_t k = 0; k < K; ++k) {
      History& h = history[k];
      const std::size_t at = h.slot(h.count);  // count < n: the oldest went out when full
      std::copy_n(feats.data() + k * state, state, h.features.data() + at * state);
      for (std::size_t a = 0; a < A; ++a) h.actions[at * A + a] = actions[k * A + a];
      ++h.count;
    }
    split(result.act_s);
    env.step(actions);
    split(result.env_s);
    const std::span<const float> rewards = env.rewards();
    const std::span<const float> next = env.features();
    const std::span<const std::uint8_t> next_mask = env.masks();
    for (std::size_t k = 0; k < K; ++k) {
      History& h = history[k];
      const std::size_t newest = h.slot(h.count - 1);
      for (std::size_t a = 0; a < A; ++a) h.rewards[newest * A + a] = rewards[k * A + a];
      const bool done = env.dones()[k] != 0;
      // Emit the oldest entry once it has n rewards; on done, every entry (no bootstrap).
      const int emit = done ? h.count : (h.count == h.n ? 1 : 0);
      for (int e = 0; e < emit; ++e) {
        const std::size_t from = h.slot(e);
        const int steps = h.count - e;
        for (std::size_t a = 0; a < A; ++a) {
          float ret = 0.0f;
          for (int j = 0; j < steps; ++j) {
            ret += gamma_pow[static_cast<std::size_t>(j)] * h.rewards[h.slot(e + j) * A + a];
          }
          returns[a] = ret;
        }
        replay.add(h.features.data() + from * state, h.actions.data() + from * A, returns.data(),
                   done ? 0.0f : gamma_pow[static_cast<std::size_t>(steps)],
                   next.data() + k * state, next_mask.data() + k * A * P);
        result.transitions += A;
      }
      if (done) {
        h.count = 0;
        h.head = 0;
      } else if (emit == 1) {  // the oldest is in the replay now
        h.head = (h.head + 1) % h.n;
        --h.count;
      }
    }

    // Learning.
    if (replay.size >= static_cast<std::size_t>(std::max(c.learning_starts, c.batch))) {
      for (int u = 0; u < c.updates_per_decision; ++u) {
        for (std::size_t b = 0; b < B; ++b) {
          const auto j =
              static_cast<std::size_t>(rng::uniform(c.seed, DqnStream::replay,
                                                    static_cast<std::uint32_t>(b), result.updates) *
                                       static_cast<double>(replay.size));
          std::copy_n(replay.s.data() + j * state, state, batch_s.data() + b * state);
          std::copy_n(replay.s2.data() + j * state, state, batch_s2.data() + b * state);
          std::copy_n(replay.mask2.data() + j * A * P, A * P, batch_mask2.data() + b * A * P);
          std::copy_n(replay.ret.data() + j * A, A, batch_ret.data() + b * A);
          std::copy_n(replay.action.data() + j * A, A, batch_a.data() + b * A);
          batch_disc[b] = replay.discount[j];
        }
        const auto lB = static_cast<long>(B);
        const long F = static_cast<long>(kPhaseFeatures);
        const auto s = torch::from_blob(batch_s.data(), {lB, lA, lP, F});
        const auto s2 = torch::from_blob(batch_s2.data(), {lB, lA, lP, F});
        const auto m2 =
            torch::from_blob(batch_mask2.data(), {lB, lA, lP}, torch::kUInt8).to(torch::kBool);
        const auto ret = torch::from_blob(batch_ret.data(), {lB, lA});
        const auto disc = torch::from_blob(batch_disc.data(), {lB, 1});
        const auto act = torch::from_blob(batch_a.data(), {lB, lA, 1}, torch::kInt64);
        torch::Tensor y;
        {
          torch::NoGradGuard g;
          const auto best_next = masked_q(online->forward(s2), m2).argmax(2, true);  // double DQN
          const auto q_next = target->forward(s2).gather(2, best_next).squeeze(2);
          y = ret + disc * q_next;
        }
        const auto q = online->forward(s).gather(2, act).squeeze(2);
        const auto loss = torch::smooth_l1_loss(q, y);
        optimiser.zero_grad();
        loss.backward();
        torch::nn::utils::clip_grad_norm_(online->parameters(), c.grad_clip);
        optimiser.step();
        loss_sum += loss.item<double>();
        ++loss_count;
        ++result.updates;
        if (result.updates % static_cast<std::uint64_t>(c.target_every) == 0) copy_weights();
      }
    }

    split(result.learn_s);

    // Progress, validation, the best policy so far.
    log.after_decision(t, *online, eps, loss_sum, loss_count, arena, result);

    if (log.checkpoint_due(t)) {
      CheckpointWriter out;
      out.module("online", *online);
      out.module("target", *target);
      out.optimiser("optimiser", optimiser);
      replay_parts(out);
      out.json("dqn", {{"next_decision", t + 1},
                       {"replay_size", replay.size},
                       {"replay_next", replay.next},
                       {"loss_sum", loss_sum},
                       {"loss_count", loss_count}});
      if (log.save_checkpoint(out, settings, hooks, result)) return result;  // stopped
    }
  }
  log.finish(result);
  remove_checkpoint(out_dir);  // finished: nothing to resume
  return result;
}

}  // namespace parktwin::ai
