// Augmented Random Search for the district's energy. See energy_ars.h.

#include "ai/learn/energy_ars.h"

#include <fmt/format.h>
#include <tbb/task_arena.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <type_traits>

#include "ai/learn/energy_policy.h"
#include "ai/learn/mlp.h"
#include "ai/learn/training_log.h"
#include "ai/policy_card.h"
#include "ai/signal_env.h"
#include "engine/parallel.h"
#include "engine/rng.h"

namespace parktwin::ai {

namespace {

enum class EnergyArsStream : std::uint32_t { direction = 701, windows = 702 };

constexpr std::size_t kF = kEnergyFeatures;
constexpr std::size_t kA = kEnergyActions;
constexpr std::size_t kParams = kA * (kF + 1);  // per action: a weight per feature and a bias

// The linear policy on normalised observations: theta[a * (kF + 1) + f], f = kF the bias.
struct LinearPolicy {
  std::vector<double> theta = std::vector<double>(kParams, 0.0);
  const std::vector<double>* mean = nullptr;       // per feature
  const std::vector<double>* inv_scale = nullptr;  // per feature: 1 / std, 0 for a constant

  void act(std::span<const float> obs, std::span<const std::uint8_t> mask,
           std::span<float> out) const {
    const std::size_t buildings = out.size() / kA;
    std::array<double, kF> x{};
    for (std::size_t b = 0; b < buildings; ++b) {
      for (std::size_t f = 0; f < kF; ++f) {
        x[f] = (static_cast<double>(obs[b * kF + f]) - (*mean)[f]) * (*inv_scale)[f];
      }
      for (std::size_t a = 0; a < kA; ++a) {
        const double* w = theta.data() + a * (kF + 1);
        double y = w[kF];
        for (std::size_t f = 0; f < kF; ++f) y += w[f] * x[f];
        const std::size_t i = b * kA + a;
        out[i] = mask[i] ? static_cast<float>(std::clamp(y, -1.0, 1.0)) : 0.0f;
      }
    }
  }
};

// Days spread over the year: the pool cut into `n` equal runs, one day drawn from each, so that
// summer and winter are both among them.
std::vector<int> stratified_days(const std::vector<int>& pool, int n, std::uint64_t seed,
                                 std::uint32_t which) {
  std::vector<int> out;
  const std::size_t per = std::max<std::size_t>(1, pool.size() / static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const std::size_t lo = std::min(pool.size() - 1, static_cast<std::size_t>(i) * per);
    const std::size_t span = std::min(per, pool.size() - lo);
    out.push_back(pool[lo + rng::uniform_int(seed, EnergyArsStream::windows, which, i, span)]);
  }
  return out;
}

struct Window {
  int start_day = 0;
  std::uint64_t seed = 0;
  EnergyEpisodeResult best;  // the best rules on it
  std::string best_rules;
};

}  // namespace

nlohmann::json settings_json(const EnergyArsConfig& c) {
  std::vector<std::string> reference_names;
  for (const EnergyRules& r : c.reference_rules.empty() ? all_energy_rules() : c.reference_rules) {
    reference_names.push_back(energy_rules_name(r));
  }
  return {{"iterations", c.iterations},
          {"directions", c.directions},
          {"top", c.top},
          {"step", c.step},
          {"noise", c.noise},
          {"windows", c.windows},
          {"validation_runs", c.validation_runs},
          {"violation_weight", c.violation_weight},
          {"gain_cap", c.gain_cap},
          {"seed", c.seed},
          {"reference_rules", reference_names},
          {"env", energy_env_json(c.env)}};
}

double ars_window_score(const EnergyEpisodeResult& r, const EnergyEpisodeResult& best,
                        const EnergyArsConfig& c) {
  // Relative changes, each against the best rules' count (a floor keeps a count near zero from
  // dividing by it): 1 point per percent.
  const auto gain = [](double rules, double policy, double floor) {
    return 100.0 * (rules - policy) / std::max(rules, floor);
  };
  const double loss = 1.0 + c.violation_weight;
  const double cap = 100.0 * c.gain_cap;
  // What is to be lowered, each gain counted up to the cap, each loss `loss` times.
  const double objectives[] = {gain(best.cost, r.cost, 1.0), gain(best.co2_kg, r.co2_kg, 1.0),
                               gain(best.feeder_overload_h, r.feeder_overload_h, 1.0)};
  double score = 0.0;
  for (const double g : objectives) score += g < 0.0 ? loss * g : std::min(g, cap);
  // What must not get worse: comfort and charging are limits, not currencies.
  score += loss * std::min(0.0, gain(best.discomfort_kh, r.discomfort_kh, 1.0));
  score += loss * std::min(0.0, gain(best.ev_unserved_kwh, r.ev_unserved_kwh, 10.0));
  return score;
}

EnergyArsResult train_energy_ars(const EnergyScenario& scenario, const EnergyArsConfig& c,
                                 const std::string& out_dir, const nlohmann::json& card_training,
                                 const std::function<void(const EnergyArsPoint&)>& progress,
                                 Collective* shared) {
  Collective alone;
  Collective& ranks = shared != nullptr ? *shared : alone;
  const bool root = ranks.rank() == 0;
  check_setting(c.iterations >= 1, "iterations", ">= 1", c.iterations);
  check_setting(c.directions >= 1 && c.directions <= 1024, "directions", "1..1024", c.directions);
  check_setting(c.top >= 1 && c.top <= c.directions, "top", "1..directions", c.top);
  check_setting(c.step > 0.0, "step", "> 0", c.step);
  check_setting(c.noise > 0.0, "noise", "> 0", c.noise);
  check_setting(c.windows >= 1 && c.validation_runs >= 1, "windows", ">= 1", c.windows);
  check_setting(c.violation_weight >= 0.0, "violation_weight", ">= 0", c.violation_weight);
  check_setting(c.env.control.any(), "control", "hvac, battery, charging or energy", 0);

  const auto t_start = std::chrono::steady_clock::now();
  const auto since = [](auto t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  tbb::task_arena arena(std::max(1, c.threads));
  EnergyArsResult result;
  // Episodes 0..n-1 of a batch, `episode(i)` each: this rank's (i % ranks) in parallel, then
  // every rank's gathered, in index order.
  const auto run_shared = [&](std::size_t n, const auto& episode) {
    static_assert(std::is_trivially_copyable_v<EnergyEpisodeResult>);
    const auto size = static_cast<std::size_t>(ranks.size());
    const auto rank = static_cast<std::size_t>(ranks.rank());
    const std::size_t per_rank = (n + size - 1) / size;
    std::vector<EnergyEpisodeResult> mine(per_rank);
    arena.execute([&] {
      par::parallel_for_each(per_rank, [&](std::size_t j) {
        if (const std::size_t i = j * size + rank; i < n) mine[j] = episode(i);
      });
    });
    if (size == 1) return mine;
    const std::vector<EnergyEpisodeResult> by_rank =
        all_gather<EnergyEpisodeResult>(ranks, mine);  // [rank][j]
    std::vector<EnergyEpisodeResult> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = by_rank[(i % size) * per_rank + i / size];
    return all;
  };

  // --- windows, and the best rules on each
  const std::vector<int> pool =
      c.env.start_days.empty() ? training_start_days(c.env.episode_days) : c.env.start_days;
  check_setting(!pool.empty(), "start_days", "at least one training day", 0);
  std::vector<Window> train(static_cast<std::size_t>(c.windows));
  std::vector<Window> valid(static_cast<std::size_t>(c.validation_runs));
  {
    const std::vector<int> td = stratified_days(pool, c.windows, c.seed, 0);
    const std::vector<int> vd = stratified_days(pool, c.validation_runs, c.seed, 1);
    for (std::size_t w = 0; w < train.size(); ++w) {
      train[w].start_day = td[w];
      train[w].seed = kTrainingSeeds + c.seed * 100'000 + w;
    }
    for (std::size_t w = 0; w < valid.size(); ++w) {
      valid[w].start_day = vd[w];
      valid[w].seed = kEnergyValidationSeeds + w;
    }
  }
  std::vector<Window*> all;
  for (Window& w : train) all.push_back(&w);
  for (Window& w : valid) all.push_back(&w);
  const std::vector<EnergyRules> rules =
      c.reference_rules.empty() ? all_energy_rules() : c.reference_rules;
  const std::vector<EnergyEpisodeResult> rule_runs =
      run_shared(all.size() * rules.size(), [&](std::size_t i) {
        EnergyEnvOptions o = c.env;
        o.control = {};
        o.rules = rules[i % rules.size()];
        const Window& w = *all[i / rules.size()];
        return run_energy_episode(scenario, o, w.start_day, w.seed, {}, 1);
      });
  for (std::size_t w = 0; w < all.size(); ++w) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t r = 0; r < rules.size(); ++r) {
      const EnergyEpisodeResult& run = rule_runs[w * rules.size() + r];
      if (const double s = energy_score(run, c.env.reward); s < best) {
        best = s;
        all[w]->best = run;
        all[w]->best_rules = energy_rules_name(rules[r]);
      }
    }
  }
  result.episodes = static_cast<int>(rule_runs.size());

  // --- the observations' statistics under the agent's own rules (its policy at theta = 0)
  std::vector<double> mean(kF, 0.0), inv_scale(kF, 0.0);
  {
    std::vector<double> sum(kF, 0.0), sum2(kF, 0.0);
    double n = 0.0;
    for (const Window& w : train) {
      run_energy_episode(
          scenario, c.env, w.start_day, w.seed,
          [&](std::span<const float> o, std::span<const std::uint8_t>, std::span<float> out) {
            for (std::size_t i = 0; i < o.size(); ++i) {
              const double x = o[i];
              sum[i % kF] += x;
              sum2[i % kF] += x * x;
            }
            n += static_cast<double>(o.size() / kF);
            std::fill(out.begin(), out.end(), 0.0f);
          },
          1);
    }
    for (std::size_t f = 0; f < kF; ++f) {
      mean[f] = sum[f] / n;
      const double var = std::max(0.0, sum2[f] / n - mean[f] * mean[f]);
      inv_scale[f] = var > 1e-12 ? 1.0 / std::sqrt(var) : 0.0;  // a constant feature: unused
    }
    result.episodes += c.windows;
  }

  // The mean score of `theta` on `windows` (and the mean counts), episodes in parallel.
  const auto evaluate_many = [&](const std::vector<std::vector<double>>& thetas,
                                 const std::vector<Window>& windows) {
    const std::vector<EnergyEpisodeResult> runs =
        run_shared(thetas.size() * windows.size(), [&](std::size_t i) {
          LinearPolicy p;
          p.theta = thetas[i / windows.size()];
          p.mean = &mean;
          p.inv_scale = &inv_scale;
          const Window& w = windows[i % windows.size()];
          return run_energy_episode(
              scenario, c.env, w.start_day, w.seed,
              [&p](std::span<const float> o, std::span<const std::uint8_t> m,
                   std::span<float> out) { p.act(o, m, out); },
              1);
        });
    result.episodes += static_cast<int>(runs.size());
    return runs;
  };
  const auto mean_score = [&](const std::vector<EnergyEpisodeResult>& runs, std::size_t k,
                              const std::vector<Window>& windows) {
    double s = 0.0;
    for (std::size_t w = 0; w < windows.size(); ++w) {
      s += ars_window_score(runs[k * windows.size() + w], windows[w].best, c);
    }
    return s / static_cast<double>(windows.size());
  };

  EnergyPolicyCard card = energy_card_for(scenario, c.env);
  card.agent = "ars";
  card.hidden = {};
  const auto fill_validation = [&](EnergyArsPoint& p, const std::vector<EnergyEpisodeResult>& runs,
                                   std::size_t k) {
    const auto V = static_cast<double>(valid.size());
    for (std::size_t w = 0; w < valid.size(); ++w) {
      const EnergyEpisodeResult& r = runs[k * valid.size() + w];
      p.validation_cost += r.cost / V;
      p.validation_co2_kg += r.co2_kg / V;
      p.validation_discomfort_kh += r.discomfort_kh / V;
      p.validation_unserved_kwh += r.ev_unserved_kwh / V;
      p.validation_overload_h += r.feeder_overload_h / V;
    }
  };
  for (const Window& w : valid) {
    const auto V = static_cast<double>(valid.size());
    result.rules.validation_cost += w.best.cost / V;
    result.rules.validation_co2_kg += w.best.co2_kg / V;
    result.rules.validation_discomfort_kh += w.best.discomfort_kh / V;
    result.rules.validation_unserved_kwh += w.best.ev_unserved_kwh / V;
    result.rules.validation_overload_h += w.best.feeder_overload_h / V;
  }
  result.rules.episodes = result.episodes;
  result.rules.wall_s = since(t_start);
  if (progress && root) progress(result.rules);

  // Writes `theta` as a linear layer with the normalisation folded in:
  // y = sum_f (w_f s_f) x_f + (b - sum_f w_f s_f m_f).
  const auto save = [&](const std::vector<double>& theta, int iteration, const EnergyArsPoint& p) {
    torch::nn::Module owner;
    Mlp actor;
    actor.build(owner, "actor", static_cast<int>(kF), {static_cast<int>(kA)}, Activation::tanh);
    {
      torch::NoGradGuard g;
      auto W = actor.layers[0]->weight.accessor<float, 2>();
      auto B = actor.layers[0]->bias.accessor<float, 1>();
      for (std::size_t a = 0; a < kA; ++a) {
        double bias = theta[a * (kF + 1) + kF];
        for (std::size_t f = 0; f < kF; ++f) {
          const double wf = theta[a * (kF + 1) + f] * inv_scale[f];
          W[static_cast<long>(a)][static_cast<long>(f)] = static_cast<float>(wf);
          bias -= wf * mean[f];
        }
        B[static_cast<long>(a)] = static_cast<float>(bias);
      }
    }
    std::filesystem::create_directories(out_dir);
    torch::jit::Module m(c10::QualifiedName("__torch__.parktwin.EnergyActor"));
    actor.export_to(m, "actor");
    save_module(
        m, "def forward(self, x):\n" + actor.script("actor", "x", "h", true) + "    return h\n",
        (std::filesystem::path(out_dir) / kWeightsFile).string());
    card.training = card_training;
    card.training["best_iteration"] = iteration;
    card.training["settings"] = settings_json(c);
    std::vector<int> td, vd;
    std::vector<std::string> vr;
    for (const Window& w : train) td.push_back(w.start_day);
    for (const Window& w : valid) vd.push_back(w.start_day), vr.push_back(w.best_rules);
    card.training["windows"] = {
        {"training_start_days", td}, {"validation_start_days", vd}, {"validation_best_rules", vr}};
    card.training["validation"] = {{"score", p.validation_score},
                                   {"cost", p.validation_cost},
                                   {"co2_kg", p.validation_co2_kg},
                                   {"discomfort_kh", p.validation_discomfort_kh},
                                   {"ev_unserved_kwh", p.validation_unserved_kwh},
                                   {"feeder_overload_h", p.validation_overload_h}};
    card.training["validation_best_rules"] = {
        {"cost", result.rules.validation_cost},
        {"co2_kg", result.rules.validation_co2_kg},
        {"discomfort_kh", result.rules.validation_discomfort_kh},
        {"ev_unserved_kwh", result.rules.validation_unserved_kwh},
        {"feeder_overload_h", result.rules.validation_overload_h}};
    write_energy_card(card, out_dir);
  };

  // --- the search
  std::vector<double> theta(kParams, 0.0);
  result.best_validation_score = -std::numeric_limits<double>::infinity();
  const auto validate = [&](int iteration, double train_score) {
    const std::vector<EnergyEpisodeResult> runs = evaluate_many({theta}, valid);
    EnergyArsPoint p;
    p.iteration = iteration;
    p.train_score = train_score;
    p.validation_score = mean_score(runs, 0, valid);
    fill_validation(p, runs, 0);
    p.episodes = result.episodes;
    p.wall_s = since(t_start);
    if (p.validation_score > result.best_validation_score) {
      result.best_validation_score = p.validation_score;
      result.best_iteration = iteration;
      if (root) save(theta, iteration, p);
    }
    result.curve.push_back(p);
    if (progress && root) progress(p);
  };
  {
    const std::vector<EnergyEpisodeResult> runs = evaluate_many({theta}, train);
    validate(0, mean_score(runs, 0, train));
  }
  const auto N = static_cast<std::size_t>(c.directions);
  const auto top = static_cast<std::size_t>(c.top);
  std::vector<std::vector<double>> delta(N, std::vector<double>(kParams));
  for (int it = 1; it <= c.iterations; ++it) {
    std::vector<std::vector<double>> candidates;
    for (std::size_t k = 0; k < N; ++k) {
      for (std::size_t j = 0; j < kParams; ++j) {
        delta[k][j] = rng::normal(c.seed, EnergyArsStream::direction, static_cast<std::uint32_t>(k),
                                  static_cast<std::uint64_t>(it) * kParams + j);
      }
      for (const double sign : {1.0, -1.0}) {
        std::vector<double> t = theta;
        for (std::size_t j = 0; j < kParams; ++j) t[j] += sign * c.noise * delta[k][j];
        candidates.push_back(std::move(t));
      }
    }
    const std::vector<EnergyEpisodeResult> runs = evaluate_many(candidates, train);
    std::vector<double> plus(N), minus(N);
    for (std::size_t k = 0; k < N; ++k) {
      plus[k] = mean_score(runs, 2 * k, train);
      minus[k] = mean_score(runs, 2 * k + 1, train);
    }
    // The `top` directions with the best of their two scores (ties: the lower index first).
    std::vector<std::size_t> order(N);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      return std::max(plus[x], minus[x]) > std::max(plus[y], minus[y]);
    });
    double m = 0.0, m2 = 0.0;
    for (std::size_t i = 0; i < top; ++i) {
      m += plus[order[i]] + minus[order[i]];
      m2 += plus[order[i]] * plus[order[i]] + minus[order[i]] * minus[order[i]];
    }
    m /= static_cast<double>(2 * top);
    const double sd = std::sqrt(std::max(0.0, m2 / static_cast<double>(2 * top) - m * m));
    if (sd > 0.0) {
      for (std::size_t i = 0; i < top; ++i) {
        const std::size_t k = order[i];
        const double g = c.step / (static_cast<double>(top) * sd) * (plus[k] - minus[k]);
        for (std::size_t j = 0; j < kParams; ++j) theta[j] += g * delta[k][j];
      }
    }
    double train_score = 0.0;
    for (std::size_t k = 0; k < N; ++k)
      train_score += (plus[k] + minus[k]) / (2.0 * static_cast<double>(N));
    validate(it, train_score);
  }
  result.wall_s = since(t_start);
  return result;
}

}  // namespace parktwin::ai
