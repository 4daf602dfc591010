// libFuzzer target for one of parktwin's readers, chosen at build time (PARKTWIN_FUZZ_READER,
// one binary per reader: tests/fuzz/CMakeLists.txt). Every reader takes a path, so each input
// is written to a file first. The contract (issue 22): a reader either succeeds or throws
// parktwin::Error; any other exception is reported as a crash here, and a crash, a hang, a
// leak or a sanitizer report is found by libFuzzer itself.
//
// Readers that need a network (flows, routes, OD matrices) use the fixture in
// tests/fuzz/fixtures/grid1x1 (`parktwin generate grid --rows 1 --cols 1`), copied into the
// folder the target works in, where a manifest naming "roadnet.json" finds it. The HDF5 run
// file has a target of its own (fuzz_run_file.cpp).

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>

#include "ai/energy_policy_card.h"
#include "ai/policy_card.h"
#include "engine/error.h"
#include "scenarios/buildings_geojson.h"
#include "scenarios/carbon_csv.h"
#include "scenarios/grid_toml.h"
#include "scenarios/land_cover_geojson.h"
#include "scenarios/manifest.h"
#include "scenarios/od_matrix.h"
#include "scenarios/sumo/sumo.h"
#include "scenarios/sweep_spec.h"
#include "scenarios/tariff_toml.h"
#include "scenarios/traffic_inputs.h"
#include "sim/energy/weather.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace parktwin;

constexpr double kHorizon_s = 3600.0;

const traffic::Network& fixture_network() {
  static const traffic::Network net = scenarios::load_network("roadnet.json");
  return net;
}

struct Reader {
  std::string_view name;
  std::string_view file;  // where the input is written (a policy card: in a policy folder)
  std::function<void(const std::string&)> read;
};

const Reader kReaders[] = {
    {"cityflow_roadnet", "input.json",
     [](const std::string& p) { (void)scenarios::load_network(p); }},
    {"cityflow_flow", "input.json",
     [](const std::string& p) { (void)scenarios::load_demand(p, fixture_network(), kHorizon_s); }},
    {"sumo_net", "input.net.xml",
     [](const std::string& p) { (void)scenarios::import_sumo_net(p); }},
    {"sumo_routes", "input.rou.xml",
     [](const std::string& p) {
       (void)scenarios::import_sumo_routes(p, fixture_network(), kHorizon_s);
     }},
    {"sumocfg", "input.sumocfg", [](const std::string& p) { (void)scenarios::read_sumocfg(p); }},
    {"od_matrix", "input.csv",
     [](const std::string& p) {
       (void)scenarios::import_od_matrix(p, fixture_network(), kHorizon_s);
     }},
    {"manifest", "input.toml", [](const std::string& p) { (void)scenarios::load_manifest(p); }},
    {"buildings", "input.geojson",
     [](const std::string& p) { (void)scenarios::load_buildings(p); }},
    {"land_cover", "input.geojson",
     [](const std::string& p) { (void)scenarios::load_land_cover(p); }},
    {"weather", "input.epw", [](const std::string& p) { (void)energy::read_epw(p); }},
    {"tariff", "input.toml", [](const std::string& p) { (void)scenarios::load_tariff(p); }},
    {"grid", "input.toml", [](const std::string& p) { (void)scenarios::load_grid(p); }},
    {"carbon", "input.csv", [](const std::string& p) { (void)scenarios::read_carbon_csv(p); }},
    {"sweep_spec", "input.toml", [](const std::string& p) { (void)scenarios::read_sweep_spec(p); }},
    {"policy_card", "policy/policy.json",
     [](const std::string&) { (void)ai::read_card("policy"); }},
    {"energy_policy_card", "policy/policy.json",
     [](const std::string&) { (void)ai::read_energy_card("policy"); }},
};

const Reader& reader() {
  static const Reader* chosen = [] {
    for (const Reader& r : kReaders) {
      if (r.name == PARKTWIN_FUZZ_READER) return &r;
    }
    std::fprintf(stderr, "no reader named %s\n", PARKTWIN_FUZZ_READER);
    std::abort();
  }();
  return *chosen;
}

std::string input_path;  // this process's input file, in the work folder

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::enter_work_dir();
  input_path = std::string(reader().file);
  if (const auto dir = std::filesystem::path(input_path).parent_path(); !dir.empty()) {
    std::filesystem::create_directories(dir);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(input_path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  fuzz::expect_success_or_error(PARKTWIN_FUZZ_READER, [] { reader().read(input_path); });
  return 0;
}
