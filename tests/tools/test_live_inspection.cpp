// What the inspector says runs a signal (tools/live_inspection.h): the scenario's controllers
// in words, a trained policy by its folder's name.

#include <catch2/catch.hpp>

#include <string>

#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "tools/live_inspection.h"

using namespace parktwin;

TEST_CASE("the inspector names each signal's controller", "[tools][inspector]") {
  const std::string dir = std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/";
  const scenarios::RunMeta learned =
      scenarios::run_meta_of(scenarios::load_manifest(dir + "learned_signals.toml"));
  const traffic::Network net = scenarios::load_network(learned.network_path);
  CHECK(cli::controller_of(learned.controllers, net, 0) == "learned policy hangzhou_4x4_colight");
  const scenarios::RunMeta mp =
      scenarios::run_meta_of(scenarios::load_manifest(dir + "max_pressure.toml"));
  CHECK(cli::controller_of(mp.controllers, net, 5) == "max pressure");
  scenarios::SignalControlSpec mixed;
  mixed.signals = "sotl";
  mixed.junctions = {{net.junction_id[net.signal_junction[2]], "actuated"}};
  CHECK(cli::controller_of(mixed, net, 1) == "SOTL");
  CHECK(cli::controller_of(mixed, net, 2) == "actuated");
  CHECK(cli::controller_of(scenarios::SignalControlSpec{}, net, 0) == "fixed time");
}
