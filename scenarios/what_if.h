#pragma once
// What-ifs made in the viewer, kept as files: a manifest that `extends` the scenario and adds
// the edits as [[events]] (docs/scenarios.md), so that `parktwin run` repeats headless what a
// planner tried on screen, and the file can be read, versioned and edited by hand.

#include <span>
#include <string>

#include "scenarios/scenario_controls.h"

namespace parktwin::scenarios {

// The text of a what-if named `name` that extends the manifest at `base_path` (written
// relative to the folder of `out_path`, where the what-if will live) with `edits`. The edits
// must be valid events (types from kEventTypes with their keys); loading the text gives the
// base's run with them added after its own events.
std::string what_if_manifest(const std::string& base_path, const std::string& out_path,
                             const std::string& name, std::span<const EventSpec> edits);

// Writes it to `out_path`, which must not exist yet (a what-if already saved is never
// overwritten): written to a temporary file first, then linked to its name. Throws
// parktwin::Error naming the file when it exists or cannot be written.
void save_what_if(const std::string& base_path, const std::string& out_path,
                  const std::string& name, std::span<const EventSpec> edits);

}  // namespace parktwin::scenarios
