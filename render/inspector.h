#pragma once
// The inspector: what the viewer shows about the vehicle, road or junction the user clicked
// (render/picking.h), and its Dear ImGui panel. The *_info functions read one moment of
// traffic (a TrafficFrame, from a live run or a replay) with the model it belongs to; the
// caller adds what a frame does not carry (closures, phase clocks, times in the network) from
// the live simulation when it has one. The panel returns what the user asked for as commands
// (STYLE.md 14), applied by the caller between steps.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "render/picking.h"
#include "render/scene_builder.h"
#include "sim/buildings/buildings_sim.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"

namespace parktwin::render {

struct VehicleInfo {
  std::string id, type;
  double speed_mps = 0.0;
  double time_in_network_s = 0.0;  // 0 unless the caller knows it (a frame does not)
  std::string road;                // the road it is on; in a junction, the road it came from
  std::uint32_t lane_in_road = 0;  // 0 = leftmost
  std::vector<std::string> route;  // road ids
  std::size_t route_pos = 0;       // index of `road` in `route`; route.size() when `road` is
                                   // not on it (rerouted around a closure)
  bool in_network = true;          // false: not in this frame (not yet departed, or arrived); then
                                   // road is empty and route_pos == route.size()
};

struct RoadInfo {
  std::string id;
  std::uint32_t lanes = 0;
  double length_m = 0.0, speed_limit_mps = 0.0;  // of its longest lane, its fastest lane
  std::uint32_t vehicles = 0, halting = 0;       // halting: the queue, below 0.1 m/s
  double mean_speed_mps = 0.0;                   // of the vehicles on it; 0 when empty
  bool closed = false;                           // every lane closed
};

struct JunctionInfo {
  std::string id;
  bool signalised = false;
  std::uint32_t phase = 0;                // the signal's phase now
  double time_in_phase_s = 0.0;           // 0 unless the caller knows it (a frame does not)
  std::vector<double> phase_durations_s;  // the plan's, in phase order
  std::string phase_kind;                 // "green", "amber" or "all_red" (traffic::PhaseKind)
  // What runs the signal, when the caller knows it (the scenario's controllers): "fixed time",
  // "max pressure", "SOTL", "actuated", "Webster", "agent" or "learned policy <folder>".
  std::string controller;
};

struct BuildingInfo {
  std::string id, use;
  int floors = 0;
  double height_m = 0.0, floor_area_m2 = 0.0;
  bool live = false;  // the rest is known (a live World's buildings)
  double air_c = 0.0, operative_c = 0.0;
  double electric_kw = 0.0, hvac_heat_kw = 0.0;    // now; heat: + heating, - cooling
  double electric_kwh = 0.0, discomfort_kh = 0.0;  // since t = 0
};

// Building b of `stock`, with its state now when `state` is given.
BuildingInfo building_info(const buildings::BuildingStock& stock,
                           const buildings::BuildingsState* state, std::uint32_t b);

using Inspection = std::variant<std::monostate, VehicleInfo, RoadInfo, JunctionInfo, BuildingInfo>;

// Road `road` in `frame`: its vehicles are those on its lanes (not on links into or out of
// it). `lane_closed`: one byte per lane, 1 = closed (as TrafficSim::lane_closed gives; empty:
// none closed). Throws parktwin::Error for a road out of range or a frame whose columns
// differ in length.
RoadInfo road_info(const traffic::Network& net, const TrafficFrame& frame, std::uint32_t road,
                   std::span<const std::uint8_t> lane_closed = {});

// Trip `trip` in `frame`: where it is and how far along its route. Throws parktwin::Error for
// a trip out of range, a frame whose columns differ in length or a segment out of range.
VehicleInfo vehicle_info(const traffic::Network& net, const traffic::Demand& demand,
                         const TrafficFrame& frame, std::uint32_t trip);

// Junction `junction` in `frame`, with its signal's plan from the network (a live run that
// retimed it knows better: TrafficSim::phase_duration_s). Throws parktwin::Error for a junction
// out of range or a frame with another number of signals.
JunctionInfo junction_info(const traffic::Network& net, const TrafficFrame& frame,
                           std::uint32_t junction);

// What a pick shows: the vehicle, the road of a picked lane, or the junction (a building is
// building_info's, which needs the stock).
Inspection inspect(const traffic::Network& net, const traffic::Demand& demand,
                   const TrafficFrame& frame, const Pick& pick,
                   std::span<const std::uint8_t> lane_closed = {});

struct InspectorCommands {
  bool close = false;       // the window's close button
  bool fly_to = false;      // move the camera to what is shown
  bool close_road = false;  // close every lane of the road shown
  bool open_road = false;
  std::optional<std::vector<double>> retime;  // new phase durations for the junction's signal
};

// Phase durations being typed in, kept by the caller between frames (as ImGui keeps a text
// field's buffer): which junction they belong to, the numbers, and whether the user has
// changed them (until then they follow the junction's plan, which another control may change).
struct TimingEdit {
  std::string junction;
  std::vector<double> durations_s;
  bool edited = false;
};

// The "Inspector" window for `what` (nothing when it holds std::monostate). A junction's
// phase durations are edited in `timing` and sent as `retime` by "Apply timing"; until the
// user edits them they follow `what`.
InspectorCommands inspector_panel(const Inspection& what, TimingEdit& timing);

}  // namespace parktwin::render
