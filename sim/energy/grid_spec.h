#pragma once
// The distribution grid of a district as a scenario gives it (scenarios/grid_toml.h): feeders,
// each with its capacity and the substation it hangs from, and the substations with theirs.
// Buildings name their feeder (BuildingSpec::feeder); a feeder's flow is the sum of its
// buildings' net imports, a substation's the sum of its feeders'.

#include <string>
#include <vector>

namespace parktwin::energy {

struct FeederSpec {
  std::string name;
  double capacity_kw = 0.0;  // > 0: flows beyond it (either way) count as overload
  std::string substation;    // a SubstationSpec::name
  int line = 0;              // where it was given, for errors
};

struct SubstationSpec {
  std::string name;
  double capacity_kw = 0.0;  // > 0
  int line = 0;
};

struct GridSpec {
  std::string file;  // for errors
  std::vector<FeederSpec> feeders;
  std::vector<SubstationSpec> substations;
};

}  // namespace parktwin::energy
