// parktwin run: a headless simulation of a scenario (or a network + demand pair) with a
// progress line on stderr and a KPI table on stdout; --kpi-json writes the KPIs as JSON.

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include "engine/clock.h"
#include "engine/error.h"
#include "engine/parallel.h"
#include "engine/version.h"
#include "scenarios/manifest.h"
#include "scenarios/run_recorder.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"
#include "sim/world.h"
#include "tools/cli_checks.h"
#include "tools/command.h"
#include "tools/format_duration.h"
#include "tools/policy_agents.h"

namespace parktwin::cli {

namespace {

using SteadyClock = std::chrono::steady_clock;

struct RunOptions {
  std::string scenario;
  std::string network;
  std::string demand;
  std::optional<double> duration_s;
  std::optional<double> step_s;
  std::optional<std::uint64_t> seed;
  std::string kpi_json;
  bool force = false;  // overwrite kpi_json (never the run file)
  std::string out;     // HDF5 run file
  std::optional<double> sample_interval_s;
  std::optional<double> checkpoint_interval_s;
  bool trajectories = false;
  std::string resume;  // run file of a killed run
  double pace = 0.0;   // at most this many simulated seconds per wall second; 0: no limit
  std::string lane_changing = "auto";
  std::optional<double> teleport_after_s;
  bool quiet = false;
};

// What a run does: the settings it records in its run file's /meta, the file, and the
// scenario's default thread count.
struct RunPlan {
  scenarios::RunMeta meta;
  std::string out;  // run file ("" for none)
  int threads = 0;  // the scenario's default; 0: all
};

RunPlan make_plan(const RunOptions& o) {
  RunPlan p;
  bool scenario_teleports = false;  // the scenario sets its time-to-teleport
  if (!o.scenario.empty()) {
    const scenarios::Manifest m = scenarios::load_manifest(o.scenario);
    scenario_teleports = m.teleport_after_s.has_value();
    p.meta = scenarios::run_meta_of(m);
    p.threads = m.threads;
    p.out = m.run_file;
  }
  if (!o.network.empty()) p.meta.network_path = o.network;
  if (!o.demand.empty()) p.meta.demand_path = o.demand;
  if (p.meta.network_path.empty() || p.meta.demand_path.empty()) {
    throw Error("nothing to run").expected("a SCENARIO file, or both --network and --demand");
  }
  if (p.meta.scenario.empty())
    p.meta.scenario = std::filesystem::path(p.meta.network_path).stem().string();
  if (o.duration_s) p.meta.duration_s = *o.duration_s;
  if (o.step_s) p.meta.step_s = *o.step_s;
  if (o.seed) p.meta.seed = *o.seed;
  // auto: as the input's own simulator does by default (CityFlow: laneChange=false and no
  // teleports; SUMO: lane changes, teleports after 300 s), unless the scenario or flag says.
  const bool sumo =
      scenarios::detect_format(p.meta.network_path) == scenarios::InputFormat::sumo_xml;
  p.meta.lane_changing = o.lane_changing == "on" || (o.lane_changing == "auto" && sumo);
  if (o.teleport_after_s) {
    p.meta.teleport_after_s = *o.teleport_after_s;
  } else if (!scenario_teleports) {
    p.meta.teleport_after_s = sumo ? scenarios::kSumoTimeToTeleport_s : 0.0;
  }
  if (!o.out.empty()) p.out = o.out;
  if (o.sample_interval_s) p.meta.sample_interval_s = *o.sample_interval_s;
  if (o.checkpoint_interval_s) p.meta.checkpoint_interval_s = *o.checkpoint_interval_s;
  if (o.trajectories) p.meta.trajectories = true;
  return p;
}

std::string read_text(const std::string& path);

// A killed run continues with the settings it started with, all read from its run file.
RunPlan resume_plan(const RunOptions& o, const scenarios::ResumePoint& r) {
  if (!o.network.empty() || !o.demand.empty() || o.duration_s || o.step_s || o.seed ||
      !o.out.empty() || o.lane_changing != "auto" || o.teleport_after_s || o.sample_interval_s ||
      o.checkpoint_interval_s || o.trajectories) {
    throw Error("--resume continues a run with its own settings")
        .in_file(o.resume)
        .expected(
            "no --network, --demand, --duration, --step, --seed, --out, --lane-changing, "
            "--teleport-after or "
            "intervals");
  }
  if (!o.scenario.empty() && read_text(o.scenario) != r.meta.scenario_text) {
    throw Error("the run file is of another scenario")
        .in_file(o.resume)
        .field("/meta/scenario_text")
        .expected("the text of " + o.scenario)
        .found("scenario '" + r.meta.scenario + "' from " +
               (r.meta.scenario_path.empty() ? std::string("--network/--demand")
                                             : r.meta.scenario_path));
  }
  if (!r.meta.scenario_path.empty() && std::filesystem::exists(r.meta.scenario_path) &&
      read_text(r.meta.scenario_path) != r.meta.scenario_text) {
    throw Error("the scenario changed since the run started")
        .in_file(r.meta.scenario_path)
        .expected("the text stored in " + o.resume + " (/meta/scenario_text)");
  }
  RunPlan p;
  p.meta = r.meta;
  p.out = o.resume;
  return p;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string utc_now_iso() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// The plan's settings as /meta records them, with what only the start of a run knows.
scenarios::RunMeta run_meta(const RunPlan& plan) {
  scenarios::RunMeta m = plan.meta;
  m.scenario_text = m.scenario_path.empty() ? std::string() : read_text(m.scenario_path);
  m.threads = par::max_threads();
  m.wall_start = utc_now_iso();
  return m;
}

void write_kpi_json(const std::string& path, const RunPlan& plan, const traffic::TrafficKpis& k,
                    const World& world, double step_wall_s, double load_wall_s,
                    std::uint64_t hash) {
  const buildings::BuildingsSim* b = world.buildings();
  nlohmann::ordered_json j;
  j["scenario"] = plan.meta.scenario;
  j["parktwin_version"] = std::string(version());
  j["git"] = std::string(git_hash());
  j["threads"] = par::max_threads();
  j["seed"] = plan.meta.seed;
  j["step_s"] = plan.meta.step_s;
  j["duration_s"] = plan.meta.duration_s;
  j["load_wall_s"] = load_wall_s;
  j["step_wall_s"] = step_wall_s;
  j["vehicle_updates_per_s"] =
      step_wall_s > 0 ? static_cast<double>(k.vehicle_updates) / step_wall_s : 0.0;
  traffic::for_each_kpi(k, [&](const char* name, auto value) { j[name] = value; });
  j["lane_changing"] = plan.meta.lane_changing;
  j["teleport_after_s"] = plan.meta.teleport_after_s;
  if (b != nullptr) {
    nlohmann::ordered_json jb;
    jb["buildings"] = b->stock().size();
    buildings::for_each_kpi(b->kpis(), [&](const char* name, auto value) { jb[name] = value; });
    j["buildings"] = jb;
  }
  if (const energy::EnergySim* e = world.energy()) {
    const energy::EnergyKpis ek = e->kpis();
    nlohmann::ordered_json je;
    je["tariff"] = e->tariff().name;
    je["currency"] = e->tariff().currency;
    if (e->config().carbon_hourly_kg_per_kwh.empty()) {
      je["carbon_kg_per_kwh"] = e->config().carbon_kg_per_kwh;
    } else {
      je["carbon_kg_per_kwh"] = "hourly";
    }
    je["batteries"] = energy::battery_policy_name(e->config().batteries);
    je["charging"] = energy::charging_policy_name(e->config().charging);
    je["energy_policy"] = plan.meta.controllers.energy_policy_path.empty()
                              ? "rules"
                              : plan.meta.controllers.energy_policy_path;
    energy::for_each_kpi(ek, [&](const char* name, auto value) { je[name] = value; });
    nlohmann::ordered_json feeders = nlohmann::ordered_json::array();
    for (const energy::FeederKpis& f : ek.feeders) {
      feeders.push_back(
          {{"name", f.name},
           {"capacity_kw", std::isfinite(f.capacity_kw) ? nlohmann::ordered_json(f.capacity_kw)
                                                        : nlohmann::ordered_json(nullptr)},
           {"peak_kw", f.peak_kw},
           {"overload_h", f.overload_h}});
    }
    je["feeders"] = feeders;
    // Tailpipe CO2 of the petrol cars and the grid's for what the district bought.
    je["co2_total_kg"] = ek.co2_kg + k.co2_kg;
    j["energy"] = je;
  }
  j["state_hash"] = fmt::format("{:016x}", hash);
  write_file_atomically(path, j.dump(2) + "\n");
}

void print_kpis(std::ostream& out, const RunPlan& plan, const traffic::TrafficKpis& k,
                const World& world, double step_wall_s) {
  const buildings::BuildingsSim* b = world.buildings();
  const double rate = step_wall_s > 0 ? static_cast<double>(k.vehicle_updates) / step_wall_s : 0.0;
  out << fmt::format(
      "\n{} — {} s simulated in {} steps ({:.3f} s wall, {:.2f} M vehicle-updates/s, {} threads)\n",
      plan.meta.scenario, k.time_s, k.steps, step_wall_s, rate / 1e6, par::max_threads());
  const auto row = [&](const char* name, const std::string& value, const char* unit) {
    out << fmt::format("  {:<34} {:>12} {}\n", name, value, unit);
  };
  row("average travel time (CityFlow)", fmt::format("{:.1f}", k.average_travel_time_s), "s");
  row("mean travel time, finished", fmt::format("{:.1f}", k.mean_finished_travel_time_s), "s");
  row("mean trip duration, finished", fmt::format("{:.1f}", k.mean_finished_trip_duration_s), "s");
  row("mean delay, finished", fmt::format("{:.1f}", k.mean_finished_delay_s), "s");
  row("vehicles created", std::to_string(k.created), "");
  row("finished", std::to_string(k.finished), "");
  row("running at end", std::to_string(k.running), "");
  row("waiting to enter at end", std::to_string(k.waiting), "");
  row("throughput", fmt::format("{:.0f}", k.throughput_veh_per_h), "veh/h");
  row("stops per finished vehicle", fmt::format("{:.2f}", k.mean_stops_per_vehicle), "");
  row("halting vehicles (mean)", fmt::format("{:.1f}", k.mean_halting), "");
  row("fuel (HBEFA3 PC_G_EU4)", fmt::format("{:.1f}", k.fuel_l), "L");
  row("CO2", fmt::format("{:.1f}", k.co2_kg), "kg");
  row("vehicle-updates", std::to_string(k.vehicle_updates), "");
  row("lane changes", std::to_string(k.lane_changes), "");
  if (k.stops_served > 0) row("halts at stops (SUMO <stop>)", std::to_string(k.stops_served), "");
  if (k.teleports > 0) row("teleports (stood too long)", std::to_string(k.teleports), "");
  if (k.dead_ends > 0) row("routes ended early (no lane onward)", std::to_string(k.dead_ends), "");
  if (k.closure_reroutes + k.closure_no_detour > 0) {
    row("rerouted around closures", std::to_string(k.closure_reroutes), "");
    row("no way around a closure", std::to_string(k.closure_no_detour), "");
  }
  if (b == nullptr) return;
  const buildings::BuildingsKpis e = b->kpis();
  out << fmt::format("  buildings ({}, ISO 13790 5R1C, every {:.0f} s)\n", b->stock().size(),
                     plan.meta.buildings_step_s);
  row("heat delivered / removed", fmt::format("{:.0f} / {:.0f}", e.heating_kwh, e.cooling_kwh),
      "kWh");
  row("electricity: HVAC", fmt::format("{:.0f}", e.hvac_electric_kwh), "kWh");
  row("electricity: lighting", fmt::format("{:.0f}", e.lighting_kwh), "kWh");
  row("electricity: equipment", fmt::format("{:.0f}", e.equipment_kwh), "kWh");
  row("electricity, total", fmt::format("{:.0f}", e.electric_kwh), "kWh");
  row("peak demand", fmt::format("{:.0f}", e.peak_electric_kw),
      fmt::format("kW at t = {:.0f} s", e.peak_time_s).c_str());
  row("discomfort (occupied, outside band)", fmt::format("{:.1f}", e.discomfort_kh), "Kh");
  row("heat beyond HVAC capacity", fmt::format("{:.1f}", e.unmet_heat_kwh), "kWh");
  if (const buildings::SunShading* sh = b->shading()) {
    row("shading: sun bins cast, rays",
        fmt::format("{} / {}", sh->stats().bins_cast, sh->stats().rays),
        fmt::format("({:.2f} s wall, {} sample points)", sh->stats().seconds, sh->samples())
            .c_str());
  }
  const energy::EnergySim* es = world.energy();
  if (es == nullptr) return;
  const energy::EnergyKpis g = es->kpis();
  const std::string& learned = plan.meta.controllers.energy_policy_path;
  out << fmt::format("  energy (tariff: {}; batteries {}, charging {}{})\n", es->tariff().name,
                     energy::battery_policy_name(es->config().batteries),
                     energy::charging_policy_name(es->config().charging),
                     learned.empty() ? ""
                                     : "; driven by the learned policy " +
                                           std::filesystem::path(learned).filename().string());
  row("rooftop PV",
      fmt::format("{:.0f} ({:.0f}% used in place)", g.pv_kwh, 100.0 * g.pv_self_consumption),
      "kWh");
  row("batteries: in / out", fmt::format("{:.0f} / {:.0f}", g.battery_in_kwh, g.battery_out_kwh),
      "kWh");
  row("EV sessions (full/short/plugged)",
      fmt::format("{:.0f} ({:.0f} / {:.0f} / {:.0f})", g.ev_sessions, g.ev_sessions_full,
                  g.ev_sessions_short, g.ev_sessions_plugged),
      "");
  row("EV charging", fmt::format("{:.0f}", g.charging_kwh), "kWh");
  row("EV charging unserved", fmt::format("{:.1f}", g.ev_unserved_kwh), "kWh");
  row("bought / sold", fmt::format("{:.0f} / {:.0f}", g.import_kwh, g.export_kwh), "kWh");
  row("peak net draw from the grid", fmt::format("{:.0f}", g.peak_import_kw),
      fmt::format("kW at t = {:.0f} s", g.peak_time_s).c_str());
  row("cost", fmt::format("{:.0f}", g.cost), es->tariff().currency.c_str());
  // An hourly series: the mean over what was bought.
  const std::string carbon_unit =
      es->config().carbon_hourly_kg_per_kwh.empty()
          ? fmt::format("kg ({:.4f} kg/kWh)", es->config().carbon_kg_per_kwh)
          : fmt::format("kg ({:.4f} kg/kWh, hourly series, mean over what was bought)",
                        g.import_kwh > 0.0 ? g.co2_kg / g.import_kwh : 0.0);
  row("CO2 of electricity bought", fmt::format("{:.0f}", g.co2_kg), carbon_unit.c_str());
  row("CO2, electricity + tailpipe", fmt::format("{:.0f}", g.co2_kg + k.co2_kg), "kg");
  if (g.unserved_kwh > 0.0 || g.curtailed_kwh > 0.0) {
    row("unserved (feeder outages)", fmt::format("{:.1f}", g.unserved_kwh), "kWh");
    row("PV curtailed (feeder outages)", fmt::format("{:.1f}", g.curtailed_kwh), "kWh");
  }
  // Every feeder of a small grid; of a large one (a district's hundreds) a summary and the
  // most loaded few, highest peak over capacity first (all of them are in --kpi-json and --out).
  constexpr std::size_t kFeedersListed = 8;
  std::vector<const energy::FeederKpis*> listed;
  for (const energy::FeederKpis& f : g.feeders) listed.push_back(&f);
  if (listed.size() > kFeedersListed) {
    const auto loading = [](const energy::FeederKpis* f) {
      return std::isfinite(f->capacity_kw) && f->capacity_kw > 0.0 ? f->peak_kw / f->capacity_kw
                                                                   : 0.0;
    };
    std::stable_sort(listed.begin(), listed.end(),
                     [&](const auto* lhs, const auto* rhs) { return loading(lhs) > loading(rhs); });
    std::size_t overloaded = 0;
    double overload_h = 0.0;
    for (const energy::FeederKpis& f : g.feeders) {
      overloaded += f.overload_h > 0.0 ? 1 : 0;
      overload_h += f.overload_h;
    }
    row("feeders overloaded", fmt::format("{} of {}", overloaded, g.feeders.size()),
        fmt::format("({:.2f} feeder-hours over capacity; the {} most loaded:)", overload_h,
                    kFeedersListed)
            .c_str());
    listed.resize(kFeedersListed);
  }
  for (const energy::FeederKpis* f : listed) {
    row(fmt::format("feeder {}: peak", f->name).c_str(),
        std::isfinite(f->capacity_kw) ? fmt::format("{:.0f} / {:.0f}", f->peak_kw, f->capacity_kw)
                                      : fmt::format("{:.0f}", f->peak_kw),
        fmt::format("kW, {:.2f} h overloaded", f->overload_h).c_str());
  }
}

// A setting of the run by its three names: the option, the scenario's key and the attribute
// of a run file's /meta that --resume reads it from.
struct Setting {
  const char* option;
  const char* key;
  const char* meta;
};
constexpr Setting kDuration{"--duration", "duration", "/meta/duration_s"};
constexpr Setting kStep{"--step", "step", "/meta/step_s"};
constexpr Setting kSampleInterval{"--sample-interval", "outputs.series_interval",
                                  "/meta/sample_interval_s"};
constexpr Setting kCheckpointInterval{"--checkpoint-interval", "outputs.checkpoint_interval",
                                      "/meta/checkpoint_interval_s"};

// `check()`, with its parktwin::Error pointed at where the value came from: the option when
// given (or when there is no scenario), else the scenario's key, or /meta of a resumed run.
template <class Check>
auto checked(const RunOptions& o, bool option_given, const Setting& s, Check check) {
  try {
    return check();
  } catch (Error& e) {
    if (!o.resume.empty()) {
      e.in_file(o.resume).field(s.meta);
    } else if (option_given || o.scenario.empty()) {
      e.field(s.option);
    } else {
      e.in_file(o.scenario).field(s.key);
    }
    throw;
  }
}

// Every `interval_s` simulated seconds as a whole number of steps, or 0 for never (only
// where `zero_is_never`). Never rounded: recording every 1 s when 0.5 s was asked would
// make the file lie about its own sampling.
std::int64_t every_steps(const SimClock& clock, double interval_s, bool zero_is_never) {
  if (zero_is_never && interval_s == 0.0) return 0;
  return clock.every(interval_s).period_steps;
}

// The longest a paced run may take on the wall clock: ~31.7 years, far inside what
// std::chrono::steady_clock can add to now without overflowing.
constexpr double kMaxPacedWallS = 1e9;

int run(const RunOptions& o, const CommandContext& ctx) {
  std::optional<scenarios::ResumePoint> resume;
  if (!o.resume.empty()) {
    scenarios::repair_for_resume(o.resume);
    resume = scenarios::read_resume_point(o.resume);
  }
  const RunPlan plan = resume ? resume_plan(o, *resume) : make_plan(o);
  // Every setting is checked before anything loads or runs.
  const SimClock clock =
      checked(o, o.step_s.has_value(), kStep, [&] { return SimClock(plan.meta.step_s); });
  const std::int64_t steps = checked(o, o.duration_s.has_value(), kDuration,
                                     [&] { return clock.steps_for(plan.meta.duration_s); });
  const std::int64_t sample_every =
      checked(o, o.sample_interval_s.has_value(), kSampleInterval,
              [&] { return every_steps(clock, plan.meta.sample_interval_s, false); });
  const std::int64_t checkpoint_every =
      checked(o, o.checkpoint_interval_s.has_value(), kCheckpointInterval,
              [&] { return every_steps(clock, plan.meta.checkpoint_interval_s, true); });
  if (o.pace > 0.0 && !(plan.meta.duration_s / o.pace <= kMaxPacedWallS)) {
    throw Error("too slow: the run would never end")
        .field("--pace")
        .expected(fmt::format(">= {} for {} simulated s in at most {} wall-clock s",
                              plan.meta.duration_s / kMaxPacedWallS, plan.meta.duration_s,
                              kMaxPacedWallS))
        .found(fmt::format("{}", o.pace));
  }
  if (!o.kpi_json.empty()) check_output_file(o.kpi_json, "--kpi-json", o.force);
  std::optional<par::ThreadLimit> scenario_threads;  // --threads, when given, came first
  if (ctx.global.threads == 0 && plan.threads > 0) scenario_threads.emplace(plan.threads);

  if (!resume && !plan.out.empty() && std::filesystem::exists(plan.out)) {
    throw Error("run file exists")
        .in_file(plan.out)
        .expected("a new file name (--out never overwrites)");
  }
  const auto load_start = SteadyClock::now();
  const traffic::Network net = scenarios::load_network(plan.meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(plan.meta, net);
  const std::unique_ptr<World> world = scenarios::make_world(plan.meta, net, demand);
  attach_policy_agent(plan.meta, *world);
  traffic::TrafficSim& sim = world->traffic();
  if (resume) {
    resume->checkpoint.restore(*world, o.resume);
    world->restored();
  }
  const double load_wall_s = std::chrono::duration<double>(SteadyClock::now() - load_start).count();
  if (!o.quiet) {
    ctx.err << fmt::format("{}: {} roads, {} lanes, {} junctions, {} trips; loaded in {:.2f} s{}\n",
                           plan.meta.scenario, net.road_count(), net.lane_count(),
                           net.junction_count(), demand.trip_count(), load_wall_s,
                           resume ? fmt::format("; resuming at t = {:.0f} s", sim.time_s()) : "");
  }

  std::unique_ptr<scenarios::RunRecorder> recorder;
  if (resume) {
    recorder = std::make_unique<scenarios::RunRecorder>(
        plan.out, *world, resume->checkpoint, plan.meta.trajectories, demand.trip_count());
  } else if (!plan.out.empty()) {
    recorder = std::make_unique<scenarios::RunRecorder>(plan.out, run_meta(plan), *world,
                                                        demand.trip_count());
    recorder->record(*world);  // the state at t = 0
  }

  const bool tty = isatty(fileno(stderr)) != 0;
  double step_wall_s = 0.0;
  const auto run_start = SteadyClock::now();
  const std::int64_t first = sim.state().step;
  auto last_report = run_start;
  std::size_t events_shown = world->events_applied();
  for (std::int64_t i = first; i < steps; ++i) {
    const auto t0 = SteadyClock::now();
    world->step();
    const auto t1 = SteadyClock::now();
    step_wall_s += std::chrono::duration<double>(t1 - t0).count();
    const std::int64_t done = i + 1;
    if (recorder && done % sample_every == 0) recorder->record(*world);
    if (recorder && checkpoint_every > 0 && done % checkpoint_every == 0 && done < steps) {
      recorder->checkpoint(*world);
    }
    if (o.pace > 0.0) {
      // Live pacing (demos, and tests that must stop a run midway): never ahead of the wall.
      const auto due =
          run_start +
          std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(
              static_cast<double>(done - first) * plan.meta.step_s / o.pace));
      std::this_thread::sleep_until(due);
    }
    const bool last = done == steps;
    for (; events_shown < world->events_applied(); ++events_shown) {
      const traffic::TrafficEvent& e = world->events()[events_shown];
      if (!o.quiet) {
        ctx.err << fmt::format("{}t = {:.0f} s: {}\n", tty ? "\r\033[K" : "",
                               static_cast<double>(e.step) * plan.meta.step_s,
                               traffic::event_text(net, e));
      }
    }
    if (!o.quiet && (last || t1 - last_report > std::chrono::seconds(tty ? 1 : 10))) {
      last_report = t1;
      const traffic::TrafficKpis k = sim.kpis();
      const double rtf =
          step_wall_s > 0
              ? (sim.time_s() - static_cast<double>(first) * plan.meta.step_s) / step_wall_s
              : 0.0;
      const double eta = rtf > 0 ? (plan.meta.duration_s - sim.time_s()) / rtf : 0.0;
      ctx.err << fmt::format(
          "{}t = {:>7.0f} / {:.0f} s  {:>7.0f}x real time  {:>6} running  "
          "{:>6} finished  ETA {}{}",
          tty ? "\r" : "", sim.time_s(), plan.meta.duration_s, rtf, k.running, k.finished,
          format_duration(eta), tty && !last ? "" : "\n");
      ctx.err.flush();
    }
  }
  const traffic::TrafficKpis k = sim.kpis();
  if (recorder) {
    const std::optional<buildings::BuildingsKpis> bk =
        world->buildings() ? std::optional(world->buildings()->kpis()) : std::nullopt;
    const std::optional<energy::EnergyKpis> ek =
        world->energy() ? std::optional(world->energy()->kpis()) : std::nullopt;
    recorder->finish(k, sim.state_hash(), step_wall_s, sim, bk ? &*bk : nullptr,
                     ek ? &*ek : nullptr);
  }
  print_kpis(ctx.out, plan, k, *world, step_wall_s);
  if (recorder && !o.quiet) {
    ctx.err << fmt::format("run file: {} (waited {:.3f} s for the disk)\n", plan.out,
                           recorder->wait_s());
  }
  if (!o.kpi_json.empty())
    write_kpi_json(o.kpi_json, plan, k, *world, step_wall_s, load_wall_s, sim.state_hash());
  return exit_code::ok;
}

}  // namespace

CommandRun configure_run(CLI::App& sub) {
  auto o = std::make_shared<RunOptions>();
  sub.add_option(
         "scenario", o->scenario,
         "Scenario manifest (TOML) or SUMO configuration (.sumocfg); flags below override it")
      ->check(CLI::ExistingFile);
  sub.add_option("--network", o->network,
                 "Road network: CityFlow roadnet JSON or SUMO .net.xml (detected from content)")
      ->check(CLI::ExistingFile);
  sub.add_option(
         "--demand", o->demand,
         "Demand: CityFlow flow JSON or SUMO routes/trips/flows XML (detected from content)")
      ->check(CLI::ExistingFile);
  sub.add_option("--duration", o->duration_s, "Simulated seconds (default: scenario's, else 3600)")
      ->check(finite_positive());
  sub.add_option("--step", o->step_s, "Time step in seconds (default: scenario's, else 1)")
      ->check(finite_positive());
  sub.add_option("--seed", o->seed, "Random seed (default: scenario's, else 0)")
      ->check(whole_number(std::numeric_limits<std::uint64_t>::max()));
  sub.add_option("--kpi-json", o->kpi_json,
                 "Write the KPIs, steps, vehicle_updates and step_wall_s as JSON (must not "
                 "exist, unless --force)")
      ->check(non_empty_path());
  sub.add_flag("--force", o->force, "Overwrite --kpi-json if it exists (--out never overwrites)");
  sub.add_option("--lane-changing", o->lane_changing,
                 "MOBIL lane changes: on, off, or auto (on for SUMO input, off for CityFlow "
                 "input, as each simulator's default)")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->default_str("auto");
  sub.add_option("--teleport-after", o->teleport_after_s,
                 "Seconds a vehicle may stand at the front of a lane or junction link before it "
                 "is teleported along its route, as SUMO's time-to-teleport; 0: never (default: "
                 "the scenario's, else 300 for SUMO input and never for CityFlow input)")
      ->check(finite_non_negative());
  sub.add_option("--out", o->out,
                 "Record the run into this HDF5 file (must not exist; layout in "
                 "docs/hdf5-layout.md; default: scenario's [outputs] file, else none)")
      ->check(non_empty_path());
  sub.add_option("--sample-interval", o->sample_interval_s,
                 "Simulated seconds between samples of the series in --out (default: "
                 "scenario's [outputs] series_interval, else 60; a whole number of steps)")
      ->check(finite_positive());
  sub.add_option("--checkpoint-interval", o->checkpoint_interval_s,
                 "Simulated seconds between checkpoints in --out, for --resume (default: "
                 "scenario's [outputs] checkpoint_interval, else 600; a whole number of steps; 0: "
                 "none)")
      ->check(finite_non_negative());
  sub.add_flag("--trajectories", o->trajectories,
               "Also record every vehicle's segment, position and speed at each sample (for "
               "replay; default: scenario's [outputs] trajectories, else off)");
  sub.add_option("--resume", o->resume,
                 "Continue the run recorded in this file from its last checkpoint, with the "
                 "settings it started with (give SCENARIO too to check it is the same)")
      ->check(CLI::ExistingFile);
  sub.add_option("--pace", o->pace,
                 "Simulate at most this many seconds per wall-clock second (default: as fast as "
                 "possible)")
      ->check(finite_positive());
  sub.add_flag("--quiet", o->quiet, "No progress line");
  sub.footer(
      "Example: parktwin run assets/scenarios/hangzhou_4x4/scenario.toml --kpi-json kpi.json\n");
  return [o](const CommandContext& ctx) { return run(*o, ctx); };
}

}  // namespace parktwin::cli
