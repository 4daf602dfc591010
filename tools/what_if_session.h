#pragma once
// The what-if of `parktwin view`: the edits a planner makes while watching (closures,
// retimings, demand multipliers, each from the moment it is made), a variant that re-runs the
// scenario with them beside the baseline, the KPIs of the two side by side, and the edits
// saved as a what-if manifest that `parktwin run` repeats headless.
//
// The variant is simulated from t = 0 rather than copied from the baseline's state: it is then
// exactly the run the saved what-if gives (same demand draws, same event order), for a live
// scenario and a replayed run file alike; on the shipped scenarios catching up takes a
// second or two and the viewer shows its progress.

#include <memory>
#include <string>
#include <vector>

#include "render/what_if_panel.h"
#include "scenarios/scenario_controls.h"
#include "tools/traffic_source.h"

namespace parktwin::cli {

class WhatIfSession {
 public:
  // `baseline` must outlive the session.
  explicit WhatIfSession(const TrafficSource& baseline) : baseline_(baseline) {}

  // Adds an edit; its time is set to the baseline's time now. Its road, lane or junction is
  // checked against the network when the variant starts.
  void add(scenarios::EventSpec edit);
  void remove(std::size_t index);
  const std::vector<scenarios::EventSpec>& edits() const { return edits_; }
  // "t = 1230 s  close_road 'road_1_4_0'", one per edit.
  const std::vector<std::string>& edit_texts() const { return texts_; }
  // Edits added or removed since the variant started.
  bool edits_changed() const { return changed_; }

  // Starts (or restarts) the variant with the edits. Throws parktwin::Error, naming the
  // edit, when one does not fit the network; the previous variant is then kept.
  void run_variant();
  void drop_variant() { variant_.reset(); }
  // Shows a saved what-if (a manifest) as the variant instead, with no edits of its own.
  // Throws parktwin::Error naming --compare when it runs on another network.
  void compare_with(const std::string& manifest);
  const TrafficSource* variant() const { return variant_.get(); }

  // Moves the variant toward `time_s`, stepping for at most `budget_s` of wall time (so that
  // the window stays responsive while it catches up); a variant ahead of it (the baseline
  // was scrubbed back) starts again. Returns true when the variant is at `time_s`.
  bool follow(double time_s, double budget_s);
  // Share of the way from 0 to the time followed, for a progress bar.
  double catch_up() const { return catch_up_; }

  // Baseline and variant KPIs now (empty without a variant).
  std::vector<render::KpiComparison> compare() const;

  // Writes the edits as a what-if extending the baseline's manifest; returns a line for the
  // panel. Errors (no manifest, file exists, cannot write) come back as that line too.
  std::string save(const std::string& path) const;
  bool can_save() const { return !baseline_.meta().scenario_path.empty(); }

 private:
  const TrafficSource& baseline_;
  std::vector<scenarios::EventSpec> edits_;
  std::vector<std::string> texts_;
  std::unique_ptr<TrafficSource> variant_;
  std::string compared_;  // the manifest shown as the variant, or "" for the edits
  bool changed_ = false;
  double catch_up_ = 1.0;
};

// "close_road 'road_1_4_0'", "demand x1.20", ...: an edit as the panel lists it.
std::string edit_text(const scenarios::EventSpec& e);

}  // namespace parktwin::cli
