#pragma once
// The viewer's Dear ImGui panels (STYLE.md 14): one function per panel, called every frame
// between ViewerWindow::begin_frame() and draw(); each reads a ViewState and returns what the
// user asked for as commands, applied by the caller between simulation steps. No panel keeps
// a copy of the state.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "render/building_scene.h"
#include "render/scene_builder.h"

namespace parktwin::render {

// A feeder's flow now against its capacity (+inf: unlimited).
struct FeederLoad {
  std::string name;
  double load_kw = 0.0, capacity_kw = 0.0;
};

// What the panels show.
struct ViewState {
  std::string scenario;
  std::string device;
  bool replay = false;  // a run file (scrubbing allowed) rather than a live simulation
  bool playing = true;
  double speed = 1.0;  // simulated seconds per wall second
  double time_s = 0.0, duration_s = 0.0;
  std::string clock;  // local date and time now, when the scenario has a start
  double fps = 0.0;
  LaneColouring colouring = LaneColouring::speed;
  bool has_buildings = false;
  std::size_t agent_junctions = 0;  // junctions ringed: their signals run by an agent
  BuildingColouring building_colouring = BuildingColouring::temperature;
  double outdoor_c = 0.0, site_electric_kw = 0.0, site_pv_kw = 0.0;  // with buildings
  // The district's electricity (live runs with energy): bought now, EV charging now, and
  // since the start the cost, the grid's CO2 and the feeders' overload hours.
  bool has_energy = false;
  double import_kw = 0.0, charging_kw = 0.0, cost = 0.0, grid_co2_kg = 0.0, overload_h = 0.0;
  std::string currency;
  std::uint64_t ev_sessions = 0;
  std::span<const FeederLoad> feeders;
  std::span<const float> history_import_kw;  // one value per history sample
  // KPIs (live runs; a replay shows the vehicles in the network)
  std::uint64_t vehicles = 0, finished = 0, created = 0;
  double average_travel_time_s = 0.0, co2_kg = 0.0;
  std::span<const float> history_vehicles;  // one value per history sample
  std::span<const std::string> events;      // "t = 600 s  close_road 'road_1_4_0'", applied first
  std::size_t events_applied = 0;
};

struct ViewCommands {
  bool toggle_play = false;
  std::optional<double> speed;
  bool step = false;             // one step (paused)
  std::optional<double> seek_s;  // replay only
  std::optional<LaneColouring> colouring;
  std::optional<BuildingColouring> building_colouring;
  bool fit = false;
  bool quit = false;
};

// Play, pause, step, speed x1..x1000, time and (replay) a scrubber; lane colouring.
ViewCommands time_panel(const ViewState& s);
// KPIs with a plot of the vehicles in the network over time, and the scenario's events.
// `max_height`: what is left between its top and the legend; beyond it the panel scrolls
// instead of running under the legend.
void kpi_panel(const ViewState& s, float max_height);
// The colour ramp of the lanes and the signal colours.
// Returns its height in pixels (for the KPI panel above it in the next frame).
float legend_panel(const ViewState& s, int window_height);
// --demo: large captions (scenario, clock, vehicles, travel time, CO2) for a room to read.
void demo_captions(const ViewState& s, int window_width);

}  // namespace parktwin::render
