#pragma once
// The distribution grid of a district as a TOML file (docs/buildings-energy.md, "Grid file"):
//
//   [[substations]]
//   name = "sip_110kv_east"
//   capacity_kw = 40000          # > 0
//   [[feeders]]                  # one or more
//   name = "feeder_north"        # what buildings name as their feeder
//   capacity_kw = 6000           # > 0
//   substation = "sip_110kv_east"
//
// All keys are required; names are unique among feeders and among substations.

#include <string>

#include "sim/energy/grid_spec.h"

namespace parktwin::scenarios {

// Reads the grid at `path`, feeders and substations in file order with their lines. Throws
// parktwin::Error naming the file, the line and the key ("feeders[2].capacity_kw") with what
// was expected and what was found, for a TOML syntax error, an unknown key, a missing or
// mistyped value, a capacity that is not a finite number > 0, a name given twice, a feeder on
// an unknown substation, or a file without feeders.
energy::GridSpec load_grid(const std::string& path);

}  // namespace parktwin::scenarios
