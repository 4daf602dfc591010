// Greedy choices and validation for the signal learners. See greedy.h.

#include "ai/learn/greedy.h"

#include <cmath>
#include <vector>

#include "ai/phase_features.h"

namespace parktwin::ai {

void greedy_actions(SignalQNet& net, const float* features, const std::uint8_t* masks, long states,
                    long agents, long slots, std::int32_t* actions) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::from_blob(
      const_cast<float*>(features), {states, agents, slots, static_cast<long>(kPhaseFeatures)});
  const torch::Tensor q = net.forward(x).contiguous();
  const float* qs = q.data_ptr<float>();
  for (long r = 0; r < states * agents; ++r) {
    std::int32_t best = -1;
    for (long s = 0; s < slots; ++s) {
      if (masks[r * slots + s] == 0) continue;
      if (best < 0 || qs[r * slots + s] > qs[r * slots + best]) best = static_cast<std::int32_t>(s);
    }
    actions[r] = best;
  }
}

double validation_att(SignalQNet& net, const traffic::Network& net_model,
                      const traffic::Demand& demand, const traffic::TrafficConfig& traffic,
                      const EnvOptions& env, int runs_count, tbb::task_arena& arena,
                      Collective& ranks) {
  const auto n = static_cast<std::size_t>(runs_count);
  const auto size = static_cast<std::size_t>(ranks.size());
  const auto rank = static_cast<std::size_t>(ranks.rank());
  std::vector<double> att(n, 0.0);
  std::vector<Episode> runs;
  std::vector<std::size_t> run_of;  // the validation day of each of this rank's runs
  for (std::size_t i = rank; i < n; i += size) {
    runs.push_back(make_episode(net_model, demand, traffic, env, kValidationSeeds + i, 1.0));
    run_of.push_back(i);
  }
  const auto interval = static_cast<int>(std::lround(env.decision_s / traffic.step_s));
  const auto decisions = static_cast<int>(std::lround(env.episode_s / env.decision_s));
  for (std::size_t i = 0; i < runs.size(); ++i) {
    World& w = *runs[i].world;
    traffic::SignalSurface& s = *w.signals().surface();
    PhaseFeatures pf(s);
    std::vector<float> f(s.agents() * pf.row_floats());
    std::vector<std::uint8_t> m(s.agents() * pf.phase_slots());
    std::vector<std::int32_t> act(s.agents());
    for (int d = 0; d < decisions; ++d) {
      pf.compute(w.traffic(), s, f, m);
      greedy_actions(net, f.data(), m.data(), 1, static_cast<long>(s.agents()),
                     static_cast<long>(pf.phase_slots()), act.data());
      for (std::size_t a = 0; a < act.size(); ++a) {
        if (act[a] >= 0) s.ctrl()[a] = act[a];
      }
      arena.execute([&] {
        for (int k = 0; k < interval; ++k) w.step();
      });
    }
    att[run_of[i]] = w.traffic().kpis().average_travel_time_s;
  }
  if (size > 1) {
    const std::vector<double> all = all_gather<double>(ranks, att);  // [rank][run]
    for (std::size_t i = 0; i < n; ++i) att[i] = all[(i % size) * n + i];
  }
  double sum = 0.0;
  for (const double a : att) sum += a;
  return sum / static_cast<double>(att.size());
}

}  // namespace parktwin::ai
