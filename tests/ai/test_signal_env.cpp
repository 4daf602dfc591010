// The learning environment (ai/signal_env.h) and the phase features (ai/phase_features.h):
// features add up with the surface's observation, episodes are other days for other seeds,
// and the vectorised environment gives the same bits for 1 and 2 threads.

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "ai/phase_features.h"
#include "ai/signal_env.h"
#include "engine/rng.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"

using namespace parktwin;

namespace {

struct Hangzhou {
  scenarios::RunMeta meta = scenarios::run_meta_of(scenarios::load_manifest(
      std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml"));
  traffic::Network net = scenarios::load_network(meta.network_path);
  traffic::Demand demand = scenarios::load_run_demand(meta, net);
};

const Hangzhou& hangzhou() {
  static const Hangzhou h;
  return h;
}

}  // namespace

TEST_CASE("phase features sum the movements each green serves", "[ai]") {
  const Hangzhou& h = hangzhou();
  ai::EnvOptions options;
  ai::Episode e = ai::make_episode(h.net, h.demand, {}, options, 3, 1.0);
  for (int i = 0; i < 1200; ++i) e.world->step();
  traffic::SignalSurface& s = *e.world->signals().surface();
  ai::PhaseFeatures pf(s);
  REQUIRE(pf.phase_slots() == 8);
  std::vector<float> f(s.agents() * pf.row_floats());
  std::vector<std::uint8_t> m(s.agents() * pf.phase_slots());
  pf.compute(e.world->traffic(), s, f, m);
  std::vector<float> obs(s.agents() * s.observation_size());
  s.observe(e.world->traffic(), obs);
  double busiest = 0.0;
  for (std::size_t a = 0; a < s.agents(); ++a) {
    const float* mov = obs.data() + a * s.observation_size() + 12 * traffic::kLaneFeatures;
    double competing = 0.0;  // vehicles planning left turns and straight on (not right turns)
    for (std::size_t i = 0; i < 12; ++i) {
      const traffic::Index movement = s.movements(a)[i];
      if (s.network().movement_turn[movement] != traffic::Turn::right) {
        competing += double{mov[i * traffic::kMovementFeatures]};
      }
    }
    double current = 0.0;
    for (std::size_t p = 0; p < 8; ++p) {
      const float* row = f.data() + (a * 8 + p) * ai::kPhaseFeatures;
      CHECK(double{row[6]} == Approx(competing * 0.1).margin(1e-5));  // the junction's context
      CHECK(row[1] <= row[0]);
      CHECK(row[8] <= row[0] + 1e-6f);  // near the line: a part of those planning
      CHECK(row[9] <= row[8] + 1e-6f);
      current += double{row[3]};
      busiest = std::max(busiest, double{row[0]});
    }
    CHECK(current == 1.0);  // one green is current (or the clearance's target)
  }
  CHECK(busiest > 0.5);  // the morning has queues of 5 and more
}

TEST_CASE("an episode is another day for another seed, the same for the same", "[ai]") {
  const Hangzhou& h = hangzhou();
  const ai::EnvOptions options;
  const auto att = [&](std::uint64_t seed, double scale) {
    ai::Episode e =
        ai::make_episode(h.net, h.demand, {}, options, seed, scale, traffic::SignalPolicy::sotl);
    for (int i = 0; i < 1800; ++i) e.world->step();
    return std::make_pair(e.demand->trip_count(), e.world->traffic().state_hash());
  };
  CHECK(att(1, 1.0) == att(1, 1.0));
  CHECK(att(1, 1.0).second != att(2, 1.0).second);  // the jitter: another day
  CHECK(att(1, 1.0).first == h.demand.trip_count());
  const std::size_t more = att(1, 1.2).first, fewer = att(1, 0.8).first;
  CHECK(more > h.demand.trip_count() * 115 / 100);
  CHECK(fewer < h.demand.trip_count() * 85 / 100);
  CHECK_THROWS_WITH(ai::make_episode(h.net, h.demand, {}, options, 1, -1.0),
                    Catch::Contains("demand scale"));
}

TEST_CASE("the vectorised environment gives the same bits for 1 and 2 threads", "[threads][ai]") {
  const Hangzhou& h = hangzhou();
  ai::EnvOptions options;
  options.episode_s = 300.0;  // short episodes: the autoreset happens in the test
  options.demand_scales = {0.8, 1.2};
  const auto run = [&](int threads) {
    ai::SignalVecEnv env(h.net, h.demand, {}, options, 4, threads, 77);
    std::vector<std::int32_t> actions(env.copies() * env.agents());
    std::vector<float> trace;
    for (std::uint64_t d = 0; d < 130; ++d) {
      for (std::size_t i = 0; i < actions.size(); ++i) {
        actions[i] = static_cast<std::int32_t>(
            rng::uniform(5, std::uint32_t{1}, static_cast<std::uint32_t>(i), d) * 8.0);
      }
      env.step(actions);
      trace.insert(trace.end(), env.rewards().begin(), env.rewards().end());
      trace.push_back(env.features()[d % env.features().size()]);
    }
    return std::make_pair(trace, env.finished());
  };
  const auto [one, finished] = run(1);
  const auto [two, finished2] = run(2);
  CHECK(one == two);
  REQUIRE(finished.size() == 8);  // 130 decisions of 5 s: two 300 s episodes per copy
  REQUIRE(finished2.size() == 8);
  for (std::size_t i = 0; i < finished.size(); ++i) {
    CHECK(finished[i].seed == finished2[i].seed);
    CHECK(finished[i].kpis.average_travel_time_s == finished2[i].kpis.average_travel_time_s);
  }
  CHECK(finished[0].demand_scale == 0.8);
  CHECK(finished[1].demand_scale == 1.2);
  CHECK(finished[0].seed == 77);
  CHECK(finished[4].seed == 81);  // copy 0's second episode
}
