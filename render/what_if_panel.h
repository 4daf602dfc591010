#pragma once
// The viewer's what-if panels (STYLE.md 14): the edits a planner made (closures and
// retimings from the inspector, demand multipliers here), the buttons that re-run the
// scenario with them as a variant or save them as a what-if file, and the table comparing the
// variant's KPIs with the baseline's. Like every panel they read what they show and return
// what the user asked for; the caller owns the edits and the simulations.

#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace parktwin::render {

// One line of the comparison: a KPI of the baseline and of the variant at the same time.
struct KpiComparison {
  std::string name, unit;
  double baseline = 0.0, variant = 0.0;
  bool lower_is_better = true;
  int decimals = 0;
  bool known = true;  // false: the baseline cannot tell (a replay records fewer KPIs)
};

struct WhatIfView {
  std::span<const std::string> edits;  // "t = 1230 s  close_road 'road_1_4_0'", in order
  bool edits_changed = false;          // edits made or removed since the variant was started
  bool variant_on = false;             // a variant runs beside the baseline
  double catch_up = 1.0;               // the variant's progress to the baseline's time, 0..1
  bool can_save = false;               // the scenario has a manifest a what-if can extend
  std::string status;                  // the outcome of the last save, or an error
  std::span<const KpiComparison> kpis;
};

struct WhatIfCommands {
  std::optional<double> demand_factor;     // add "demand x factor from now"
  std::optional<std::size_t> remove_edit;  // index into WhatIfView::edits
  bool run_variant = false;                // (re)start the variant with the edits
  bool drop_variant = false;
  bool save = false;  // save the edits as a what-if at `save_path`
};

// `factor` and `save_path` are the panel's inputs, kept by the caller between frames.
WhatIfCommands what_if_panel(const WhatIfView& v, float& factor, std::string& save_path,
                             int window_width);

// The baseline-vs-variant table: each KPI, its difference and the relative change, green
// where the variant is better and red where it is worse.
void comparison_panel(std::span<const KpiComparison> kpis, int window_width, int window_height);

// The line between the baseline's pane and the variant's at column x, with their names.
void split_divider(int x, int window_height);

}  // namespace parktwin::render
