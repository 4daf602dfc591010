#pragma once
// The manifest's [[events]] and [controllers] (docs/scenario-format.md), read from the merged
// TOML table; used by load_manifest only.

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "scenarios/scenario_controls.h"

namespace parktwin::scenarios {

// `start` is the manifest's local date-time of t = 0 (an event's `at` may be a date-time);
// events must fall in [0, duration_s). Errors name file, line and key.
std::vector<EventSpec> read_events(const std::string& path, const toml::table& root,
                                   const toml::date_time& start, double duration_s);
SignalControlSpec read_controllers(const std::string& path, const toml::table& root);

}  // namespace parktwin::scenarios
