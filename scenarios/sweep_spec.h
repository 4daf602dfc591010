#pragma once
// A sweep: one base scenario, parameters over its manifest keys, K seeds per variant
// (docs/sweeps.md). The spec is TOML:
//
//   base = "scenario.toml"      # resolved against the spec's folder
//   seeds = 4                   # each variant runs with seeds 1..4
//   sample = "grid"             # grid: every combination; list: the i-th value of each
//   [parameters]
//   "traffic.ev_share" = [0.1, 0.2, 0.4]
//   "controllers.charging" = ["immediate", "llf"]
//
// A variant is a what-if manifest that `extends` the base and sets its keys; a run is a
// variant with a seed. Every variant is loaded as a manifest before anything runs, so a key
// the manifest does not know, or a value of the wrong type or range, is an error naming the
// spec's line and the key.

#include <cstdint>
#include <string>
#include <vector>

namespace parktwin::scenarios {

struct SweepParameter {
  std::string key;                  // dotted manifest key, e.g. "traffic.ev_share"
  std::vector<std::string> values;  // each as TOML text (a number, "a string", true)
  int line = 0;                     // where the spec names it
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
  std::vector<SweepParameter> parameters;
  std::vector<SweepVariant> variants;  // in order: the last parameter varies fastest (grid)
};

// Reads and checks the spec; throws parktwin::Error naming the file, line and key for a missing
// or unknown key, an empty or mistyped parameter list, lists of unequal length for `list`, a
// missing base.
SweepSpec read_sweep_spec(const std::string& path);

// The TOML text of a variant's what-if manifest: `extends` the base, its keys set.
std::string variant_manifest(const SweepSpec& spec, const SweepVariant& v);

// Writes every variant's manifest into `dir` (NAME.toml) and loads each as a manifest: a key or
// value the manifest refuses is an error naming the spec, the parameter's line and the key,
// with the manifest's own message.
void write_and_check_variants(const SweepSpec& spec, const std::string& dir);

}  // namespace parktwin::scenarios
