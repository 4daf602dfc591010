#pragma once
// A trained signal policy on disk: a folder with the weights as TorchScript (`policy.pt`) and
// this JSON card (`policy.json`) that says what the weights expect and where they come from:
// the observation and action layout (the phase features, the junctions and their greens in
// agent order), the network, the control timing, the reward, the training run and its KPIs,
// and the parktwin version. The card is read and checked without libtorch, so a policy that
// does not fit a scenario is refused before any weights are loaded.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "engine/error.h"
#include "sim/traffic/signal_surface.h"

namespace parktwin::ai {

inline constexpr const char* kPolicyFormat = "parktwin-policy";
inline constexpr int kPolicyFormatVersion = 1;
inline constexpr const char* kCardFile = "policy.json";
inline constexpr const char* kWeightsFile = "policy.pt";

struct PolicyCard {
  std::string agent = "dqn";  // the learner that made it
  std::string model = "phase_q_mlp";
  std::string features;  // ai::kPhaseFeatureLayout
  int feature_count = 0;
  std::vector<int> hidden;  // hidden layer widths
  // The network: junction ids of the agents in agent order, and each one's green phases.
  std::vector<std::string> junctions;
  std::vector<int> greens;
  double decision_s = 5.0, min_green_s = 10.0, max_green_s = 120.0;
  std::string reward = "queue";
  double reward_scale = 0.1;
  std::string parktwin_version;
  nlohmann::json training = nlohmann::json::object();  // the run that made it, its KPIs
};

// The card for a policy acting on `surface` (junctions, greens from its layout).
PolicyCard card_for(const traffic::SignalSurface& surface);

// Writes DIR/policy.json atomically enough for one writer (a temporary file renamed).
void write_card(const PolicyCard& card, const std::string& dir);
// Reads DIR/policy.json; throws parktwin::Error naming the file and the field for a missing
// file, bad JSON, another format, a missing or mistyped field, or an unknown layout.
PolicyCard read_card(const std::string& dir);
// Throws parktwin::Error naming the card when its agents do not match `surface`'s (another
// network: other junctions, another order, other green phases).
void check_fits(const PolicyCard& card, const traffic::SignalSurface& surface,
                const std::string& dir);

// --- shared by the cards of every kind of policy (signal, energy)
// DIR/policy.json as JSON, checked to be a card of `format` and `format_version`; throws
// parktwin::Error naming the file for a missing folder or file, a file too large or nested
// too deeply to be a card, bad JSON, another format or version.
nlohmann::json read_card_json(const std::string& dir, const char* format, int format_version);
// Writes DIR/policy.json (a temporary file renamed over it).
void write_card_json(const nlohmann::json& j, const std::string& dir);

// The field at `key` (a path like "control.decision_s") of type T, or an error naming it.
template <class T>
T card_field(const nlohmann::json& root, const std::string& key, const std::string& path,
             const char* expected) {
  const nlohmann::json* node = &root;
  std::size_t from = 0;
  while (true) {
    const std::size_t dot = key.find('.', from);
    const std::string part = key.substr(from, dot == std::string::npos ? dot : dot - from);
    if (!node->is_object() || !node->contains(part)) {
      throw Error("policy card lacks a field").in_file(path).field(key).expected(expected);
    }
    node = &(*node)[part];
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  try {
    return node->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error("policy card field has the wrong type")
        .in_file(path)
        .field(key)
        .expected(expected)
        .found(node->is_primitive() ? node->dump() : std::string("a JSON ") + node->type_name());
  }
}

}  // namespace parktwin::ai
