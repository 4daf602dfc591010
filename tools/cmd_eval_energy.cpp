// parktwin eval --control ...: energy policies (rule combinations by name, trained policies by
// folder) on the same held-out weeks and seeds of a scenario's district (ai/energy_env.h).
// Prints a table of cost, CO2, discomfort, unserved charging, feeder overload and peak import
// (mean and 95% interval over the seeds) per policy and week, and writes it as CSV and HDF5.

#include "tools/cmd_eval_energy.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>

#include "ai/energy_env.h"
#include "ai/learn/energy_policy.h"
#include "engine/error.h"
#include "engine/parallel.h"
#include "scenarios/hdf5/h5.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "tools/eval_stats.h"

namespace parktwin::cli {

namespace {

namespace fs = std::filesystem;

struct Metric {
  const char* name;
  const char* header;
  int precision;
  double (*of)(const ai::EnergyEpisodeResult&);
};
constexpr std::array<Metric, 7> kMetrics{{
    {"cost", "cost", 0, [](const ai::EnergyEpisodeResult& r) { return r.cost; }},
    {"co2_kg", "CO2 (kg)", 0, [](const ai::EnergyEpisodeResult& r) { return r.co2_kg; }},
    {"discomfort_kh", "discomfort (Kh)", 1,
     [](const ai::EnergyEpisodeResult& r) { return r.discomfort_kh; }},
    {"ev_unserved_kwh", "EV unserved (kWh)", 1,
     [](const ai::EnergyEpisodeResult& r) { return r.ev_unserved_kwh; }},
    {"feeder_overload_h", "overload (h)", 2,
     [](const ai::EnergyEpisodeResult& r) { return r.feeder_overload_h; }},
    {"overload_kwh", "overload (kWh)", 0,
     [](const ai::EnergyEpisodeResult& r) { return r.overload_kwh; }},
    {"peak_import_kw", "peak (kW)", 0,
     [](const ai::EnergyEpisodeResult& r) { return r.peak_import_kw; }},
}};

struct EnergyPolicy {
  std::string label;
  ai::EnergyEnvOptions options;  // control and rules
  std::shared_ptr<const ai::LearnedEnergyPolicy> learned;
};

// Every combination of the rules, by name.
std::vector<std::string> all_rules() {
  std::vector<std::string> out;
  for (const ai::EnergyRules& r : ai::all_energy_rules()) out.push_back(ai::energy_rules_name(r));
  return out;
}

struct Run {
  std::size_t policy, week;
  std::uint64_t seed;
  ai::EnergyEpisodeResult result;
};

}  // namespace

int run_energy_eval(const EnergyEvalArgs& a, const CommandContext& ctx) {
  const scenarios::Manifest manifest = scenarios::load_manifest(a.scenario);
  const scenarios::RunMeta meta = scenarios::run_meta_of(manifest);
  for (const std::string& f : {a.csv, a.out}) {
    std::error_code ec;
    if (!f.empty() && fs::exists(f, ec) && !a.force) {
      throw Error("output file exists").in_file(f).expected("another path, or --force");
    }
  }
  const ai::EnergyEnvOptions base = to_energy_env_options(a.energy, meta);
  std::vector<EnergyPolicy> policies;
  for (const std::string& name : a.policies) {
    std::error_code ec;
    if (fs::is_directory(name, ec)) {
      EnergyPolicy p{name, base, ai::LearnedEnergyPolicy::load(name)};
      p.learned->configure(p.options);
      policies.push_back(std::move(p));
      continue;
    }
    for (const std::string& rules : name == "rules" ? all_rules() : std::vector{name}) {
      EnergyPolicy p{rules, base, nullptr};
      p.options.control = {};
      p.options.rules = parse_energy_rules(rules, "--policy");
      policies.push_back(std::move(p));
    }
  }
  std::vector<const ai::EvaluationWeek*> weeks;
  for (const std::string& w : a.weeks) {
    const ai::EvaluationWeek* found = nullptr;
    for (const ai::EvaluationWeek& e : ai::kEvaluationWeeks) {
      if (w == e.name) found = &e;
    }
    if (!found) {
      throw Error("unknown evaluation week").field("--weeks").expected("summer, winter").found(w);
    }
    weeks.push_back(found);
  }

  const scenarios::ScenarioTraffic loaded = scenarios::load_scenario_traffic(a.scenario);
  const ai::EnergyScenario scenario(scenarios::make_world(loaded.meta, loaded.net, loaded.demand),
                                    meta.duration_s, base.traffic_days);
  for (const EnergyPolicy& p : policies) {
    if (p.learned) p.learned->check(scenario, p.label);
  }

  std::vector<Run> runs;
  for (std::size_t p = 0; p < policies.size(); ++p) {
    for (std::size_t w = 0; w < weeks.size(); ++w) {
      for (int k = 1; k <= a.seeds; ++k) runs.push_back({p, w, static_cast<std::uint64_t>(k), {}});
    }
  }
  const int threads = ctx.global.threads > 0 ? ctx.global.threads : par::hardware_threads();
  if (!a.quiet) {
    ctx.err << fmt::format(
        "evaluating {} policies x {} weeks x {} seeds = {} runs of {} days on {} threads\n",
        policies.size(), weeks.size(), a.seeds, runs.size(), base.episode_days, threads);
  }
  RunProgress progress(ctx.err, runs.size(), a.quiet);
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, runs.size(), [&](std::size_t i) {
      Run& r = runs[i];
      const EnergyPolicy& p = policies[r.policy];
      ai::EnergyPolicyFn act;
      if (p.learned) {
        act = [&p](std::span<const float> obs, std::span<const std::uint8_t> mask,
                   std::span<float> out) { p.learned->act(obs, mask, out); };
      }
      r.result = ai::run_energy_episode(scenario, p.options, weeks[r.week]->start_day, r.seed, act);
      progress.one_done();
    });
  });
  progress.finish();

  struct Row {
    std::size_t policy, week;
    std::array<double, kMetrics.size()> mean{}, ci{};
  };
  std::vector<Row> rows;
  for (std::size_t w = 0; w < weeks.size(); ++w) {
    for (std::size_t p = 0; p < policies.size(); ++p) {
      Row row{p, w, {}, {}};
      for (std::size_t m = 0; m < kMetrics.size(); ++m) {
        std::vector<double> v;
        for (const Run& r : runs) {
          if (r.policy == p && r.week == w) v.push_back(kMetrics[m].of(r.result));
        }
        const MeanCi stats = mean_ci95(v);
        row.mean[m] = stats.mean;
        row.ci[m] = stats.ci95;
      }
      rows.push_back(row);
    }
  }
  std::size_t width = 6;
  for (const EnergyPolicy& p : policies) width = std::max(width, p.label.size());
  const std::array<int, kMetrics.size()> col{16, 14, 17, 18, 13, 15, 12};
  ctx.out << fmt::format("{:<{}}  {:<6}", "policy", width, "week");
  for (std::size_t m = 0; m < kMetrics.size(); ++m) {
    ctx.out << fmt::format("  {:>{}}", kMetrics[m].header, col[m]);
  }
  ctx.out << "\n";
  for (const Row& r : rows) {
    ctx.out << fmt::format("{:<{}}  {:<6}", policies[r.policy].label, width, weeks[r.week]->name);
    for (std::size_t m = 0; m < kMetrics.size(); ++m) {
      const int prec = kMetrics[m].precision;
      ctx.out << fmt::format(
          "  {:>{}}", fmt::format("{:.{}f} ± {:.{}f}", r.mean[m], prec, r.ci[m], prec), col[m]);
    }
    ctx.out << "\n";
  }
  ctx.out << fmt::format(
      "{} seeds (1..{}) per row, ± the 95% interval of the mean; {} days from day {} of the "
      "year (summer) / {} (winter), 0 = 1 January; cost in the tariff's currency\n",
      a.seeds, a.seeds, base.episode_days, ai::kEvaluationWeeks[0].start_day,
      ai::kEvaluationWeeks[1].start_day);
  // The best rule-based combination per week: the lowest cost of all the reward counts (cost,
  // CO2, discomfort, unserved charging and overload at the reward's weights) among the rules
  // evaluated: the cheapest rule that leaves EVs uncharged or rooms hot is not the best.
  // A row's means as one episode's counts, scored as the learners score an episode.
  const auto score_of = [&](const Row& r) {
    ai::EnergyEpisodeResult m;
    m.cost = r.mean[0];
    m.co2_kg = r.mean[1];
    m.discomfort_kh = r.mean[2];
    m.ev_unserved_kwh = r.mean[3];
    m.overload_kwh = r.mean[5];
    return ai::energy_score(m, base.reward);
  };
  for (std::size_t w = 0; w < weeks.size(); ++w) {
    const Row* best = nullptr;
    double best_score = std::numeric_limits<double>::infinity();
    for (const Row& r : rows) {
      if (r.week != w || policies[r.policy].learned) continue;
      if (const double score = score_of(r); score < best_score) best_score = score, best = &r;
    }
    if (!best || policies.size() < 2) continue;
    ctx.out << fmt::format("best rules, {} week (by the reward's weights): {} ({:.0f})\n",
                           weeks[w]->name, policies[best->policy].label, best_score);
    // Each trained policy against them, count by count (issue 19's test: lower cost and CO2,
    // no more discomfort or unserved charging, fewer overload hours), and its combined score
    // as a share of theirs (CityLearn's way of reporting: below 1 is better).
    for (const Row& r : rows) {
      if (r.week != w || !policies[r.policy].learned) continue;
      const auto change = [&](std::size_t m) {
        return best->mean[m] != 0.0
                   ? fmt::format("{:+.2f} %", 100.0 * (r.mean[m] / best->mean[m] - 1.0))
                   : fmt::format("{:+.1f}", r.mean[m]);
      };
      const bool beats = r.mean[0] < best->mean[0] && r.mean[1] < best->mean[1] &&
                         r.mean[2] <= best->mean[2] && r.mean[3] <= best->mean[3] &&
                         r.mean[4] < best->mean[4];
      ctx.out << fmt::format(
          "  {} against them: cost {}, CO2 {}, discomfort {}, EV unserved {}, overload hours {}; "
          "combined score {:.4f} of theirs; {}\n",
          policies[r.policy].label, change(0), change(1), change(2), change(3), change(4),
          score_of(r) / best_score, beats ? "better on every count" : "not better on every count");
    }
  }

  if (!a.csv.empty()) {
    std::ofstream csv(a.csv);
    csv << "policy,week,seeds";
    for (const Metric& m : kMetrics) csv << "," << m.name << "_mean," << m.name << "_ci95";
    csv << "\n";
    for (const Row& r : rows) {
      csv << fmt::format("\"{}\",{},{}", policies[r.policy].label, weeks[r.week]->name, a.seeds);
      for (std::size_t m = 0; m < kMetrics.size(); ++m) {
        csv << fmt::format(",{:.10g},{:.10g}", r.mean[m], r.ci[m]);
      }
      csv << "\n";
    }
    if (!csv) throw Error("cannot write the CSV file").in_file(a.csv);
  }
  if (!a.out.empty()) {
    const h5::Handle file = h5::create_file(a.out);
    const h5::Handle g = h5::create_group(file.get(), "runs", a.out);
    std::vector<std::string> policy, week;
    std::vector<double> seed;
    for (const Run& r : runs) {
      policy.push_back(policies[r.policy].label);
      week.push_back(weeks[r.week]->name);
      seed.push_back(static_cast<double>(r.seed));
    }
    h5::write_column(g.get(), "policy", std::span<const std::string>(policy));
    h5::write_column(g.get(), "week", std::span<const std::string>(week));
    h5::write_column(g.get(), "seed", std::span<const double>(seed));
    for (const Metric& m : kMetrics) {
      std::vector<double> v;
      for (const Run& r : runs) v.push_back(m.of(r.result));
      h5::write_column(g.get(), m.name, std::span<const double>(v));
    }
    h5::write_attr(file.get(), "scenario", a.scenario);
    h5::write_attr(file.get(), "episode_days", static_cast<std::int64_t>(base.episode_days));
  }
  return exit_code::ok;
}

}  // namespace parktwin::cli
