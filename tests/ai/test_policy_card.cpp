// Policy cards (ai/policy_card.h): a card written is read back; every kind of bad card or
// mismatch with a scenario is an error naming the file and the field.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ai/phase_features.h"
#include "ai/policy_card.h"
#include "ai/signal_env.h"
#include "engine/error.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;

namespace {

std::string hangzhou_manifest() {
  return std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";
}

}  // namespace

TEST_CASE("policy cards round-trip and refuse what does not fit", "[ai]") {
  const scenarios::RunMeta meta =
      scenarios::run_meta_of(scenarios::load_manifest(hangzhou_manifest()));
  const traffic::Network net = scenarios::load_network(meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  ai::Episode e = ai::make_episode(net, demand, {}, ai::EnvOptions{}, 1, 1.0);
  const traffic::SignalSurface& s = *e.world->signals().surface();

  test::TempDir dir;
  ai::PolicyCard card = ai::card_for(s);
  card.hidden = {64, 64};
  card.training = {{"episodes", 12}};
  ai::write_card(card, dir.path().string());
  const ai::PolicyCard back = ai::read_card(dir.path().string());
  CHECK(back.junctions == card.junctions);
  CHECK(back.greens == std::vector<int>(16, 8));
  CHECK(back.hidden == card.hidden);
  CHECK(back.feature_count == static_cast<int>(ai::kPhaseFeatures));
  CHECK(back.training["episodes"] == 12);
  CHECK_NOTHROW(ai::check_fits(back, s, dir.path().string()));

  const auto error_of = [&](const std::string& text) -> Error {
    std::ofstream(dir.path().string() + "/policy.json") << text;
    try {
      ai::read_card(dir.path().string());
    } catch (const Error& err) {
      return err;
    }
    FAIL("no error for: " << text);
    return Error("");
  };
  std::stringstream text;
  text << std::ifstream(dir.path().string() + "/policy.json").rdbuf();
  const std::string good = text.str();
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const std::size_t at = t.find(from);
    REQUIRE(at != std::string::npos);
    return t.replace(at, from.size(), to);
  };

  SECTION("not JSON") {
    const Error err = error_of("{\"format\": ");
    CHECK_THAT(err.what(), Catch::Contains("not valid JSON") && Catch::Contains("policy.json"));
  }
  SECTION("another format") {
    CHECK_THAT(error_of("{\"format\": \"cityflow\"}").what(),
               Catch::Contains("not a parktwin policy card"));
  }
  SECTION("another observation layout") {
    const Error err = error_of(replaced("phase_features_v1", "phase_features_v0"));
    CHECK(err.context().field == "model.features");
    CHECK_THAT(err.what(), Catch::Contains("another observation layout"));
  }
  SECTION("a missing field") {
    const Error err = error_of(replaced("\"decision_s\"", "\"decision\""));
    CHECK(err.context().field == "control.decision_s");
    CHECK_THAT(err.what(), Catch::Contains("lacks a field"));
  }
  SECTION("a field of the wrong type") {
    const Error err = error_of(replaced("\"format_version\": 1", "\"format_version\": \"one\""));
    CHECK(err.context().field == "format_version");
  }
  SECTION("another network") {
    ai::PolicyCard other = back;
    other.junctions[5] = "intersection_9_9";
    const Error err = [&] {
      try {
        ai::check_fits(other, s, dir.path().string());
      } catch (const Error& x) {
        return x;
      }
      return Error("");
    }();
    CHECK_THAT(err.what(),
               Catch::Contains("another network") && Catch::Contains("intersection_9_9"));
    CHECK(err.context().field == "network.junctions[5]");
    other = back;
    other.greens[2] = 4;
    CHECK_THROWS_WITH(ai::check_fits(other, s, dir.path().string()),
                      Catch::Contains("action layout does not match"));
    other = back;
    other.junctions.pop_back();
    CHECK_THROWS_WITH(ai::check_fits(other, s, dir.path().string()),
                      Catch::Contains("16 signalised junctions"));
  }
  SECTION("hostile files: nested 100,000 deep, 2 GB") {
    std::string deep = "1";
    for (int i = 0; i < 100000; ++i) deep = "[" + deep + "]";
    Error err = error_of(replaced("\"format_version\": 1", "\"format_version\": " + deep));
    CHECK_THAT(err.what(), Catch::Contains("nested too deeply"));
    std::filesystem::resize_file(dir.path() / "policy.json", std::uintmax_t{2} << 30);
    CHECK_THROWS_WITH(ai::read_card(dir.path().string()), Catch::Contains("too large"));
  }
  SECTION("a field of the wrong type that is an object prints its type, not its text") {
    const Error err =
        error_of(replaced("\"format_version\": 1", "\"format_version\": {\"a\": [1, 2]}"));
    CHECK_THAT(err.what(), Catch::Contains("a JSON object"));
  }
  SECTION("not a folder") {
    CHECK_THROWS_WITH(ai::read_card(dir.path().string() + "/nothing"),
                      Catch::Contains("not a policy folder"));
  }
}
