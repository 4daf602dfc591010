// Policy cards: the JSON half of a trained policy. See policy_card.h.

#include "ai/policy_card.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ai/phase_features.h"
#include "engine/error.h"
#include "engine/input_file.h"
#include "engine/version.h"

namespace parktwin::ai {

namespace fs = std::filesystem;
using Json = nlohmann::json;

void write_card_json(const nlohmann::json& j, const std::string& dir) {
  const fs::path path = fs::path(dir) / kCardFile;
  const fs::path tmp = fs::path(dir) / (std::string(kCardFile) + ".tmp");
  {
    std::ofstream out(tmp);
    out << j.dump(2) << "\n";
    if (!out) throw Error("cannot write the policy card").in_file(path.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw Error("cannot write the policy card").in_file(path.string()).found(ec.message());
}

PolicyCard card_for(const traffic::SignalSurface& surface) {
  PolicyCard c;
  c.features = kPhaseFeatureLayout;
  c.feature_count = static_cast<int>(kPhaseFeatures);
  const traffic::Network& net = surface.network();
  for (std::size_t a = 0; a < surface.agents(); ++a) {
    c.junctions.push_back(net.junction_id[net.signal_junction[surface.signal(a)]]);
    c.greens.push_back(static_cast<int>(surface.greens(a).size()));
  }
  c.min_green_s = surface.params().min_green_s;
  c.max_green_s = surface.params().max_green_s;
  c.parktwin_version = fmt::format("{} ({})", version(), git_hash());
  return c;
}

void write_card(const PolicyCard& c, const std::string& dir) {
  Json j;
  j["format"] = kPolicyFormat;
  j["format_version"] = kPolicyFormatVersion;
  j["parktwin_version"] = c.parktwin_version;
  j["agent"] = c.agent;
  j["model"] = {{"kind", c.model},
                {"features", c.features},
                {"feature_count", c.feature_count},
                {"hidden", c.hidden}};
  j["network"] = {{"junctions", c.junctions}, {"green_phases", c.greens}};
  j["control"] = {
      {"decision_s", c.decision_s}, {"min_green_s", c.min_green_s}, {"max_green_s", c.max_green_s}};
  j["reward"] = {{"kind", c.reward}, {"scale", c.reward_scale}};
  j["weights"] = kWeightsFile;
  j["training"] = c.training;
  write_card_json(j, dir);
}

nlohmann::json read_card_json(const std::string& dir, const char* format, int format_version) {
  const fs::path path = fs::path(dir) / kCardFile;
  const std::string p = path.string();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw Error("not a policy folder")
        .in_file(dir)
        .expected(
            fmt::format("a folder with {} and {} (parktwin train --out)", kCardFile, kWeightsFile));
  }
  if (std::string why; !is_input_file(p, why)) {
    throw Error("policy folder has no card")
        .in_file(p)
        .expected("the file parktwin train writes")
        .found(why == "no such file" ? "" : why);
  }
  // A card is a few kilobytes: a larger file, or JSON nested deeper than a card ever is, is
  // not one (and deep nesting would exhaust the stack of the parser's callers).
  constexpr std::uintmax_t kMaxCardBytes = 1 << 20;
  constexpr int kMaxDepth = 16;
  const std::uintmax_t bytes = fs::file_size(path, ec);
  if (ec || bytes > kMaxCardBytes) {
    throw Error("policy card too large to be one")
        .in_file(p)
        .expected(fmt::format("at most {} bytes", kMaxCardBytes))
        .found(ec ? ec.message() : fmt::format("{} bytes", bytes));
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  Json j;
  try {
    j = Json::parse(text.str(), [&](int depth, Json::parse_event_t, Json&) {
      if (depth > kMaxDepth) {
        throw Error("policy card nested too deeply")
            .in_file(p)
            .expected(fmt::format("at most {} levels", kMaxDepth));
      }
      return true;
    });
  } catch (const Json::parse_error& e) {
    throw Error("policy card is not valid JSON").in_file(p).found(e.what());
  } catch (const Json::out_of_range& e) {  // a number beyond a double's range (1e400)
    throw Error("policy card is not valid JSON").in_file(p).found(e.what());
  }
  if (!j.is_object() || !j.contains("format") || j["format"] != format) {
    // A card of the other kind (a signal policy given for energy, or the reverse) says so.
    const bool other = j.is_object() && j.contains("format") && j["format"].is_string() &&
                       j["format"].get<std::string>().starts_with("parktwin-");
    throw Error(other ? "a policy of another kind" : "not a parktwin policy card")
        .in_file(p)
        .field("format")
        .expected(fmt::format("\"{}\"", format))
        .found(other ? fmt::format("\"{}\"", j["format"].get<std::string>()) : "");
  }
  const int version = card_field<int>(j, "format_version", p, "an integer");
  if (version != format_version) {
    throw Error("policy card of another format version")
        .in_file(p)
        .field("format_version")
        .expected(std::to_string(format_version))
        .found(std::to_string(version));
  }
  return j;
}

PolicyCard read_card(const std::string& dir) {
  const std::string p = (fs::path(dir) / kCardFile).string();
  const Json j = read_card_json(dir, kPolicyFormat, kPolicyFormatVersion);
  PolicyCard c;
  c.parktwin_version = card_field<std::string>(j, "parktwin_version", p, "a string");
  c.agent = card_field<std::string>(j, "agent", p, "a string");
  c.model = card_field<std::string>(j, "model.kind", p, "\"phase_q_mlp\" or \"colight\"");
  if (c.model != "phase_q_mlp" && c.model != "colight") {
    throw Error("unknown policy model")
        .in_file(p)
        .field("model.kind")
        .expected("\"phase_q_mlp\" or \"colight\"")
        .found(c.model);
  }
  c.features = card_field<std::string>(j, "model.features", p, "a string");
  if (c.features != kPhaseFeatureLayout) {
    throw Error("policy expects another observation layout")
        .in_file(p)
        .field("model.features")
        .expected(fmt::format("\"{}\" (this build's)", kPhaseFeatureLayout))
        .found(c.features);
  }
  c.feature_count = card_field<int>(j, "model.feature_count", p, "an integer");
  if (c.feature_count != static_cast<int>(kPhaseFeatures)) {
    throw Error("policy expects another number of features")
        .in_file(p)
        .field("model.feature_count")
        .expected(std::to_string(kPhaseFeatures))
        .found(std::to_string(c.feature_count));
  }
  c.hidden = card_field<std::vector<int>>(j, "model.hidden", p, "an array of layer widths");
  for (const int h : c.hidden) {
    if (h < 1 || h > 65536) {
      throw Error("bad hidden layer width")
          .in_file(p)
          .field("model.hidden")
          .found(std::to_string(h));
    }
  }
  c.junctions = card_field<std::vector<std::string>>(j, "network.junctions", p, "an array of ids");
  c.greens = card_field<std::vector<int>>(j, "network.green_phases", p, "an array of counts");
  if (c.greens.size() != c.junctions.size()) {
    throw Error("policy card's network lists differ in length")
        .in_file(p)
        .field("network.green_phases")
        .expected(std::to_string(c.junctions.size()))
        .found(std::to_string(c.greens.size()));
  }
  c.decision_s = card_field<double>(j, "control.decision_s", p, "seconds > 0");
  c.min_green_s = card_field<double>(j, "control.min_green_s", p, "seconds >= 0");
  c.max_green_s = card_field<double>(j, "control.max_green_s", p, "seconds >= min_green_s");
  if (!(c.decision_s > 0.0) || !(c.min_green_s >= 0.0) || !(c.max_green_s >= c.min_green_s)) {
    throw Error("bad control timing in the policy card")
        .in_file(p)
        .field("control")
        .expected("decision_s > 0, 0 <= min_green_s <= max_green_s")
        .found(fmt::format("decision_s {}, min_green_s {}, max_green_s {}", c.decision_s,
                           c.min_green_s, c.max_green_s));
  }
  c.reward = card_field<std::string>(j, "reward.kind", p, "a string");
  c.reward_scale = card_field<double>(j, "reward.scale", p, "a number");
  if (j.contains("training")) c.training = j["training"];
  return c;
}

void check_fits(const PolicyCard& card, const traffic::SignalSurface& surface,
                const std::string& dir) {
  const std::string p = (fs::path(dir) / kCardFile).string();
  const PolicyCard here = card_for(surface);
  if (card.junctions.size() != here.junctions.size()) {
    throw Error("policy trained on another network")
        .in_file(p)
        .field("network.junctions")
        .expected(fmt::format("{} signalised junctions (this scenario's)", here.junctions.size()))
        .found(std::to_string(card.junctions.size()));
  }
  for (std::size_t a = 0; a < here.junctions.size(); ++a) {
    if (card.junctions[a] != here.junctions[a]) {
      throw Error("policy trained on another network")
          .in_file(p)
          .field(fmt::format("network.junctions[{}]", a))
          .expected(fmt::format("'{}' (this scenario's signal {})", here.junctions[a], a))
          .found(fmt::format("'{}'", card.junctions[a]));
    }
    if (card.greens[a] != here.greens[a]) {
      throw Error("policy's action layout does not match the signal plan")
          .in_file(p)
          .field(fmt::format("network.green_phases[{}]", a))
          .expected(fmt::format("{} green phases at '{}'", here.greens[a], here.junctions[a]))
          .found(std::to_string(card.greens[a]));
    }
  }
}

}  // namespace parktwin::ai
