// parktwin train: learns a signal policy for a scenario's junctions from scratch and writes it
// (TorchScript weights and a JSON card) with its learning curve (train.csv, train.h5) to a
// folder. The learners are in ai/learn/; training is bit-reproducible for a seed, and a killed
// training resumes from its last checkpoint (--resume) to the same weights.

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <vector>

#include "ai/learn/checkpoint.h"
#include "ai/learn/dqn.h"
#include "ai/learn/ppo.h"
#include "ai/policy_card.h"
#include "engine/error.h"
#include "engine/parallel.h"
#include "engine/version.h"
#include "scenarios/hdf5/h5.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "tools/cli_checks.h"
#include "tools/cmd_eval_energy.h"
#include "tools/command.h"
#include "tools/learning_options.h"
#include "tools/mpi_world.h"

namespace parktwin::cli {

namespace {

namespace fs = std::filesystem;

struct TrainOptions {
  std::string scenario;
  std::string agent = "dqn";
  int episodes = ai::DqnConfig{}.episodes;
  int envs = ai::DqnConfig{}.envs;
  std::uint64_t seed = 0;
  std::string out;
  bool force = false;
  bool resume = false;
  double checkpoint_every_s = 60.0;
  bool quiet = false;
  double gamma = ai::DqnConfig{}.gamma;
  int n_step = ai::DqnConfig{}.n_step;
  double learning_rate = ai::DqnConfig{}.learning_rate;
  bool learning_rate_given = false;
  int updates = ai::DqnConfig{}.updates_per_decision;
  std::vector<int> hidden = ai::DqnConfig{}.hidden;
  LearningEnvOptions env;
  EnergyCliOptions energy;
  std::optional<int> iterations, directions;  // ars
  std::optional<int> shards;                  // ppo
  bool agent_given = false, episodes_given = false, envs_given = false, gamma_given = false,
       hidden_given = false;
};

EnergyTrainArgs energy_args(const TrainOptions& o, ai::Collective* ranks) {
  if (o.resume) {
    throw Error("energy training cannot resume yet")
        .field("--resume")
        .expected("a fresh training (checkpoints are written for signal control only)");
  }
  EnergyTrainArgs a;
  a.scenario = o.scenario;
  a.out = o.out;
  if (o.agent_given) a.agent = o.agent;
  if (o.episodes_given) a.episodes = o.episodes;
  if (o.envs_given) a.envs = o.envs;
  if (o.learning_rate_given) a.learning_rate = o.learning_rate;
  if (o.gamma_given) a.gamma = o.gamma;
  if (o.hidden_given) a.hidden = o.hidden;
  a.iterations = o.iterations;
  a.directions = o.directions;
  a.seed = o.seed;
  a.force = o.force;
  a.quiet = o.quiet;
  a.energy = o.energy;
  a.ranks = ranks;
  return a;
}

std::string duration_text(double s) {
  if (!(s >= 0.0) || !std::isfinite(s)) return "?";
  const auto t = static_cast<long>(std::lround(s));
  return t >= 3600 ? fmt::format("{}h{:02}m", t / 3600, t / 60 % 60)
                   : fmt::format("{}m{:02}s", t / 60, t % 60);
}

// The learning curve so far as CSV, rewritten at every point: a training stopped early keeps it.
void write_curve_csv(const std::vector<ai::TrainPoint>& curve, const std::string& dir) {
  std::ofstream csv(fs::path(dir) / "train.csv");
  csv << "episode,mean_reward,train_att_s,validation_att_s,epsilon,loss,wall_s\n";
  for (const ai::TrainPoint& p : curve) {
    csv << fmt::format("{},{:.6g},{:.6g},{:.6g},{:.4g},{:.6g},{:.3f}\n", p.episode, p.mean_reward,
                       p.train_att_s, p.validation_att_s, p.epsilon, p.loss, p.wall_s);
  }
}

void write_curve(const ai::TrainResult& r, const std::string& dir) {
  write_curve_csv(r.curve, dir);
  const std::string path = (fs::path(dir) / "train.h5").string();
  const h5::Handle file = h5::create_file(path);
  const h5::Handle g = h5::create_group(file.get(), "curve", path);
  const auto column = [&](const char* name, auto get) {
    std::vector<double> v;
    for (const ai::TrainPoint& p : r.curve) v.push_back(get(p));
    h5::write_column(g.get(), name, std::span<const double>(v));
  };
  column("episode", [](const ai::TrainPoint& p) { return static_cast<double>(p.episode); });
  column("mean_reward", [](const ai::TrainPoint& p) { return p.mean_reward; });
  column("train_att_s", [](const ai::TrainPoint& p) { return p.train_att_s; });
  column("validation_att_s", [](const ai::TrainPoint& p) { return p.validation_att_s; });
  column("epsilon", [](const ai::TrainPoint& p) { return p.epsilon; });
  column("loss", [](const ai::TrainPoint& p) { return p.loss; });
  column("wall_s", [](const ai::TrainPoint& p) { return p.wall_s; });
  h5::write_attr(file.get(), "best_validation_att_s", r.best_validation_att_s);
  h5::write_attr(file.get(), "decisions", r.decisions);
  h5::write_attr(file.get(), "updates", r.updates);
  h5::write_attr(file.get(), "parktwin_version", std::string(version()));
}

// Training ranks on MPI (tools/mpi_world.h) as the learners see them (ai/learn/collective.h).
class MpiRanks final : public ai::Collective {
 public:
  explicit MpiRanks(mpi::World world) : world_(world) {}
  int rank() const override { return world_.rank; }
  int size() const override { return world_.size; }
  void all_gather(const void* mine, std::size_t bytes, void* all) override {
    mpi::all_gather(mine, bytes, all);
  }

 private:
  mpi::World world_;
};

// Refuses what this training cannot do, before anything is written.
void check_command(const TrainOptions& o, int ranks) {
  if (!o.energy.active() &&
      (o.agent == "ars" || o.agent == "sac" || o.iterations || o.directions)) {
    throw Error(fmt::format("{} learns energy control only", o.agent == "sac" ? "sac" : "ars"))
        .field("--agent")
        .expected(
            "--control hvac|battery|charging|energy with --agent ars or sac, or dqn, colight "
            "or ppo for signals");
  }
  if (o.shards && (o.energy.active() || o.agent != "ppo")) {
    throw Error("--shards is a setting of ppo on signals")
        .field("--shards")
        .expected("--agent ppo without --control, or no --shards");
  }
  if (ranks > 1 && (o.energy.active() ? o.agent != "ars" : o.agent != "ppo")) {
    throw Error(
        fmt::format("a distributed training ({} ranks) learns with ppo on signals or ars on energy",
                    ranks))
        .field("--agent")
        .expected(
            "--agent ppo for signals, --agent ars with --control (dqn and colight learn from one "
            "replay buffer, energy ppo and sac from one process's episodes), or no mpirun")
        .found(o.agent);
  }
  if (ranks > 1 && o.resume) {
    throw Error("a distributed training cannot resume yet")
        .field("--resume")
        .expected("a fresh training (each rank's rollout is not checkpointed), or no mpirun");
  }
  if (o.agent != "ppo" || o.energy.active()) return;
  const int shards = o.shards.value_or(ai::default_ppo_shards(o.envs, ranks));
  if (o.envs % ranks != 0 || shards < 1 || shards % ranks != 0 || o.envs % shards != 0) {
    throw Error(fmt::format("{} copies cannot be shared by {} rank{} in {} gradient shards", o.envs,
                            ranks, ranks == 1 ? "" : "s", shards))
        .field(o.shards ? "--shards" : "--envs")
        .expected(fmt::format(
            "--envs a multiple of {} (the ranks), and --shards a multiple of {} dividing --envs",
            ranks, ranks));
  }
}

// The folder the training works in (OUT/.training), checked and made ready.
fs::path prepare_folder(const TrainOptions& o) {
  std::error_code ec;
  // (A training being resumed had that permission when it started.)
  if (fs::exists(fs::path(o.out) / ai::kCardFile, ec) && !o.force && !o.resume) {
    throw Error("the output folder holds a policy already")
        .in_file(o.out)
        .expected("another folder, or --force to replace it");
  }
  // Training writes into OUT/.training and moves its files into OUT only when it has
  // finished: a failed or killed training leaves the policy already in OUT as it was, and its
  // own curve, best policy and last checkpoint in OUT/.training, from which --resume goes on.
  const fs::path work = fs::path(o.out) / ".training";
  if (o.resume) {
    if (!ai::has_checkpoint(work.string())) {
      throw Error("no interrupted training to resume")
          .in_file(work.string())
          .expected(fmt::format("{} (written between rounds of episodes)", ai::kCheckpointFile));
    }
  } else {
    if (ai::has_checkpoint(work.string()) && !o.force) {
      throw Error("the output folder holds an interrupted training")
          .in_file(ai::checkpoint_file(work.string()))
          .expected("--resume to continue it, or --force to start afresh");
    }
    fs::remove_all(work, ec);
  }
  fs::create_directories(work, ec);
  if (ec || !fs::is_directory(work)) {
    throw Error("cannot create the output folder").in_file(o.out).found(ec.message());
  }
  return work;
}

int train_signals(const TrainOptions& o, const CommandContext& ctx, ai::Collective* ranks);

int run_train(const TrainOptions& o, const CommandContext& ctx) {
  const mpi::World world = mpi::join();
  struct Leave {
    ~Leave() { mpi::leave(); }
  } leave;
  if (world.size == 1) {
    check_command(o, 1);
    if (o.energy.active()) return run_energy_train(energy_args(o, nullptr), ctx);
    return train_signals(o, ctx, nullptr);
  }
  // Rank 0 checks the command and prepares the folder; a bad command is its error to print.
  if (world.rank == 0) {
    try {
      check_command(o, world.size);
      if (o.energy.active()) {
        check_energy_train(energy_args(o, nullptr));
      } else {
        prepare_folder(o);
      }
    } catch (...) {
      mpi::broadcast(0);
      throw;
    }
    mpi::broadcast(1);
  } else if (mpi::broadcast(0) == 0) {
    return exit_code::failure;
  }
  MpiRanks ranks(world);
  try {
    if (o.energy.active()) return run_energy_train(energy_args(o, &ranks), ctx);
    return train_signals(o, ctx, &ranks);
  } catch (const std::exception& e) {
    // Whatever failed here failed on this rank alone, perhaps: the others would wait for it.
    ctx.err << fmt::format("parktwin train: error (rank {} of {}): {}\n", world.rank, world.size,
                           e.what());
    ctx.err.flush();
    mpi::abort_all(exit_code::failure);
  }
}

int train_signals(const TrainOptions& o, const CommandContext& ctx, ai::Collective* ranks) {
  const bool root = ranks == nullptr || ranks->rank() == 0;
  const int rank_count = ranks == nullptr ? 1 : ranks->size();
  const scenarios::Manifest manifest = scenarios::load_manifest(o.scenario);
  const scenarios::RunMeta meta = scenarios::run_meta_of(manifest);
  const fs::path work =
      ranks == nullptr ? prepare_folder(o) : fs::path(o.out) / ".training";  // rank 0 made it
  std::error_code ec;
  const traffic::Network net = scenarios::load_network(meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  traffic::TrafficConfig traffic;
  traffic.step_s = meta.step_s;
  traffic.lane_changing = meta.lane_changing;

  ai::DqnConfig c;
  c.model = o.agent == "colight" ? "colight" : "phase_q_mlp";
  c.episodes = o.episodes;
  c.envs = o.envs;
  c.seed = o.seed;
  c.gamma = o.gamma;
  c.n_step = o.n_step;
  c.learning_rate = o.learning_rate;
  c.updates_per_decision = o.updates;
  c.hidden = o.hidden;
  // Under mpirun the ranks on one machine share it.
  c.threads = ctx.global.threads > 0
                  ? ctx.global.threads
                  : std::max(1, par::hardware_threads() / mpi::local_ranks(rank_count));
  c.env = o.env.to_env_options(meta);

  nlohmann::json record = {{"scenario", fs::absolute(o.scenario).lexically_normal().string()},
                           {"agent", o.agent},
                           {"episodes", c.episodes},
                           {"envs", c.envs},
                           {"seed", c.seed},
                           {"threads", c.threads},
                           {"gamma", c.gamma},
                           {"hidden", c.hidden},
                           {"reward", traffic::reward_kind_name(c.env.reward)},
                           {"decision_s", c.env.decision_s},
                           {"n_step", c.n_step},
                           {"learning_rate", c.learning_rate},
                           {"batch", c.batch},
                           {"updates_per_decision", c.updates_per_decision},
                           {"replay", c.replay},
                           {"target_every", c.target_every},
                           {"demand_scales", c.env.demand_scales},
                           {"jitter_s", c.env.jitter_s},
                           {"neighbour_reward", c.env.neighbour_reward},
                           {"min_green_s", c.env.min_green_s},
                           {"max_green_s", c.env.max_green_s},
                           {"episode_s", c.env.episode_s}};
  if (!o.quiet && root) {
    ctx.err << fmt::format(
        "{} {} on {} ({} junctions): {} episodes of {} s, {} copies, "
        "{} threads{}, seed {}\n",
        o.resume ? "resuming the training of" : "training", o.agent, o.scenario, net.signal_count(),
        c.episodes, c.env.episode_s, c.envs, c.threads,
        rank_count > 1 ? fmt::format(" on each of {} ranks", rank_count) : "", c.seed);
  }
  ai::TrainHooks hooks;
  hooks.resume = o.resume;
  hooks.checkpoint_every_s = o.checkpoint_every_s;
  hooks.ranks = ranks;
  hooks.progress = [&](const ai::TrainProgress& p) {
    // A training stopped early keeps its curve so far.
    write_curve_csv({p.curve.begin(), p.curve.end()}, work.string());
    if (o.quiet) return;
    ctx.err << fmt::format(
        "episode {:>4}/{}  {:>6.0f} decisions/s  reward {:>8.3f}  train ATT {:>6.1f} s  "
        "validation ATT {:>6.1f} s (best {:.1f})  {}  ETA {}\n",
        p.point.episode, p.episodes_total, p.decisions_per_s, p.point.mean_reward,
        p.point.train_att_s, p.point.validation_att_s, p.best_validation_att_s,
        o.agent == "ppo" ? fmt::format("loss {:.3f}", p.point.loss)
                         : fmt::format("eps {:.2f}", p.point.epsilon),
        duration_text(p.eta_s));
    ctx.err.flush();
  };
  ai::TrainResult r;
  if (o.agent == "ppo") {
    ai::PpoConfig pc;
    pc.episodes = c.episodes;
    pc.envs = c.envs;
    pc.threads = c.threads;
    pc.seed = c.seed;
    pc.hidden = c.hidden;
    pc.gamma = c.gamma;
    if (o.learning_rate_given) pc.learning_rate = c.learning_rate;
    pc.env = c.env;
    pc.shards = o.shards.value_or(ai::default_ppo_shards(pc.envs, rank_count));
    record["learning_rate"] = pc.learning_rate;
    record["shards"] = pc.shards;
    record["ranks"] = rank_count;
    record["rollout"] = pc.rollout;
    record["epochs"] = pc.epochs;
    record["clip"] = pc.clip;
    record.erase("n_step");
    record.erase("replay");
    record.erase("target_every");
    record.erase("batch");
    record.erase("updates_per_decision");
    r = ai::train_ppo(net, demand, traffic, pc, work.string(), record, hooks);
  } else {
    r = ai::train_dqn(net, demand, traffic, c, work.string(), record, hooks);
  }
  if (!root) return exit_code::ok;  // rank 0 writes the files
  write_curve(r, work.string());
  for (const char* f : {ai::kWeightsFile, "train.csv", "train.h5", ai::kCardFile}) {
    fs::rename(work / f, fs::path(o.out) / f, ec);  // the card last: it names a whole policy
    if (ec)
      throw Error("cannot move the trained policy into place").in_file(o.out).found(ec.message());
  }
  fs::remove_all(work, ec);  // the checkpoint with it: the training is over
  ctx.out << fmt::format(
      "trained {} in {}: best validation ATT {:.1f} s at episode {}; {} decisions, {} updates\n"
      "time: {:.0f} s stepping the copies, {:.0f} s choosing actions, {:.0f} s learning, {:.0f} s "
      "validating\n"
      "policy: {}/{} and {}; learning curve: train.csv, train.h5\n",
      o.agent, duration_text(r.wall_s), r.best_validation_att_s, r.best_episode, r.decisions,
      r.updates, r.env_s, r.act_s, r.learn_s, r.validate_s, o.out, ai::kWeightsFile, ai::kCardFile);
  return exit_code::ok;
}

}  // namespace

CommandRun configure_train(CLI::App& sub) {
  auto o = std::make_shared<TrainOptions>();
  sub.add_option("SCENARIO", o->scenario, "scenario manifest (its traffic: network and demand)")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_option("--agent", o->agent,
                 "learner: dqn (a shared phase-scoring DQN), colight (the same with graph "
                 "attention over the neighbouring junctions) or ppo (clipped PPO with GAE); "
                 "with --control: ppo (Gaussian PPO), sac (Soft Actor-Critic) or ars (random "
                 "search of a linear policy that must beat the best rules on every count)")
      ->check(CLI::IsMember({"dqn", "colight", "ppo", "sac", "ars"}))
      ->each([o](const std::string&) { o->agent_given = true; });
  sub.add_option("--episodes", o->episodes, "training episodes in all")
      ->check(CLI::Range(1, 1'000'000))
      ->each([o](const std::string&) { o->episodes_given = true; });
  sub.add_option("--iterations", o->iterations,
                 "ars: search iterations (each 2 x directions x 6 training episodes)")
      ->check(CLI::Range(1, 100'000));
  sub.add_option("--directions", o->directions, "ars: random directions tried per iteration")
      ->check(CLI::Range(1, 1024));
  sub.add_option("--shards", o->shards,
                 "ppo: each minibatch's gradient is the sum of this many slices' (default: the "
                 "smallest multiple of the ranks >= 4 dividing --envs); the same --envs, --shards "
                 "and seed give the same weights on any number of ranks dividing --shards")
      ->check(CLI::Range(1, 1024));
  sub.add_option("--envs", o->envs,
                 "environment copies stepped together (under mpirun: of all ranks together)")
      ->check(CLI::Range(1, 1024))
      ->each([o](const std::string&) { o->envs_given = true; });
  // Training episodes draw seeds from 1e6 + 1e5 x seed on: a bound keeps them apart from
  // evaluation and validation seeds, with no wrap-around.
  sub.add_option("--seed", o->seed, "seed of the weights, exploration and episodes")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000'000'000}));
  sub.add_option("--out", o->out, "folder for the policy (policy.pt, policy.json) and its curve")
      ->required();
  sub.add_option("--gamma", o->gamma, "discount per decision")
      ->check(CLI::Range(0.01, 0.9999))
      ->each([o](const std::string&) { o->gamma_given = true; });
  sub.add_option("--n-step", o->n_step, "steps of the returns")->check(CLI::Range(1, 100));
  sub.add_option("--updates", o->updates, "gradient steps per vectorised decision")
      ->check(CLI::Range(0, 64));
  sub.add_option("--lr", o->learning_rate, "Adam's learning rate (dqn, colight: 1e-3; ppo: 3e-4)")
      ->check(CLI::Range(1e-7, 1.0))
      ->each([o](const std::string&) { o->learning_rate_given = true; });
  sub.add_option("--hidden", o->hidden, "hidden layer widths, comma-separated")
      ->delimiter(',')
      ->check(CLI::Range(1, 4096))
      ->each([o](const std::string&) { o->hidden_given = true; });
  sub.add_flag("--force", o->force,
               "replace a policy already in --out, or start afresh over an interrupted training");
  sub.add_flag("--resume", o->resume,
               "continue the interrupted training in --out from its last checkpoint (taken after "
               "every round of episodes), given the same settings: the same weights as a "
               "training never interrupted");
  sub.add_option("--checkpoint-every", o->checkpoint_every_s,
                 "s of wall time at least between two checkpoints (taken at the end of a round of "
                 "episodes; 0: after every round)")
      ->check(CLI::Range(0.0, 1e9));
  sub.add_flag("--quiet", o->quiet, "no progress lines");
  add_learning_env_options(sub, o->env);
  add_energy_options(sub, o->energy);
  return [o](const CommandContext& ctx) { return run_train(*o, ctx); };
}

}  // namespace parktwin::cli
