// parktwin eval: every policy (classic controllers by name, trained policies by folder) on the
// same days of a scenario: the same seeds and demand scales, traffic only. Prints a table of
// average travel time, delay, throughput, queue, stops and CO2 (mean and 95% interval over
// the seeds) and writes it as CSV and HDF5. Seeds 1..K are evaluation seeds: training never
// uses them (ai::kTrainingSeeds, ai::kValidationSeeds).

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <ostream>

#include "ai/learn/learned_policy.h"
#include "ai/signal_env.h"
#include "engine/error.h"
#include "engine/parallel.h"
#include "scenarios/hdf5/h5.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/signal_control.h"
#include "tools/cmd_eval_energy.h"
#include "tools/command.h"
#include "tools/eval_stats.h"
#include "tools/learning_options.h"

namespace parktwin::cli {

namespace {

namespace fs = std::filesystem;

struct EvalOptions {
  std::string scenario;
  std::vector<std::string> policies;
  int seeds = 10;
  std::string csv, out;
  bool force = false;
  bool quiet = false;
  LearningEnvOptions env;
  EnergyCliOptions energy;
  std::vector<std::string> weeks{"summer", "winter"};
  bool seeds_given = false;
};

// The KPIs compared, in table order: name, unit, and how to read them from a run.
struct Metric {
  const char* name;
  const char* unit;
  double (*of)(const traffic::TrafficKpis&);
};
constexpr std::array<Metric, 6> kMetrics{{
    {"att_s", "s", [](const traffic::TrafficKpis& k) { return k.average_travel_time_s; }},
    {"delay_s", "s", [](const traffic::TrafficKpis& k) { return k.mean_finished_delay_s; }},
    {"throughput_veh_per_h", "veh/h",
     [](const traffic::TrafficKpis& k) { return k.throughput_veh_per_h; }},
    {"queue_veh", "veh", [](const traffic::TrafficKpis& k) { return k.mean_halting; }},
    {"stops_per_veh", "", [](const traffic::TrafficKpis& k) { return k.mean_stops_per_vehicle; }},
    {"co2_kg", "kg", [](const traffic::TrafficKpis& k) { return k.co2_kg; }},
}};

struct Policy {
  std::string label;  // as given
  traffic::SignalPolicy kind = traffic::SignalPolicy::fixed_time;
  std::shared_ptr<const ai::LearnedSignalPolicy> learned;  // a folder
};

Policy resolve_policy(const std::string& name) {
  Policy p;
  p.label = name;
  const auto kind = traffic::parse_signal_policy(name);
  if (kind && *kind != traffic::SignalPolicy::agent) {
    p.kind = *kind;
    return p;
  }
  std::error_code ec;
  if (!fs::is_directory(name, ec)) {
    throw Error("unknown policy")
        .field("--policy")
        .expected(
            "fixed_time, max_pressure, sotl, actuated, webster, or a folder that parktwin train "
            "wrote")
        .found(name);
  }
  p.kind = traffic::SignalPolicy::agent;
  p.learned = ai::LearnedSignalPolicy::load(name);
  return p;
}

struct Run {
  std::size_t policy, scale;
  std::uint64_t seed;
  traffic::TrafficKpis kpis;
};

int run_eval(const EvalOptions& o, const CommandContext& ctx) {
  if (o.energy.active()) {
    EnergyEvalArgs a;
    a.scenario = o.scenario;
    a.policies = o.policies;
    a.weeks = o.weeks;
    if (o.seeds_given) a.seeds = o.seeds;
    a.csv = o.csv;
    a.out = o.out;
    a.force = o.force;
    a.quiet = o.quiet;
    a.energy = o.energy;
    return run_energy_eval(a, ctx);
  }
  const scenarios::Manifest manifest = scenarios::load_manifest(o.scenario);
  const scenarios::RunMeta meta = scenarios::run_meta_of(manifest);
  for (const std::string& f : {o.csv, o.out}) {
    std::error_code ec;
    if (!f.empty() && fs::exists(f, ec) && !o.force) {
      throw Error("output file exists").in_file(f).expected("another path, or --force");
    }
  }
  std::vector<Policy> policies;
  for (const std::string& name : o.policies) policies.push_back(resolve_policy(name));
  const traffic::Network net = scenarios::load_network(meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  traffic::TrafficConfig traffic;
  traffic.step_s = meta.step_s;
  traffic.lane_changing = meta.lane_changing;
  const ai::EnvOptions env = o.env.to_env_options(meta);
  const auto steps = static_cast<std::int64_t>(std::llround(env.episode_s / meta.step_s));

  std::vector<Run> runs;
  for (std::size_t p = 0; p < policies.size(); ++p) {
    for (std::size_t s = 0; s < env.demand_scales.size(); ++s) {
      for (int k = 1; k <= o.seeds; ++k) runs.push_back({p, s, static_cast<std::uint64_t>(k), {}});
    }
  }
  // Check every learned policy against the network before the long part.
  for (const Policy& p : policies) {
    if (!p.learned) continue;
    ai::EnvOptions timing = env;
    timing.min_green_s = p.learned->card().min_green_s;
    timing.max_green_s = p.learned->card().max_green_s;
    ai::Episode e = ai::make_episode(net, demand, traffic, timing, 1, 1.0, p.kind);
    ai::LearnedSignalAgent check(p.learned, *e.world);
  }

  const int threads = ctx.global.threads > 0 ? ctx.global.threads : par::hardware_threads();
  if (!o.quiet) {
    ctx.err << fmt::format(
        "evaluating {} policies x {} demand scales x {} seeds = {} runs of {} s "
        "on {} threads\n",
        policies.size(), env.demand_scales.size(), o.seeds, runs.size(), env.episode_s, threads);
  }
  RunProgress progress(ctx.err, runs.size(), o.quiet);
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, runs.size(), [&](std::size_t i) {
      Run& r = runs[i];
      const Policy& p = policies[r.policy];
      ai::EnvOptions timing = env;
      if (p.learned) {
        timing.min_green_s = p.learned->card().min_green_s;
        timing.max_green_s = p.learned->card().max_green_s;
      }
      ai::Episode e = ai::make_episode(net, demand, traffic, timing, r.seed,
                                       env.demand_scales[r.scale], p.kind);
      if (p.learned)
        e.world->set_agent(std::make_shared<ai::LearnedSignalAgent>(p.learned, *e.world));
      for (std::int64_t t = 0; t < steps; ++t) e.world->step();
      r.kpis = e.world->traffic().kpis();
      progress.one_done();
    });
  });
  progress.finish();

  // Summary: per policy and scale, mean and 95% interval of each metric over the seeds.
  struct Row {
    std::size_t policy, scale;
    std::array<double, kMetrics.size()> mean{}, ci{};
  };
  std::vector<Row> rows;
  for (std::size_t p = 0; p < policies.size(); ++p) {
    for (std::size_t s = 0; s < env.demand_scales.size(); ++s) {
      Row row{p, s, {}, {}};
      for (std::size_t m = 0; m < kMetrics.size(); ++m) {
        std::vector<double> v;
        for (const Run& r : runs) {
          if (r.policy == p && r.scale == s) v.push_back(kMetrics[m].of(r.kpis));
        }
        const MeanCi stats = mean_ci95(v);
        row.mean[m] = stats.mean;
        row.ci[m] = stats.ci95;
      }
      rows.push_back(row);
    }
  }
  std::size_t width = 6;
  for (const Policy& p : policies) width = std::max(width, p.label.size());
  ctx.out << fmt::format("{:<{}}  {:>5}  {:>16}  {:>14}  {:>16}  {:>12}  {:>11}  {:>14}\n",
                         "policy", width, "scale", "ATT (s)", "delay (s)", "throughput/h",
                         "queue (veh)", "stops/veh", "CO2 (kg)");
  for (const Row& r : rows) {
    ctx.out << fmt::format("{:<{}}  {:>5.2f}", policies[r.policy].label, width,
                           env.demand_scales[r.scale]);
    const std::array<int, kMetrics.size()> w{16, 14, 16, 12, 11, 14};
    const std::array<int, kMetrics.size()> prec{1, 1, 0, 1, 2, 0};
    for (std::size_t m = 0; m < kMetrics.size(); ++m) {
      ctx.out << fmt::format(
          "  {:>{}}", fmt::format("{:.{}f} ± {:.{}f}", r.mean[m], prec[m], r.ci[m], prec[m]), w[m]);
    }
    ctx.out << "\n";
  }
  ctx.out << fmt::format("{} seeds (1..{}) per row, ± the 95% interval of the mean; {} s each\n",
                         o.seeds, o.seeds, env.episode_s);

  if (!o.csv.empty()) {
    std::ofstream csv(o.csv);
    csv << "policy,demand_scale,seeds";
    for (const Metric& m : kMetrics) csv << "," << m.name << "_mean," << m.name << "_ci95";
    csv << "\n";
    for (const Row& r : rows) {
      csv << fmt::format("\"{}\",{},{}", policies[r.policy].label, env.demand_scales[r.scale],
                         o.seeds);
      for (std::size_t m = 0; m < kMetrics.size(); ++m) {
        csv << fmt::format(",{:.10g},{:.10g}", r.mean[m], r.ci[m]);
      }
      csv << "\n";
    }
    if (!csv) throw Error("cannot write the CSV file").in_file(o.csv);
  }
  if (!o.out.empty()) {
    const h5::Handle file = h5::create_file(o.out);
    const auto table = [&](const char* group, auto&& fill) {
      const h5::Handle g = h5::create_group(file.get(), group, o.out);
      fill(g.get());
    };
    table("runs", [&](hid_t g) {
      std::vector<std::string> policy;
      std::vector<double> scale, seed;
      for (const Run& r : runs) {
        policy.push_back(policies[r.policy].label);
        scale.push_back(env.demand_scales[r.scale]);
        seed.push_back(static_cast<double>(r.seed));
      }
      h5::write_column(g, "policy", std::span<const std::string>(policy));
      h5::write_column(g, "demand_scale", std::span<const double>(scale));
      h5::write_column(g, "seed", std::span<const double>(seed));
      for (const Metric& m : kMetrics) {
        std::vector<double> v;
        for (const Run& r : runs) v.push_back(m.of(r.kpis));
        h5::write_column(g, m.name, std::span<const double>(v));
      }
    });
    table("summary", [&](hid_t g) {
      std::vector<std::string> policy;
      std::vector<double> scale;
      for (const Row& r : rows) {
        policy.push_back(policies[r.policy].label);
        scale.push_back(env.demand_scales[r.scale]);
      }
      h5::write_column(g, "policy", std::span<const std::string>(policy));
      h5::write_column(g, "demand_scale", std::span<const double>(scale));
      for (std::size_t m = 0; m < kMetrics.size(); ++m) {
        std::vector<double> mean, ci;
        for (const Row& r : rows) mean.push_back(r.mean[m]), ci.push_back(r.ci[m]);
        h5::write_column(g, std::string(kMetrics[m].name) + "_mean", std::span<const double>(mean));
        h5::write_column(g, std::string(kMetrics[m].name) + "_ci95", std::span<const double>(ci));
      }
    });
    h5::write_attr(file.get(), "scenario", o.scenario);
    h5::write_attr(file.get(), "seeds", static_cast<std::int64_t>(o.seeds));
    h5::write_attr(file.get(), "episode_s", env.episode_s);
    h5::write_attr(file.get(), "jitter_s", env.jitter_s);
  }
  return exit_code::ok;
}

}  // namespace

CommandRun configure_eval(CLI::App& sub) {
  auto o = std::make_shared<EvalOptions>();
  sub.add_option("SCENARIO", o->scenario, "scenario manifest (its traffic: network and demand)")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_option(
         "--policy", o->policies,
         "a policy to compare (repeat): fixed_time, max_pressure, sotl, actuated, webster, or a "
         "folder written by parktwin train; with --control: BATTERY+CHARGING+HVAC rules (e.g. "
         "time_of_use+llf+precool), rules (every combination) or a trained energy policy")
      ->required();
  sub.add_option("--seeds", o->seeds,
                 "evaluation seeds 1..K per policy and demand scale (energy: per week; 10 and 3 "
                 "by default)")
      ->check(CLI::Range(1, 100'000))
      ->each([o](const std::string&) { o->seeds_given = true; });
  sub.add_option("--weeks", o->weeks, "energy: held-out weeks to evaluate on (summer, winter)")
      ->delimiter(',')
      ->check(CLI::IsMember({"summer", "winter"}));
  sub.add_option("--csv", o->csv, "write the summary table as CSV");
  sub.add_option("--out", o->out, "write every run and the summary as HDF5 (/runs, /summary)");
  sub.add_flag("--force", o->force, "replace existing output files");
  sub.add_flag("--quiet", o->quiet, "no progress line");
  add_learning_env_options(sub, o->env);
  add_energy_options(sub, o->energy);
  return [o](const CommandContext& ctx) { return run_eval(*o, ctx); };
}

}  // namespace parktwin::cli
