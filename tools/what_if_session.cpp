#include "tools/what_if_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>

#include "engine/error.h"
#include "scenarios/what_if.h"

namespace parktwin::cli {

std::string edit_text(const scenarios::EventSpec& e) {
  std::string what = e.type;
  if (!e.road.empty()) what += fmt::format(" '{}'", e.road);
  if (e.lane >= 0) what += fmt::format(" lane {}", e.lane);
  if (!e.junction.empty()) what += fmt::format(" '{}'", e.junction);
  if (e.type == "signal_plan") what += fmt::format(" [{}] s", fmt::join(e.phases_s, ", "));
  if (e.type == "demand_multiplier") what = fmt::format("demand x{:.2f}", e.factor);
  return fmt::format("t = {:>5.0f} s  {}", e.at_s, what);
}

void WhatIfSession::add(scenarios::EventSpec edit) {
  edit.at_s = baseline_.time_s();
  edit.file = "(edit made in the viewer)";
  texts_.push_back(edit_text(edit));
  edits_.push_back(std::move(edit));
  changed_ = true;
}

void WhatIfSession::remove(std::size_t index) {
  if (index >= edits_.size()) return;
  edits_.erase(edits_.begin() + static_cast<std::ptrdiff_t>(index));
  texts_.erase(texts_.begin() + static_cast<std::ptrdiff_t>(index));
  changed_ = true;
}

void WhatIfSession::compare_with(const std::string& manifest) {
  auto other = std::make_unique<TrafficSource>(manifest);
  namespace fs = std::filesystem;
  std::error_code a, b;
  const std::string mine = baseline_.meta().network_path, theirs = other->meta().network_path;
  if (!fs::equivalent(mine, theirs, a) || a || b) {
    throw Error("a what-if of another network")
        .field("--compare")
        .expected(fmt::format("a scenario on {}", mine))
        .found(fmt::format("{} runs on {}", manifest, theirs));
  }
  variant_ = std::move(other);
  compared_ = manifest;
  changed_ = false;
  catch_up_ = 0.0;
}

void WhatIfSession::run_variant() {
  variant_ = TrafficSource::variant_of(baseline_, edits_);
  compared_.clear();
  changed_ = false;
  catch_up_ = 0.0;
}

bool WhatIfSession::follow(double time_s, double budget_s) {
  if (!variant_) return true;
  if (variant_->is_replay()) {  // a recorded what-if: any time at once
    variant_->seek(time_s);
    catch_up_ = 1.0;
    return true;
  }
  if (variant_->time_s() > time_s + 1e-9) {  // a live World only goes forward: start again
    variant_ = compared_.empty() ? TrafficSource::variant_of(baseline_, edits_)
                                 : std::make_unique<TrafficSource>(compared_);
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const double step = variant_->meta().step_s;
  // Chunks of 30 steps between clock reads: small against a frame, large against the read.
  while (variant_->time_s() + 0.5 * step < time_s) {
    variant_->seek(std::min(time_s, variant_->time_s() + 30.0 * step));
    if (std::chrono::duration<double>(Clock::now() - start).count() > budget_s) break;
  }
  catch_up_ = time_s > 0.0 ? std::min(1.0, variant_->time_s() / time_s) : 1.0;
  const bool there = variant_->time_s() + 0.5 * step >= time_s;
  if (there) catch_up_ = 1.0;
  return there;
}

std::vector<render::KpiComparison> WhatIfSession::compare() const {
  std::vector<render::KpiComparison> rows;
  if (!variant_) return rows;
  // A replay records fewer KPIs than a live run knows: those rows show only the vehicles.
  const World* b = baseline_.world();
  const World* w = variant_->world();
  const traffic::TrafficKpis k = b != nullptr ? b->traffic().kpis() : traffic::TrafficKpis{};
  const traffic::TrafficKpis v = w != nullptr ? w->traffic().kpis() : traffic::TrafficKpis{};
  const bool live = b != nullptr && w != nullptr;
  const auto row = [&](const char* name, const char* unit, double base, double var, bool lower,
                       int decimals, bool known) {
    rows.push_back({name, unit, base, var, lower, decimals, known});
  };
  row("vehicles in the network", "", static_cast<double>(baseline_.vehicles()),
      static_cast<double>(variant_->vehicles()), true, 0, true);
  row("trips finished", "", static_cast<double>(k.finished), static_cast<double>(v.finished), false,
      0, live);
  row("average travel time", "s", k.average_travel_time_s, v.average_travel_time_s, true, 1, live);
  row("mean delay (finished)", "s", k.mean_finished_delay_s, v.mean_finished_delay_s, true, 1,
      live);
  row("stops per vehicle", "", k.mean_stops_per_vehicle, v.mean_stops_per_vehicle, true, 2, live);
  row("CO2", "kg", k.co2_kg, v.co2_kg, true, 1, live);
  row("rerouted around closures", "", static_cast<double>(k.closure_reroutes),
      static_cast<double>(v.closure_reroutes), true, 0, live);
  row("stuck without a detour", "", static_cast<double>(k.closure_no_detour),
      static_cast<double>(v.closure_no_detour), true, 0, live);
  // The district's electricity: what a traffic change does to the grid and its carbon.
  const energy::EnergySim* be = b != nullptr ? b->energy() : nullptr;
  const energy::EnergySim* ve = w != nullptr ? w->energy() : nullptr;
  if (be != nullptr && ve != nullptr) {
    const energy::EnergyKpis ek = be->kpis(), vk = ve->kpis();
    row("EV charging", "kWh", ek.charging_kwh, vk.charging_kwh, true, 0, true);
    row("electricity bought", "kWh", ek.import_kwh, vk.import_kwh, true, 0, true);
    row("electricity cost", be->tariff().currency.c_str(), ek.cost, vk.cost, true, 0, true);
    row("CO2, electricity + tailpipe", "kg", ek.co2_kg + k.co2_kg, vk.co2_kg + v.co2_kg, true, 1,
        true);
    row("feeder overload", "h", ek.feeder_overload_h, vk.feeder_overload_h, true, 2, true);
  }
  // What an energy policy trades against the electricity: comfort in the buildings.
  const buildings::BuildingsSim* bb = b != nullptr ? b->buildings() : nullptr;
  const buildings::BuildingsSim* vb = w != nullptr ? w->buildings() : nullptr;
  if (bb != nullptr && vb != nullptr) {
    row("discomfort (occupied)", "Kh", bb->kpis().discomfort_kh, vb->kpis().discomfort_kh, true, 1,
        true);
  }
  return rows;
}

std::string WhatIfSession::save(const std::string& path) const {
  if (!can_save()) return "cannot save: this run has no scenario manifest to extend";
  try {
    const std::string name = fmt::format("{} what-if", baseline_.meta().scenario);
    scenarios::save_what_if(baseline_.meta().scenario_path, path, name, edits_);
    return fmt::format("saved {}: parktwin run {}", path, path);
  } catch (const Error& e) {
    return e.what();
  }
}

}  // namespace parktwin::cli
