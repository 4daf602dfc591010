// Environment steps per second through the signals' control surface (docs/ai.md): K copies
// of a scenario (World::copy_at_start, the model shared) with every signal an `agent`, each
// decision every `--interval` seconds: read masks, observations and measures, write an action
// per agent (a fixed pseudo-random choice among the masked ones, standing in for a policy),
// then step the World through the interval. The copies run in one task arena of T threads,
// spread over it by copy; each copy is deterministic, so its digest is the same for any T.
//
// One CSV line per (copies, threads): scenario, copies, threads, env steps/s (decisions of
// all copies per wall second), agent decisions/s, vehicle-updates/s, simulated s per wall s
// (one copy's), digest. Run without arguments for hangzhou_4x4 with 1, 8, 32 copies x 1, 2
// threads (the figures); --traffic-only leaves the buildings and energy out, as
// CityFlow's engine runs the same files.

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_cli.h"
#include "engine/rng.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/signal_surface.h"
#include "sim/world.h"

using namespace parktwin;

namespace {

// One copy's environment: its buffers, sized once.
struct Env {
  std::unique_ptr<World> world;
  traffic::SignalSurface* surface = nullptr;  // the world's
  std::vector<float> obs;
  std::vector<std::uint8_t> mask;
  std::vector<traffic::AgentMeasures> measures;
  double reward_sum = 0.0;
  std::uint64_t decisions = 0;
};

void decide_and_step(Env& env, int interval_steps, std::uint64_t decision) {
  traffic::SignalSurface& s = *env.surface;
  const traffic::TrafficSim& sim = env.world->traffic();
  s.action_masks(sim, env.mask);
  s.observe(sim, env.obs);
  const std::size_t slots = s.action_slots();
  for (std::size_t a = 0; a < s.agents(); ++a) {
    // The first allowed action at a pseudo-random offset: a stand-in for a policy's choice.
    const auto n = static_cast<std::uint32_t>(s.greens(a).size());
    const auto start = static_cast<std::uint32_t>(
        rng::uniform(1, std::uint32_t{1}, static_cast<std::uint32_t>(a), decision) * n);
    for (std::uint32_t k = 0; k < n; ++k) {
      const std::uint32_t i = (start + k) % n;
      if (env.mask[a * slots + i] != 0) {
        s.ctrl()[a] = static_cast<std::int32_t>(i);
        break;
      }
    }
  }
  for (int i = 0; i < interval_steps; ++i) env.world->step();
  s.measure(env.world->traffic(), env.measures);
  for (const auto& m : env.measures) env.reward_sum -= m.queue;
  ++env.decisions;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Environment steps per second through the signals' control surface"};
  std::string manifest =
      std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";
  std::vector<int> copies_list{1, 8, 32}, threads_list{1, 2};
  double interval_s = 5.0, duration_s = 3600.0;
  bool traffic_only = false;
  app.add_option("--scenario", manifest, "scenario manifest")->check(CLI::ExistingFile);
  app.add_option("--copies", copies_list, "numbers of copies")->check(CLI::Range(1, 4096));
  app.add_option("--threads", threads_list, "thread counts")->check(CLI::Range(1, 1024));
  app.add_option("--interval", interval_s, "seconds between decisions")
      ->check(CLI::Range(1.0, 3600.0));
  app.add_option("--duration", duration_s, "simulated seconds per copy")
      ->check(CLI::Range(1.0, 86400.0));
  app.add_flag("--traffic-only", traffic_only,
               "leave the scenario's buildings and energy out (as CityFlow runs it)");
  if (const int rc = bench::parse_command_line(app, argc, argv); rc >= 0) return rc;

  return bench::run_reporting_errors("bench_control", [&] {
    scenarios::RunMeta meta = scenarios::run_meta_of(scenarios::load_manifest(manifest));
    meta.controllers.signals = "agent";
    meta.controllers.junctions.clear();
    if (traffic_only) meta.buildings_path.clear();
    const traffic::Network net = scenarios::load_network(meta.network_path);
    const traffic::Demand demand = scenarios::load_run_demand(meta, net);
    const std::unique_ptr<World> proto = scenarios::make_world(meta, net, demand);
    const int interval_steps = static_cast<int>(interval_s / meta.step_s + 0.5);
    const auto decisions = static_cast<std::uint64_t>(duration_s / interval_s);
    const traffic::SignalSurface* surface = proto->signals().surface();
    if (surface == nullptr) throw std::runtime_error("the scenario has no signals to control");
    const traffic::SignalSurface& layout = *surface;
    const std::string scenario_name =
        std::filesystem::path(manifest).parent_path().filename().string();
    fmt::print(stderr, "bench_control: {} agents, {} floats per observation, {} actions\n",
               layout.agents(), layout.observation_size(), layout.action_slots());
    fmt::print(
        "scenario,copies,threads,env_steps_per_s,agent_decisions_per_s,"
        "vehicle_updates_per_s,sim_s_per_wall_s,digest\n");
    for (const int threads : threads_list) {
      for (const int copies : copies_list) {
        std::vector<Env> envs(static_cast<std::size_t>(copies));
        for (std::size_t i = 0; i < envs.size(); ++i) {
          envs[i].world = proto->copy_at_start(meta.seed + i);
          envs[i].world->set_threads(1);  // parallel over copies; each copy on one thread
          envs[i].surface = envs[i].world->signals().surface();
          envs[i].obs.resize(layout.agents() * layout.observation_size());
          envs[i].mask.resize(layout.agents() * layout.action_slots());
          envs[i].measures.resize(layout.agents());
        }
        tbb::task_arena arena(threads);
        const auto t0 = std::chrono::steady_clock::now();
        arena.execute([&] {
          for (std::uint64_t d = 0; d < decisions; ++d) {
            tbb::parallel_for(std::size_t{0}, envs.size(),
                              [&](std::size_t i) { decide_and_step(envs[i], interval_steps, d); });
          }
        });
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::uint64_t updates = 0, digest = 0xcbf29ce484222325ULL;
        for (const Env& e : envs) {
          updates += e.world->traffic().kpis().vehicle_updates;
          digest = (digest ^ e.world->traffic().state_hash()) * 0x100000001b3ULL;
        }
        const double env_steps = static_cast<double>(decisions) * copies;
        fmt::print("{},{},{},{:.0f},{:.0f},{:.4g},{:.0f},{:016x}\n", scenario_name, copies, threads,
                   env_steps / wall, env_steps * static_cast<double>(layout.agents()) / wall,
                   static_cast<double>(updates) / wall, duration_s * copies / wall, digest);
        std::fflush(stdout);
      }
    }
    return 0;
  });
}
