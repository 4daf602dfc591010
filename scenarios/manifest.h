#pragma once
// The scenario manifest (TOML): what to simulate and for how long. This is the start of the
// format; the scenarios issue extends it (extends=, buildings, weather, events, outputs).
// Documented key by key in docs/scenario-format.md.
//
//   name = "hangzhou_4x4"
//   description = "..."
//   duration = 3600      # s, > 0
//   step = 1.0           # s, > 0
//   seed = 0             # integer >= 0
//   [traffic]
//   network = "roadnet.json"   # relative to this file's folder
//   demand = "flow.json"

#include <cstdint>
#include <string>

namespace parktwin::scenarios {

struct Manifest {
  std::string path;  // the manifest file itself
  std::string name;
  std::string description;
  double duration_s = 3600.0;
  double step_s = 1.0;
  std::uint64_t seed = 0;
  std::string network_path;  // resolved from the manifest's folder
  std::string demand_path;
};

// Throws parktwin::Error naming file, line and key for syntax errors, unknown keys, wrong
// types, out-of-range values and missing input files.
Manifest load_manifest(const std::string& path);

}  // namespace parktwin::scenarios
