#pragma once
// A sweep: one base scenario, parameters over its manifest keys, K seeds per variant
// (docs/sweeps.md). The spec is TOML:
//
//   base = "scenario.toml"      # resolved against the spec's folder
//   seeds = 4                   # each variant runs with seeds 1..4
//   sample = "grid"             # grid: every combination; list: the i-th value of each;
//                               # latin_hypercube: `samples` variants, stratified (seeded)
//   [[events]]                  # added to every variant; their keys swept as events.N.KEY
//   type = "demand_multiplier"
//   at = 1800
//   [parameters]
//   "traffic.ev_share" = [0.1, 0.2, 0.4]
//   "controllers.charging" = ["immediate", "llf"]
//   "events.0.factor" = [1.2, 1.5]
//   "traffic.demand_scale" = { min = 0.8, max = 1.4 }   # latin_hypercube only
//
// A variant is a what-if manifest that `extends` the base, sets its keys and adds the spec's
// events; a run is a variant with a seed. Every variant is loaded as a manifest before anything
// runs, so a key the manifest does not know, or a value of the wrong type or range, is an error
// naming the spec's line and the key.

#include <cstdint>
#include <string>
#include <vector>

namespace parktwin::scenarios {

struct SweepParameter {
  std::string key;                  // dotted manifest key, e.g. "traffic.ev_share"
  std::vector<std::string> values;  // each as TOML text (a number, "a string", true)
  int line = 0;                     // where the spec names it
  // A range { min, max } (Latin hypercube only) instead of values; whole numbers when both
  // bounds are integers.
  bool range = false, integer = false;
  double min = 0.0, max = 0.0;
};

// One of the spec's [[events]]: its keys and values as TOML text, in the spec's order.
struct SweepEvent {
  std::vector<std::pair<std::string, std::string>> keys;
  int line = 0;
};

struct SweepVariant {
  std::string name;                 // v000, v001, ...
  std::vector<std::string> values;  // one per parameter, as TOML text
};

struct SweepSpec {
  std::string path;  // the spec file
  std::string base;  // the base manifest, absolute
  int seeds = 1;     // 1..seeds per variant
  std::string sample = "grid";
  int samples = 0;                // latin_hypercube: the number of variants
  std::uint64_t sample_seed = 1;  // latin_hypercube: the draw's seed
  std::vector<SweepEvent> events;
  std::vector<SweepParameter> parameters;
  std::vector<SweepVariant> variants;  // in order: the last parameter varies fastest (grid)
};

// Reads and checks the spec; throws parktwin::Error naming the file, line and key for a missing
// or unknown key, an empty or mistyped parameter list, lists of unequal length for `list`, a
// range outside latin_hypercube, an events.N key without that event, a missing base.
SweepSpec read_sweep_spec(const std::string& path);

// The TOML text of a variant's what-if manifest: `extends` the base, its keys set.
std::string variant_manifest(const SweepSpec& spec, const SweepVariant& v);

// Writes every variant's manifest into `dir` (NAME.toml) and loads each as a manifest: a key or
// value the manifest refuses is an error naming the spec, the parameter's line and the key,
// with the manifest's own message.
void write_and_check_variants(const SweepSpec& spec, const std::string& dir);

}  // namespace parktwin::scenarios
