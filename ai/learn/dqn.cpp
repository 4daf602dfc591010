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

#include "ai/learn/phase_q_net.h"
#include "ai/phase_features.h"
#include "ai/policy_card.h"
#include "engine/error.h"
#include "engine/rng.h"

namespace parktwin::ai {

namespace {

enum class DqnStream : std::uint32_t { explore = 301, explore_action = 302, replay = 303 };

void check(bool ok, const char* setting, const std::string& expected, double value) {
  if (!ok) {
    throw Error("invalid training setting")
        .field(setting)
        .expected(expected)
        .found(fmt::format("{}", value));
  }
}

// Greedy actions of `net` for rows of phase features: the best allowed slot, -1 if none.
void greedy(PhaseQNet& net, const float* features, const std::uint8_t* masks, long rows,
            long slots, std::int32_t* actions) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::from_blob(const_cast<float*>(features),
                                           {rows, slots, static_cast<long>(kPhaseFeatures)});
  const torch::Tensor q = net->forward(x).contiguous();
  const float* qs = q.data_ptr<float>();
  for (long r = 0; r < rows; ++r) {
    std::int32_t best = -1;
    for (long s = 0; s < slots; ++s) {
      if (masks[r * slots + s] == 0) continue;
      if (best < 0 || qs[r * slots + s] > qs[r * slots + best]) best = static_cast<std::int32_t>(s);
    }
    actions[r] = best;
  }
}

// Experience replay: one transition per (agent, decision), n-step, in flat arrays.
struct Replay {
  long slots = 0;
  std::size_t capacity = 0, size = 0, next = 0;
  std::vector<float> s, s2, ret, discount;
  std::vector<std::uint8_t> mask2;
  std::vector<std::int64_t> action;

  Replay(std::size_t cap, long p) : slots(p), capacity(cap) {
    const std::size_t row = static_cast<std::size_t>(p) * kPhaseFeatures;
    s.resize(cap * row);
    s2.resize(cap * row);
    mask2.resize(cap * static_cast<std::size_t>(p));
    ret.resize(cap);
    discount.resize(cap);
    action.resize(cap);
  }
  void add(const float* state, std::int64_t a, float r, float disc, const float* state2,
           const std::uint8_t* mask_of_state2) {
    const std::size_t row = static_cast<std::size_t>(slots) * kPhaseFeatures;
    std::copy_n(state, row, s.data() + next * row);
    if (disc > 0.0f) {
      std::copy_n(state2, row, s2.data() + next * row);
      std::copy_n(mask_of_state2, slots, mask2.data() + next * static_cast<std::size_t>(slots));
    } else {  // terminal: the next state is never read; any allowed slot keeps argmax finite
      std::fill_n(s2.data() + next * row, row, 0.0f);
      std::fill_n(mask2.data() + next * static_cast<std::size_t>(slots), slots, std::uint8_t{1});
    }
    ret[next] = r;
    discount[next] = disc;
    action[next] = a;
    next = (next + 1) % capacity;
    size = std::min(size + 1, capacity);
  }
};

// The last n decisions of one copy, for n-step returns.
struct History {
  int n = 1, count = 0, head = 0;  // ring of n entries
  std::size_t row_floats = 0, agents = 0;
  std::vector<float> features;      // n x agents x row
  std::vector<std::int64_t> actions;  // n x agents
  std::vector<float> rewards;       // n x agents

  History(int n_, std::size_t a, std::size_t row) : n(n_), row_floats(row), agents(a) {
    features.resize(static_cast<std::size_t>(n) * a * row);
    actions.resize(static_cast<std::size_t>(n) * a);
    rewards.resize(static_cast<std::size_t>(n) * a);
  }
  std::size_t slot(int k) const { return static_cast<std::size_t>((head + k) % n); }  // k-th oldest
};


double validate(PhaseQNet& net, const traffic::Network& net_model, const traffic::Demand& demand,
                const traffic::TrafficConfig& traffic, const DqnConfig& c, tbb::task_arena& arena) {
  std::vector<double> att(static_cast<std::size_t>(c.validation_runs), 0.0);
  std::vector<Episode> runs;
  for (int i = 0; i < c.validation_runs; ++i) {
    runs.push_back(make_episode(net_model, demand, traffic, c.env,
                                kValidationSeeds + static_cast<std::uint64_t>(i), 1.0));
  }
  const auto interval = static_cast<int>(std::lround(c.env.decision_s / traffic.step_s));
  const auto decisions = static_cast<int>(std::lround(c.env.episode_s / c.env.decision_s));
  for (std::size_t i = 0; i < runs.size(); ++i) {
    World& w = *runs[i].world;
    traffic::SignalSurface& s = *w.signals().surface();
    PhaseFeatures pf(s);
    std::vector<float> f(s.agents() * pf.row_floats());
    std::vector<std::uint8_t> m(s.agents() * pf.phase_slots());
    std::vector<std::int32_t> act(s.agents());
    for (int d = 0; d < decisions; ++d) {
      pf.compute(w.traffic(), s, f, m);
      greedy(net, f.data(), m.data(), static_cast<long>(s.agents()),
             static_cast<long>(pf.phase_slots()), act.data());
      for (std::size_t a = 0; a < act.size(); ++a) {
        if (act[a] >= 0) s.ctrl()[a] = act[a];
      }
      arena.execute([&] {
        for (int k = 0; k < interval; ++k) w.step();
      });
    }
    att[i] = w.traffic().kpis().average_travel_time_s;
  }
  double sum = 0.0;
  for (const double a : att) sum += a;
  return sum / static_cast<double>(att.size());
}

}  // namespace

TrainResult train_dqn(const traffic::Network& net, const traffic::Demand& demand,
                      const traffic::TrafficConfig& traffic, const DqnConfig& c,
                      const std::string& out_dir, const nlohmann::json& card_training,
                      const std::function<void(const TrainProgress&)>& progress) {
  check(c.episodes >= 1, "episodes", ">= 1", c.episodes);
  check(c.envs >= 1 && c.envs <= 1024, "envs", "1..1024", c.envs);
  check(c.threads >= 1, "threads", ">= 1", c.threads);
  check(c.gamma > 0.0 && c.gamma < 1.0, "gamma", "in (0, 1)", c.gamma);
  check(c.n_step >= 1 && c.n_step <= 100, "n_step", "1..100", c.n_step);
  check(c.learning_rate > 0.0, "learning_rate", "> 0", c.learning_rate);
  check(c.batch >= 1, "batch", ">= 1", c.batch);
  check(c.replay >= c.batch, "replay", ">= batch", c.replay);
  check(c.target_every >= 1, "target_every", ">= 1", c.target_every);
  check(c.validate_every >= 1, "validate_every", ">= 1", c.validate_every);
  check(c.validation_runs >= 1, "validation_runs", ">= 1", c.validation_runs);
  for (const int h : c.hidden) check(h >= 1 && h <= 4096, "hidden", "1..4096", h);

  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  torch::set_num_threads(1);
  torch::manual_seed(c.seed);

  SignalVecEnv env(net, demand, traffic, c.env, c.envs, c.threads,
                   kTrainingSeeds + c.seed * 100'000);
  tbb::task_arena arena(c.threads);
  const std::size_t K = env.copies(), A = env.agents();
  const auto P = static_cast<long>(env.phase_slots());
  const std::size_t row = static_cast<std::size_t>(P) * kPhaseFeatures;

  PhaseQNet online(static_cast<int>(kPhaseFeatures), c.hidden);
  PhaseQNet target(static_cast<int>(kPhaseFeatures), c.hidden);
  const auto copy_weights = [&] {
    torch::NoGradGuard g;
    auto src = online->parameters();
    auto dst = target->parameters();
    for (std::size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  };
  copy_weights();
  torch::optim::Adam optimiser(online->parameters(), torch::optim::AdamOptions(c.learning_rate));

  Replay replay(static_cast<std::size_t>(c.replay), P);
  std::vector<History> history(K, History(c.n_step, A, row));
  std::vector<std::int32_t> actions(K * A);
  std::vector<std::int32_t> greedy_actions(K * A);
  std::vector<float> batch_s(static_cast<std::size_t>(c.batch) * row),
      batch_s2(static_cast<std::size_t>(c.batch) * row), batch_ret(static_cast<std::size_t>(c.batch)),
      batch_disc(static_cast<std::size_t>(c.batch));
  std::vector<std::uint8_t> batch_mask2(static_cast<std::size_t>(c.batch) * static_cast<std::size_t>(P));
  std::vector<std::int64_t> batch_a(static_cast<std::size_t>(c.batch));

  // Decisions in all: each copy runs episodes / copies episodes (rounded up).
  const auto per_episode = static_cast<std::uint64_t>(std::lround(c.env.episode_s / c.env.decision_s));
  const std::uint64_t episodes_per_copy = (static_cast<std::uint64_t>(c.episodes) + K - 1) / K;
  const std::uint64_t total_decisions = episodes_per_copy * per_episode;
  const double decay_decisions = std::max(1.0, c.epsilon_fraction * static_cast<double>(total_decisions));

  TrainResult result;
  std::vector<float> gamma_pow(static_cast<std::size_t>(c.n_step) + 1, 1.0f);
  for (int k = 1; k <= c.n_step; ++k) gamma_pow[static_cast<std::size_t>(k)] = gamma_pow[static_cast<std::size_t>(k) - 1] * static_cast<float>(c.gamma);

  std::size_t reported_episodes = 0;
  double loss_sum = 0.0;
  std::uint64_t loss_count = 0;
  int next_validation = c.validate_every;
  double best = 0.0;

  const auto save_best = [&](double att, int episode) {
    std::filesystem::create_directories(out_dir);
    save_torchscript(online, (std::filesystem::path(out_dir) / kWeightsFile).string());
    PolicyCard card = card_for(env.surface());
    card.agent = "dqn";
    card.hidden = c.hidden;
    card.decision_s = c.env.decision_s;
    card.reward = traffic::reward_kind_name(c.env.reward);
    card.reward_scale = c.env.reward_scale;
    card.training = card_training;
    card.training["best_validation_att_s"] = att;
    card.training["best_episode"] = episode;
    card.training["validation_seeds"] = {kValidationSeeds, kValidationSeeds + c.validation_runs - 1};
    write_card(card, out_dir);
  };

  for (std::uint64_t t = 0; t < total_decisions; ++t) {
    const double eps = std::max(c.epsilon_end, c.epsilon_start + (c.epsilon_end - c.epsilon_start) *
                                                                     static_cast<double>(t) / decay_decisions);
    const std::span<const float> feats = env.features();
    const std::span<const std::uint8_t> masks = env.masks();
    greedy(online, feats.data(), masks.data(), static_cast<long>(K * A), P, greedy_actions.data());
    for (std::size_t i = 0; i < K * A; ++i) {
      const auto id = static_cast<std::uint32_t>(i);
      std::int32_t a = greedy_actions[i];
      if (rng::uniform(c.seed, DqnStream::explore, id, t) < eps) {
        // A random allowed slot.
        int allowed = 0;
        for (long s = 0; s < P; ++s) allowed += masks[i * static_cast<std::size_t>(P) + static_cast<std::size_t>(s)];
        if (allowed > 0) {
          int pick = static_cast<int>(rng::uniform(c.seed, DqnStream::explore_action, id, t) * allowed);
          for (long s = 0; s < P; ++s) {
            if (masks[i * static_cast<std::size_t>(P) + static_cast<std::size_t>(s)] == 0) continue;
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
      std::copy_n(feats.data() + k * A * row, A * row, h.features.data() + at * A * row);
      for (std::size_t a = 0; a < A; ++a) h.actions[at * A + a] = actions[k * A + a];
      ++h.count;
    }
    env.step(actions);
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
          replay.add(h.features.data() + (from * A + a) * row, h.actions[from * A + a], ret,
                     done ? 0.0f : gamma_pow[static_cast<std::size_t>(steps)],
                     next.data() + (k * A + a) * row,
                     next_mask.data() + (k * A + a) * static_cast<std::size_t>(P));
          ++result.transitions;
        }
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
        for (int b = 0; b < c.batch; ++b) {
          const auto j = static_cast<std::size_t>(
              rng::uniform(c.seed, DqnStream::replay, static_cast<std::uint32_t>(b), result.updates) *
              static_cast<double>(replay.size));
          const auto bi = static_cast<std::size_t>(b);
          std::copy_n(replay.s.data() + j * row, row, batch_s.data() + bi * row);
          std::copy_n(replay.s2.data() + j * row, row, batch_s2.data() + bi * row);
          std::copy_n(replay.mask2.data() + j * static_cast<std::size_t>(P), P,
                      batch_mask2.data() + bi * static_cast<std::size_t>(P));
          batch_ret[bi] = replay.ret[j];
          batch_disc[bi] = replay.discount[j];
          batch_a[bi] = replay.action[j];
        }
        const long B = c.batch;
        const auto s = torch::from_blob(batch_s.data(), {B, P, static_cast<long>(kPhaseFeatures)});
        const auto s2 = torch::from_blob(batch_s2.data(), {B, P, static_cast<long>(kPhaseFeatures)});
        const auto m2 = torch::from_blob(batch_mask2.data(), {B, P}, torch::kUInt8).to(torch::kBool);
        const auto ret = torch::from_blob(batch_ret.data(), {B});
        const auto disc = torch::from_blob(batch_disc.data(), {B});
        const auto act = torch::from_blob(batch_a.data(), {B, 1}, torch::kInt64);
        torch::Tensor y;
        {
          torch::NoGradGuard g;
          const auto best_next = masked_q(online->forward(s2), m2).argmax(1, true);  // double DQN
          const auto q_next = target->forward(s2).gather(1, best_next).squeeze(1);
          y = ret + disc * q_next;
        }
        const auto q = online->forward(s).gather(1, act).squeeze(1);
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

    // Progress, validation, the best policy so far.
    const auto& finished = env.finished();
    const bool last = t + 1 == total_decisions;
    if (static_cast<int>(finished.size()) >= next_validation || last) {
      next_validation = static_cast<int>(finished.size()) + c.validate_every;
      TrainPoint p;
      p.episode = static_cast<int>(finished.size());
      double rsum = 0.0, att = 0.0;
      const std::size_t n = finished.size() - reported_episodes;
      for (std::size_t i = reported_episodes; i < finished.size(); ++i) {
        rsum += finished[i].reward_sum;
        att += finished[i].kpis.average_travel_time_s;
      }
      if (n > 0) {
        p.mean_reward = rsum / static_cast<double>(n) / static_cast<double>(A);
        p.train_att_s = att / static_cast<double>(n);
      }
      reported_episodes = finished.size();
      p.validation_att_s = validate(online, net, demand, traffic, c, arena);
      if (best == 0.0 || p.validation_att_s < best) {
        best = p.validation_att_s;
        result.best_episode = p.episode;
        save_best(best, p.episode);
      }
      p.epsilon = eps;
      p.loss = loss_count > 0 ? loss_sum / static_cast<double>(loss_count) : 0.0;
      loss_sum = 0.0;
      loss_count = 0;
      p.wall_s = elapsed();
      result.curve.push_back(p);
      TrainProgress pr;
      pr.point = p;
      pr.episodes_total = static_cast<int>(episodes_per_copy * K);
      pr.decisions_per_s = static_cast<double>((t + 1) * K) / std::max(p.wall_s, 1e-9);
      pr.best_validation_att_s = best;
      pr.eta_s = p.wall_s / static_cast<double>(t + 1) * static_cast<double>(total_decisions - t - 1);
      if (progress) progress(pr);
    }
  }
  result.best_validation_att_s = best;
  result.decisions = total_decisions * K;
  result.wall_s = elapsed();
  // The card gets the whole run's figures.
  PolicyCard card = read_card(out_dir);
  card.training["wall_s"] = result.wall_s;
  card.training["decisions"] = result.decisions;
  card.training["transitions"] = result.transitions;
  card.training["updates"] = result.updates;
  write_card(card, out_dir);
  return result;
}

}  // namespace parktwin::ai
