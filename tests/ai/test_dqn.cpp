// The DQN learner (ai/learn/dqn.h) and trained policies (ai/learn/learned_policy.h), on a tiny
// budget: two trainings with one seed give identical weights (another seed, others); the
// policy written loads and runs a World's signals within the engine's rules; corrupt or
// foreign weights are errors naming the file; and a few seconds of training beat the untrained
// network and the fixed-time plans on seeds never trained on (learning happened). How far
// training goes is in docs/ai.md (minutes of CPU, parktwin eval), not here.

// glog (which comes with libtorch) defines a CHECK of its own that would replace Catch's:
// Catch's macros are used by their prefixed names here (DEPENDENCIES.md).
#define CATCH_CONFIG_PREFIX_ALL
#include <catch2/catch.hpp>
#include <torch/script.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ai/learn/checkpoint.h"
#include "ai/learn/dqn.h"
#include "ai/learn/learned_policy.h"
#include "ai/learn/ppo.h"
#include "ai/policy_card.h"
#include "engine/error.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "tests/support/policy_weights.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;
namespace fs = std::filesystem;

namespace {

struct Hangzhou {
  scenarios::RunMeta meta = scenarios::run_meta_of(scenarios::load_manifest(
      std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml"));
  traffic::Network net = scenarios::load_network(meta.network_path);
  traffic::Demand demand = scenarios::load_run_demand(meta, net);
};

// A barely trained policy may serve the traffic worse than the plans; it must still serve it,
// within the engine's rules: vehicles conserved, some finished.
void check_serves_traffic(const Hangzhou& h,
                          const std::shared_ptr<const ai::LearnedSignalPolicy>& policy, int steps) {
  ai::Episode e = ai::make_episode(h.net, h.demand, {}, ai::EnvOptions{}, 3, 1.0);
  e.world->set_agent(std::make_shared<ai::LearnedSignalAgent>(policy, *e.world));
  for (int i = 0; i < steps; ++i) e.world->step();
  const traffic::TrafficKpis k = e.world->traffic().kpis();
  CATCH_CHECK(k.created == k.waiting + k.running + k.finished);
  CATCH_CHECK(k.finished > 0);
}

ai::DqnConfig tiny(std::uint64_t seed) {
  ai::DqnConfig c;
  c.seed = seed;
  c.episodes = 4;
  c.envs = 2;
  c.threads = 2;
  c.hidden = {16};
  c.batch = 4;
  c.replay = 500;
  c.learning_starts = 20;
  c.target_every = 20;
  c.validate_every = 2;
  c.validation_runs = 1;
  c.env.episode_s = 300.0;
  return c;
}

std::string bytes_of(const std::string& path) {
  std::stringstream bytes;
  bytes << std::ifstream(path, std::ios::binary).rdbuf();
  return bytes.str();
}

}  // namespace

CATCH_TEST_CASE("training twice with one seed gives identical weights, the policy runs a World",
                "[ai][learn]") {
  const Hangzhou h;
  test::TempDir a, b, c;
  const auto train = [&](const test::TempDir& dir, std::uint64_t seed) {
    return ai::train_dqn(h.net, h.demand, {}, tiny(seed), dir.path().string(), {}, {});
  };
  const ai::TrainResult ra = train(a, 7);
  const ai::TrainResult rb = train(b, 7);
  train(c, 8);
  CATCH_REQUIRE(ra.updates > 100);  // it did learn something: gradient steps were taken
  CATCH_CHECK(ra.updates == rb.updates);
  CATCH_CHECK(ra.best_validation_att_s == rb.best_validation_att_s);
  CATCH_CHECK(
      torch::equal(test::weights_of(a.path().string()), test::weights_of(b.path().string())));
  CATCH_CHECK_FALSE(
      torch::equal(test::weights_of(a.path().string()), test::weights_of(c.path().string())));
  CATCH_REQUIRE(ra.curve.size() == 2);
  CATCH_CHECK(ra.curve.back().episode == 4);

  // The policy written loads and runs the signals of a World of the scenario.
  const auto policy = ai::LearnedSignalPolicy::load(a.path().string());
  CATCH_CHECK(policy->card().agent == "dqn");
  CATCH_CHECK(policy->card().training["best_validation_att_s"].get<double>() ==
              ra.best_validation_att_s);
  check_serves_traffic(h, policy, 900);
}

// Mean average travel time over evaluation seeds 1..3 (never trained on), 900 s each, of the
// policy in `dir` (a trained folder) or of a classic controller.
double held_out_att(const Hangzhou& h, const std::string& dir, traffic::SignalPolicy classic) {
  ai::EnvOptions env;
  env.episode_s = 900.0;
  double sum = 0.0;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    ai::Episode e = ai::make_episode(h.net, h.demand, {}, env, seed, 1.0,
                                     dir.empty() ? classic : traffic::SignalPolicy::agent);
    if (!dir.empty()) {
      e.world->set_agent(
          std::make_shared<ai::LearnedSignalAgent>(ai::LearnedSignalPolicy::load(dir), *e.world));
    }
    for (int i = 0; i < 900; ++i) e.world->step();
    sum += e.world->traffic().kpis().average_travel_time_s;
  }
  return sum / 3.0;
}

CATCH_TEST_CASE("DQN learns: a few seconds of training beat the untrained network and fixed time",
                "[ai][learn]") {
  const Hangzhou h;
  test::TempDir trained, untrained;
  ai::DqnConfig c;
  c.episodes = 16;
  c.envs = 8;
  c.threads = 2;
  c.env.episode_s = 900.0;
  ai::train_dqn(h.net, h.demand, {}, c, trained.path().string(), {}, {});
  c.updates_per_decision = 0;  // the same run without a gradient step: the initial weights
  ai::train_dqn(h.net, h.demand, {}, c, untrained.path().string(), {}, {});
  const double learned = held_out_att(h, trained.path().string(), {});
  const double initial = held_out_att(h, untrained.path().string(), {});
  const double fixed = held_out_att(h, "", traffic::SignalPolicy::fixed_time);
  CATCH_INFO("held-out ATT: trained " << learned << " s, untrained " << initial << " s, fixed time "
                                      << fixed << " s");
  // Measured 2026-12-06: trained 249 s, untrained 343 s, fixed time 289 s (max pressure 259 s).
  CATCH_CHECK(learned < 0.8 * initial);
  CATCH_CHECK(learned < 0.9 * fixed);
}

CATCH_TEST_CASE("the CoLight-style model trains, saves and runs a World like the phase MLP",
                "[ai][learn]") {
  const Hangzhou h;
  test::TempDir a, b;
  ai::DqnConfig c = tiny(5);
  c.model = "colight";
  const ai::TrainResult ra = ai::train_dqn(h.net, h.demand, {}, c, a.path().string(), {}, {});
  const ai::TrainResult rb = ai::train_dqn(h.net, h.demand, {}, c, b.path().string(), {}, {});
  CATCH_REQUIRE(ra.updates > 100);
  CATCH_CHECK(
      torch::equal(test::weights_of(a.path().string()), test::weights_of(b.path().string())));
  const auto policy = ai::LearnedSignalPolicy::load(a.path().string());
  CATCH_CHECK(policy->card().model == "colight");
  CATCH_CHECK(policy->card().agent == "colight");
  check_serves_traffic(h, policy, 600);
}

CATCH_TEST_CASE("PPO trains reproducibly and its policy runs a World", "[ai][learn]") {
  const Hangzhou h;
  test::TempDir a, b, c;
  ai::PpoConfig p;
  p.seed = 4;
  p.episodes = 4;
  p.envs = 2;
  p.threads = 2;
  p.hidden = {16};
  p.rollout = 16;
  p.validate_every = 2;
  p.validation_runs = 1;
  p.env.episode_s = 300.0;
  const ai::TrainResult ra = ai::train_ppo(h.net, h.demand, {}, p, a.path().string(), {}, {});
  const ai::TrainResult rb = ai::train_ppo(h.net, h.demand, {}, p, b.path().string(), {}, {});
  p.seed = 5;
  ai::train_ppo(h.net, h.demand, {}, p, c.path().string(), {}, {});
  CATCH_REQUIRE(ra.updates >= 16);  // 4 epochs x 4 minibatches per rollout
  CATCH_CHECK(ra.best_validation_att_s == rb.best_validation_att_s);
  CATCH_CHECK(
      torch::equal(test::weights_of(a.path().string()), test::weights_of(b.path().string())));
  CATCH_CHECK_FALSE(
      torch::equal(test::weights_of(a.path().string()), test::weights_of(c.path().string())));
  const auto policy = ai::LearnedSignalPolicy::load(a.path().string());
  CATCH_CHECK(policy->card().agent == "ppo");
  check_serves_traffic(h, policy, 600);
  // The gradient shards by default: 1, 2 and 4 ranks agree where the copies allow.
  CATCH_CHECK(ai::default_ppo_shards(8, 1) == 4);
  CATCH_CHECK(ai::default_ppo_shards(8, 2) == 4);
  CATCH_CHECK(ai::default_ppo_shards(8, 8) == 8);
  CATCH_CHECK(ai::default_ppo_shards(2, 1) == 1);
  CATCH_CHECK(ai::default_ppo_shards(6, 1) == 6);
  CATCH_CHECK(ai::default_ppo_shards(6, 4) == 0);
}

CATCH_TEST_CASE("a policy with corrupt or foreign weights, or run under other timing, is refused",
                "[ai][learn]") {
  const Hangzhou h;
  test::TempDir a;
  ai::train_dqn(h.net, h.demand, {}, tiny(1), a.path().string(), {}, {});
  const auto policy = ai::LearnedSignalPolicy::load(a.path().string());
  {  // another timing than trained
    ai::EnvOptions other;
    other.min_green_s = 5.0;
    ai::Episode f = ai::make_episode(h.net, h.demand, {}, other, 3, 1.0);
    CATCH_CHECK_THROWS_WITH(ai::LearnedSignalAgent(policy, *f.world),
                            Catch::Contains("timing differs") && Catch::Contains("min_green = 10"));
  }
  {  // weights that do not score phases
    torch::jit::Module m(c10::QualifiedName("__torch__.Other"));
    m.define("def forward(self, x):\n    return x.sum()\n");
    m.save((a.path() / ai::kWeightsFile).string());
    CATCH_CHECK_THROWS_WITH(ai::LearnedSignalPolicy::load(a.path().string()),
                            Catch::Contains("do not match their card"));
  }
  {  // corrupt weights name the file
    const std::string w = (a.path() / ai::kWeightsFile).string();
    std::string bytes = bytes_of(w);
    bytes.resize(bytes.size() / 2);
    std::ofstream(w, std::ios::binary) << bytes;
    CATCH_CHECK_THROWS_WITH(
        ai::LearnedSignalPolicy::load(a.path().string()),
        Catch::Contains("cannot read the policy's weights") && Catch::Contains("policy.pt"));
  }
}

namespace {

// Two learning curves equal in every figure but the wall time.
void check_same_curve(const ai::TrainResult& a, const ai::TrainResult& b) {
  CATCH_REQUIRE(a.curve.size() == b.curve.size());
  for (std::size_t i = 0; i < a.curve.size(); ++i) {
    CATCH_CHECK(a.curve[i].episode == b.curve[i].episode);
    CATCH_CHECK(a.curve[i].mean_reward == b.curve[i].mean_reward);
    CATCH_CHECK(a.curve[i].train_att_s == b.curve[i].train_att_s);
    CATCH_CHECK(a.curve[i].validation_att_s == b.curve[i].validation_att_s);
    CATCH_CHECK(a.curve[i].epsilon == b.curve[i].epsilon);
    CATCH_CHECK(a.curve[i].loss == b.curve[i].loss);
  }
  CATCH_CHECK(a.updates == b.updates);
  CATCH_CHECK(a.transitions == b.transitions);
  CATCH_CHECK(a.best_episode == b.best_episode);
}

// Trains with `train(dir, hooks)` once through, and once stopped at its first checkpoint and
// resumed (with another thread count): the two must end alike, bit for bit.
template <class Train>
void check_resumes_exactly(Train train) {
  test::TempDir through, stopped;
  const ai::TrainResult whole = train(through, ai::TrainHooks{}, 2);
  CATCH_CHECK_FALSE(whole.stopped);
  CATCH_CHECK_FALSE(ai::has_checkpoint(through.path().string()));  // removed at the end

  ai::TrainHooks stop;
  stop.stop = [] { return true; };
  const ai::TrainResult first = train(stopped, stop, 2);
  CATCH_REQUIRE(first.stopped);
  CATCH_REQUIRE(ai::has_checkpoint(stopped.path().string()));
  CATCH_CHECK(first.updates < whole.updates);

  ai::TrainHooks resume;
  resume.resume = true;
  const ai::TrainResult rest = train(stopped, resume, 1);
  CATCH_CHECK_FALSE(rest.stopped);
  check_same_curve(whole, rest);
  CATCH_CHECK(torch::equal(test::weights_of(through.path().string()),
                           test::weights_of(stopped.path().string())));
}

}  // namespace

CATCH_TEST_CASE("a DQN training stopped at a checkpoint resumes to the same weights and curve",
                "[ai][learn]") {
  const Hangzhou h;
  check_resumes_exactly([&](const test::TempDir& dir, const ai::TrainHooks& hooks, int threads) {
    ai::DqnConfig c = tiny(3);
    c.threads = threads;
    c.validate_every = 1;  // a point (validation, loss) after every round, the last included
    return ai::train_dqn(h.net, h.demand, {}, c, dir.path().string(), {}, hooks);
  });
}

CATCH_TEST_CASE("a PPO training stopped within a rollout resumes to the same weights and curve",
                "[ai][learn]") {
  const Hangzhou h;
  check_resumes_exactly([&](const test::TempDir& dir, const ai::TrainHooks& hooks, int threads) {
    ai::PpoConfig p;
    p.seed = 2;
    p.episodes = 4;
    p.envs = 2;
    p.threads = threads;
    p.hidden = {16};
    p.rollout = 16;  // the checkpoint after decision 60 falls within the fourth rollout
    p.validate_every = 1;
    p.validation_runs = 1;
    p.env.episode_s = 300.0;
    return ai::train_ppo(h.net, h.demand, {}, p, dir.path().string(), {}, hooks);
  });
}

CATCH_TEST_CASE("a checkpoint made with other settings, corrupt or missing is refused by name",
                "[ai][learn]") {
  const Hangzhou h;
  test::TempDir dir;
  ai::TrainHooks stop;
  stop.stop = [] { return true; };
  const std::string out = dir.path().string();
  ai::DqnConfig c = tiny(4);
  ai::TrainHooks resume;
  resume.resume = true;
  CATCH_CHECK_THROWS_WITH(
      ai::train_dqn(h.net, h.demand, {}, c, out, {}, resume),
      Catch::Contains("cannot read the training checkpoint") && Catch::Contains("checkpoint.pt"));
  CATCH_REQUIRE(ai::train_dqn(h.net, h.demand, {}, c, out, {{"scenario", "a"}}, stop).stopped);
  {
    ai::DqnConfig other = c;
    other.gamma = 0.9;
    CATCH_CHECK_THROWS_WITH(
        ai::train_dqn(h.net, h.demand, {}, other, out, {{"scenario", "a"}}, resume),
        Catch::Contains("other settings") && Catch::Contains("learner.gamma") &&
            Catch::Contains("0.97"));
    CATCH_CHECK_THROWS_WITH(ai::train_dqn(h.net, h.demand, {}, c, out, {{"scenario", "b"}}, resume),
                            Catch::Contains("run.scenario") && Catch::Contains("\"a\""));
    ai::PpoConfig ppo;
    CATCH_CHECK_THROWS_WITH(
        ai::train_ppo(h.net, h.demand, {}, ppo, out, {{"scenario", "a"}}, resume),
        Catch::Contains("other settings"));
  }
  // Cut in half: named, not a crash.
  const std::string file = ai::checkpoint_file(out);
  std::string bytes = bytes_of(file);
  bytes.resize(bytes.size() / 2);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  CATCH_CHECK_THROWS_WITH(
      ai::train_dqn(h.net, h.demand, {}, c, out, {{"scenario", "a"}}, resume),
      Catch::Contains("cannot read the training checkpoint") && Catch::Contains("checkpoint.pt"));
}
