// Many Worlds in one process (sim/world.h): an in-memory snapshot restores the whole World
// (traffic, signal controllers, buildings, energy) bit for bit; copies made at the start share
// the model and differ only by their seed; 8 copies stepped concurrently, each in its own
// task arena, end exactly as each stepped alone, for 1 and 2 threads per copy.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/error.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "sim/world.h"

using namespace parktwin;

namespace {

// The shipped Hangzhou scenario with its buildings and energy, its signals run by `policy`.
struct Scenario {
  scenarios::RunMeta meta;
  traffic::Network net;
  traffic::Demand demand;

  explicit Scenario(const std::string& policy)
      : meta(scenarios::run_meta_of(scenarios::load_manifest(
            std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml"))),
        net(scenarios::load_network(meta.network_path)),
        demand(scenarios::load_run_demand(meta, net)) {
    meta.controllers.signals = policy;
  }
  std::unique_ptr<World> world() const { return scenarios::make_world(meta, net, demand); }
};

// A digest of everything that evolves: the traffic's hash and the state of the controllers,
// buildings and energy as bytes.
std::uint64_t digest(const World& w) {
  std::uint64_t h = w.traffic().state_hash();
  const WorldSnapshot s = w.snapshot();
  for (const auto& part : s.parts) {
    for (const unsigned char b : part) h = (h ^ b) * 0x100000001b3ULL;  // FNV-1a
  }
  return h;
}

void run(World& w, int steps) {
  for (int i = 0; i < steps; ++i) w.step();
}

}  // namespace

TEST_CASE("a World snapshot restores traffic, controllers, buildings and energy bit for bit",
          "[world]") {
  for (const char* policy : {"sotl", "max_pressure", "actuated"}) {
    INFO(policy);
    const Scenario sc(policy);
    const std::unique_ptr<World> w = sc.world();
    REQUIRE(w->buildings() != nullptr);
    REQUIRE(w->energy() != nullptr);
    run(*w, 600);
    const WorldSnapshot snap = w->snapshot();
    CHECK(snap.step == 600);
    run(*w, 900);
    const std::uint64_t straight = digest(*w);
    const double att = w->traffic().kpis().average_travel_time_s;
    const double bought = w->energy()->kpis().import_kwh;

    w->restore(snap);
    CHECK(w->traffic().state().step == 600);
    run(*w, 900);
    CHECK(digest(*w) == straight);
    CHECK(w->traffic().kpis().average_travel_time_s == att);
    CHECK(w->energy()->kpis().import_kwh == bought);

    // Reused buffers: a second snapshot into the same object, a second reset.
    WorldSnapshot again = snap;
    w->snapshot(again);
    CHECK(again.step == 1500);
    w->restore(snap);
    run(*w, 900);
    CHECK(digest(*w) == straight);
  }
}

TEST_CASE("a snapshot of another World is refused and changes nothing", "[world]") {
  const Scenario sc("sotl");
  const std::unique_ptr<World> w = sc.world();
  run(*w, 100);
  const std::uint64_t before = digest(*w);
  CHECK_THROWS_WITH(w->restore(WorldSnapshot{}), Catch::Contains("empty World snapshot"));
  const Scenario other("sotl");  // the same files, another model in memory
  const std::unique_ptr<World> o = other.world();
  CHECK_THROWS_WITH(w->restore(o->snapshot()), Catch::Contains("another network"));
  CHECK(digest(*w) == before);
  CHECK_THROWS_AS(w->set_threads(-1), Error);
}

TEST_CASE("copies at the start share the model and follow their own seed", "[world]") {
  const Scenario sc("sotl");
  const std::unique_ptr<World> w = sc.world();
  run(*w, 300);
  const std::unique_ptr<World> same = w->copy_at_start(sc.meta.seed);
  CHECK(same->traffic().state().step == 0);
  CHECK(&same->traffic().network() == &w->traffic().network());
  CHECK(&same->buildings()->stock() == &w->buildings()->stock());
  run(*same, 300);
  CHECK(digest(*same) == digest(*w));  // the same seed: the same run
  const std::unique_ptr<World> other = w->copy_at_start(sc.meta.seed + 1);
  run(*other, 300);
  // CityFlow's inputs draw nothing in traffic (no lane changes, no dawdling): the seed shows
  // in the EVs' charging draws.
  CHECK(digest(*other) != digest(*w));
  // A snapshot moves between copies of one model.
  other->restore(w->snapshot());
  CHECK(digest(*other) == digest(*w));
}

TEST_CASE("8 Worlds stepped concurrently end as each stepped alone, for 1 and 2 threads",
          "[threads][world]") {
  const Scenario sc("sotl");
  const std::unique_ptr<World> proto = sc.world();
  constexpr int kCopies = 8;
  constexpr int kSteps = 900;
  std::vector<std::uint64_t> alone(kCopies);
  for (int i = 0; i < kCopies; ++i) {
    const std::unique_ptr<World> w = proto->copy_at_start(100 + static_cast<std::uint64_t>(i));
    w->set_threads(1);
    run(*w, kSteps);
    alone[static_cast<std::size_t>(i)] = digest(*w);
  }
  for (const int threads : {1, 2}) {
    INFO(threads << " threads per World");
    std::vector<std::unique_ptr<World>> copies;
    for (int i = 0; i < kCopies; ++i) {
      copies.push_back(proto->copy_at_start(100 + static_cast<std::uint64_t>(i)));
      copies.back()->set_threads(threads);
    }
    std::vector<std::thread> workers;
    for (auto& w : copies) workers.emplace_back([&w] { run(*w, kSteps); });
    for (std::thread& t : workers) t.join();
    for (int i = 0; i < kCopies; ++i) {
      CHECK(digest(*copies[static_cast<std::size_t>(i)]) == alone[static_cast<std::size_t>(i)]);
    }
  }
}
